// ConfiguredPropagator: the header formats chosen at run time, from OTEL_PROPAGATORS
// (OpenTelemetry SDK environment variables), e.g. OTEL_PROPAGATORS=tracecontext,baggage,b3.
//
//   static const zspan::ConfiguredPropagator propagator = zspan::ConfiguredPropagator::from_env();
//   zspan::inject(headers, propagator);
//
// Names: tracecontext, baggage, b3 (single header), b3multi, jaeger, none. Unset or
// empty means the OpenTelemetry default "tracecontext,baggage"; "none" means no
// propagation. Unknown names (xray, ottrace, typos) are reported and skipped; when no
// name is usable the default applies. Formats run in the order named, through a switch
// over a small array: no virtual call, no allocation.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "zspan/trace/propagation/b3.hpp"
#include "zspan/trace/propagation/carrier.hpp"
#include "zspan/trace/propagation/jaeger.hpp"
#include "zspan/trace/propagation/trace_context.hpp"
#include "zspan/trace/propagation/w3c_baggage.hpp"

namespace zspan {

enum class PropagationFormat : std::uint8_t { kTraceContext, kBaggage, kB3Single, kB3Multi, kJaeger };

class ConfiguredPropagator {
 public:
  constexpr ConfiguredPropagator() noexcept : formats_{PropagationFormat::kTraceContext, PropagationFormat::kBaggage}, count_(2) {}
  static ConfiguredPropagator from_env() noexcept;
  // The value of OTEL_PROPAGATORS. Never fails: bad names are reported and skipped.
  static ConfiguredPropagator parse(std::string_view names) noexcept;
  // The formats configure() chose (configure/configure.hpp), read by what propagates
  // without being given a propagator (the integrations of instrument/http); the
  // OpenTelemetry default before. Replaced only by configure(), at start-up.
  static void install(const ConfiguredPropagator& propagator) noexcept;
  static const ConfiguredPropagator& installed() noexcept;

  std::size_t size() const noexcept { return count_; }
  PropagationFormat operator[](std::size_t i) const noexcept { return formats_[i]; }

  template <ReadableCarrier C>
  void extract(const C& carrier, SpanContext& ctx) const {
    for (std::size_t i = 0; i < count_; ++i) {
      switch (formats_[i]) {
        case PropagationFormat::kTraceContext: TraceContextPropagator{}.extract(carrier, ctx); break;
        case PropagationFormat::kBaggage: W3CBaggagePropagator{}.extract(carrier, ctx); break;
        // Either B3 propagator reads both encodings.
        case PropagationFormat::kB3Single:
        case PropagationFormat::kB3Multi: B3Propagator<B3Encoding::kSingle>{}.extract(carrier, ctx); break;
        case PropagationFormat::kJaeger: JaegerPropagator{}.extract(carrier, ctx); break;
      }
    }
  }

  template <WritableCarrier C>
  void inject(const SpanContext& ctx, C& carrier) const {
    for (std::size_t i = 0; i < count_; ++i) {
      switch (formats_[i]) {
        case PropagationFormat::kTraceContext: TraceContextPropagator{}.inject(ctx, carrier); break;
        case PropagationFormat::kBaggage: W3CBaggagePropagator{}.inject(ctx, carrier); break;
        case PropagationFormat::kB3Single: B3Propagator<B3Encoding::kSingle>{}.inject(ctx, carrier); break;
        case PropagationFormat::kB3Multi: B3Propagator<B3Encoding::kMulti>{}.inject(ctx, carrier); break;
        case PropagationFormat::kJaeger: JaegerPropagator{}.inject(ctx, carrier); break;
      }
    }
  }

 private:
  struct NoFormats {};
  explicit ConfiguredPropagator(NoFormats) noexcept {}

  static constexpr std::size_t kFormats = 5;
  std::array<PropagationFormat, kFormats> formats_{};
  std::size_t count_ = 0;
};

}  // namespace zspan
