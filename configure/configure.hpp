// configure_from_env(): one call at start-up makes a program traced the way every
// OpenTelemetry SDK is configured, from its environment; configure(Config) does the same
// from code. Until one of them runs, nothing is traced.
//
//   int main() {
//     zspan::configure_from_env();     // OTEL_SERVICE_NAME=checkout OTEL_TRACES_EXPORTER=otlp ...
//     TRACE_SCOPE("handle");           // a root of the default tracer, exported as configured
//   }
//
//   zspan::Config config = zspan::Config::from_env();
//   config.exporters = {"console"};
//   zspan::configure(config);
//
// What configure() makes:
//  - the exporters named by Config::exporters (configure/configured_exporter.hpp), each on
//    its own queue (Config::export_options, the OTEL_BSP_* variables);
//  - the default tracer (set_default_tracer), named Config::service_name, sampling with
//    Config::sampler: the tracer of every root span started without one;
//  - the defaults that tracers of the configured policy types pick up when they are given
//    nothing: Tracer<ConfiguredSampler, ConfiguredExporter> billing{"billing"} samples as
//    configured and sends to the configured exporters;
//  - the propagator configured_propagator() returns (Config::propagator, OTEL_PROPAGATORS);
//  - the peers trace contexts go to and come from (Config::trusted_peers,
//    ZSPAN_TRUSTED_PEERS: trace/propagation/peer_whitelist.hpp), which
//    PeerWhitelist::configured() returns and the integrations of instrument/http use. An
//    entry that is not a valid regular expression fails configure(): one line on stderr
//    names it and suggests the pattern meant, and no peer is trusted.
// Calling it again replaces all of these; spans of the tracers made before keep going to
// the exporters those tracers were given. With Config::disabled (OTEL_SDK_DISABLED=true) it
// makes nothing: no exporter, no tracer, no thread, no socket.
//
// The variables, their defaults and what reads them:
//
//   variable                        default                    effect
//   OTEL_SDK_DISABLED               false                      true: configure makes nothing
//   OTEL_SERVICE_NAME               service.name of OTEL_RESOURCE_ATTRIBUTES, else
//                                   unknown_service:<program>  the default tracer's service
//   OTEL_RESOURCE_ATTRIBUTES        -                          resource of every exported span
//   OTEL_TRACES_EXPORTER            otlp                       exporters, comma-separated
//   OTEL_TRACES_SAMPLER(_ARG)       parentbased_always_on      trace/sampler.hpp
//   OTEL_PROPAGATORS                tracecontext,baggage       trace/propagation/configured_propagator.hpp
//   ZSPAN_TRUSTED_PEERS             every peer                 regexes of trusted peers, comma-separated
//   OTEL_BSP_*                      2048, 5000, 512, 30000     trace/export/exporter.hpp
//   OTEL_EXPORTER_OTLP_*            exporters/otlp/otlp_http_exporter.hpp
//   OTEL_EXPORTER_ZIPKIN_*          exporters/zipkin/zipkin_exporter.hpp
//   OTEL_EXPORTER_JAEGER_*          exporters/jaeger/ (configure/configured_exporter.hpp: which one)
// A bad value prints one line naming the variable, the value and what is used instead
// (trace/env.hpp); nothing here throws or aborts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "zspan/configure/configured_exporter.hpp"
#include "zspan/trace/export/exporter.hpp"
#include "zspan/trace/propagation/configured_propagator.hpp"
#include "zspan/trace/propagation/peer_whitelist.hpp"
#include "zspan/trace/sampler.hpp"
#include "zspan/trace/tracer.hpp"

namespace zspan {

struct Config {
  bool disabled = false;
  std::string service_name;               // empty: unknown_service:<program>
  std::vector<std::string> exporters = {"otlp"};
  std::string sampler = "parentbased_always_on";  // an OTEL_TRACES_SAMPLER name
  std::string sampler_arg;                         // its OTEL_TRACES_SAMPLER_ARG
  ConfiguredPropagator propagator;
  ExportOptions export_options;
  // Regexes of the peers trusted with trace contexts (their union); nullopt: every peer.
  std::optional<std::vector<std::string>> trusted_peers;

  // The defaults above, overridden by the variables that are set (the table above).
  static Config from_env() noexcept;
};

// The tracer type configure() makes; also the one to declare for more services.
using ConfiguredTracer = Tracer<ConfiguredSampler, ConfiguredExporter>;

// Makes what `config` says (see above). False if it could not (a trusted peer that is not
// a regex, or out of memory: what was made is kept); true, and nothing made, when
// config.disabled.
bool configure(const Config& config) noexcept;
bool configure_from_env() noexcept;

// The default tracer configure() made; nullptr before, or when disabled.
ConfiguredTracer* configured_tracer() noexcept;

// The propagator of the last configure() (the OTel default before).
const ConfiguredPropagator& configured_propagator() noexcept;

}  // namespace zspan
