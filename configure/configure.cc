#include "zspan/configure/configure.hpp"

#include <errno.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/env.hpp"
#include "zspan/trace/propagation/peer_whitelist.hpp"
#include "zspan/trace/sampling/jaeger_remote_sampler.hpp"
#include "zspan/trace/internal/text.hpp"

namespace zspan {
namespace {

constinit RateLimitedWarning g_bad_trusted_peers{"zspan: configure() trusts no peer"};

struct Configured {
  std::mutex mutex;
  // Every tracer configured, the newest current. None is deleted: a span an older one
  // started may still end, and spans may name any of them until the process ends.
  std::vector<std::unique_ptr<ConfiguredTracer>> tracers;
};
Configured& configured() {
  static auto* c = new Configured;  // never freed: read until the process ends
  return *c;
}

// OTEL_SERVICE_NAME, else service.name of OTEL_RESOURCE_ATTRIBUTES, else
// unknown_service:<program> (the OpenTelemetry resource semantic conventions).
std::string service_name_from_env() {
  if (std::optional<std::string> name = env::value("OTEL_SERVICE_NAME")) return *name;
  for (auto& [key, value] : env::key_values("OTEL_RESOURCE_ATTRIBUTES"))
    if (key == "service.name" && !value.empty()) return value;
  return {};
}

std::vector<std::string> exporters_from_env() {
  const std::optional<std::string> list = env::value("OTEL_TRACES_EXPORTER");
  if (!list) return {"otlp"};
  std::vector<std::string> names;
  std::string_view rest = *list;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string name(detail::trim_ows(rest.substr(0, comma)));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name.empty()) continue;
    if (ConfiguredExporter::is_known(name))
      names.push_back(std::move(name));
    else
      env::bad_value("OTEL_TRACES_EXPORTER", name, "is not an exporter this program knows", "the other names");
  }
  return names;
}

// The sampler `config` names; jaeger_remote (parent-based or not) polls its strategy for
// `service` on a thread of its own, shared by every tracer of the configuration.
ConfiguredSampler sampler_for(const Config& config, const std::string& service) {
  std::string name(detail::trim_ows(config.sampler));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool parent_based = name == "parentbased_jaeger_remote";
  if (parent_based || name == "jaeger_remote")
    return ConfiguredSampler::delegating(
        std::make_shared<JaegerRemoteSampler>(service, parse_jaeger_remote_arg(config.sampler_arg)), parent_based);
  return ConfiguredSampler::parse(config.sampler, config.sampler_arg);
}

// Installs the whitelist of `patterns`; an invalid one says why and trusts no one.
bool install_trusted_peers(const std::optional<std::vector<std::string>>& patterns) {
  if (!patterns) {
    PeerWhitelist::install(PeerWhitelist::everyone());
    return true;
  }
  PeerWhitelistResult result = PeerWhitelist::compile(*patterns);
  if (!result.ok()) {
    std::string_view why = result.error;  // "zspan: trusted peers: ...", said once here
    if (why.starts_with("zspan: ")) why.remove_prefix(7);
    g_bad_trusted_peers.emit("{}", why);
  }
  PeerWhitelist::install(std::move(result.peers));
  return result.ok();
}

}  // namespace

Config Config::from_env() noexcept {
  Config c;
  try {
    if (std::optional<std::string> disabled = env::value("OTEL_SDK_DISABLED")) {
      if (detail::equals_ignoring_case(*disabled, "true")) {
        c.disabled = true;
      } else if (!detail::equals_ignoring_case(*disabled, "false")) {
        env::bad_value("OTEL_SDK_DISABLED", *disabled, "is neither true nor false", "false");
      }
    }
    c.service_name = service_name_from_env();
    c.exporters = exporters_from_env();
    c.sampler = env::value("OTEL_TRACES_SAMPLER").value_or(c.sampler);
    c.sampler_arg = env::value("OTEL_TRACES_SAMPLER_ARG").value_or("");
    c.propagator = ConfiguredPropagator::from_env();
    c.export_options = ExportOptions::from_env();
    if (std::optional<std::string> peers = env::value("ZSPAN_TRUSTED_PEERS")) c.trusted_peers = PeerWhitelist::split_list(*peers);
  } catch (...) {
    // Out of memory: what was read so far, defaults for the rest.
  }
  return c;
}

bool configure(const Config& config) noexcept {
  if (config.disabled) return true;
  try {
    std::string service = config.service_name;
    if (service.empty()) service = std::string("unknown_service:") + program_invocation_short_name;
    ConfiguredSampler::install(sampler_for(config, service));
    install_configured_exporter(ConfiguredExporter::make(config.exporters, config.export_options));
    auto tracer = std::make_unique<ConfiguredTracer>(service);
    Configured& c = configured();
    const std::lock_guard lock(c.mutex);
    c.tracers.push_back(std::move(tracer));
    ConfiguredPropagator::install(config.propagator);
    set_default_tracer(c.tracers.back().get());
    return install_trusted_peers(config.trusted_peers);
  } catch (...) {
    return false;
  }
}

bool configure_from_env() noexcept { return configure(Config::from_env()); }

ConfiguredTracer* configured_tracer() noexcept {
  Configured& c = configured();
  const std::lock_guard lock(c.mutex);
  return c.tracers.empty() ? nullptr : c.tracers.back().get();
}

const ConfiguredPropagator& configured_propagator() noexcept { return ConfiguredPropagator::installed(); }

}  // namespace zspan
