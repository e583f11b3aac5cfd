#include "zspan/trace/propagation/configured_propagator.hpp"

#include <cstdlib>

#include "zspan/trace/diagnostics.hpp"

namespace zspan {

namespace {

constinit RateLimitedWarning g_unknown_propagator{"zspan: OTEL_PROPAGATORS: unknown propagator ignored"};

struct Name {
  std::string_view name;
  PropagationFormat format;
};
constexpr Name kNames[] = {
    {"tracecontext", PropagationFormat::kTraceContext}, {"baggage", PropagationFormat::kBaggage},
    {"b3", PropagationFormat::kB3Single},               {"b3multi", PropagationFormat::kB3Multi},
    {"jaeger", PropagationFormat::kJaeger},
};

}  // namespace

ConfiguredPropagator ConfiguredPropagator::parse(std::string_view names) noexcept {
  ConfiguredPropagator p{NoFormats{}};
  bool none = false;
  bool any_name = false;
  while (true) {
    const std::size_t comma = names.find(',');
    const std::string_view name = detail::trim_ows(names.substr(0, comma));
    if (!name.empty()) {
      any_name = true;
      // OpenTelemetry: enum-like values "SHOULD be interpreted in a case-insensitive manner".
      const Name* known = nullptr;
      for (const Name& n : kNames)
        if (header_name_equals(n.name, name)) known = &n;
      if (header_name_equals(name, "none")) {
        none = true;
      } else if (!known) {
        g_unknown_propagator.emit("\"{}\"", name.substr(0, 64));
      } else {
        bool seen = false;
        for (std::size_t i = 0; i < p.count_; ++i) seen |= p.formats_[i] == known->format;
        if (!seen) p.formats_[p.count_++] = known->format;
      }
    }
    if (comma == std::string_view::npos) break;
    names.remove_prefix(comma + 1);
  }
  if (none) {
    p.count_ = 0;
  } else if (p.count_ == 0) {
    if (any_name) g_unknown_propagator.emit("no usable name, using \"tracecontext,baggage\"");
    p = ConfiguredPropagator{};
  }
  return p;
}

namespace {
constinit ConfiguredPropagator g_installed;
}  // namespace

void ConfiguredPropagator::install(const ConfiguredPropagator& propagator) noexcept { g_installed = propagator; }
const ConfiguredPropagator& ConfiguredPropagator::installed() noexcept { return g_installed; }

ConfiguredPropagator ConfiguredPropagator::from_env() noexcept {
  const char* value = std::getenv("OTEL_PROPAGATORS");
  return parse(value ? value : "");
}

}  // namespace zspan
