// ConfiguredExporter: the exporters a program chose at start-up, by name, as one exporter
// policy. zspan::configure_from_env() makes the process's set from OTEL_TRACES_EXPORTER;
// every tracer of this policy given no exporter sends its spans to that set:
//
//   zspan::configure_from_env();                                      // OTEL_TRACES_EXPORTER=otlp,console
//   zspan::Tracer<zspan::ConfiguredSampler, zspan::ConfiguredExporter> billing{"billing"};
//
// Each exporter has its own queue and worker (like Fanout, whose members are chosen at
// compile time), shared by all the tracers of the set. An empty set (OTEL_TRACES_EXPORTER
// =none, OTEL_SDK_DISABLED=true, or configure never called) records nothing: its tracers
// register with no collector, start no thread and sample nothing.
//
// Names (OTEL_TRACES_EXPORTER, comma-separated; the OpenTelemetry names first):
//   otlp      OtlpHttpExporter, settings OTEL_EXPORTER_OTLP_*       (exporters/otlp)
//   zipkin    ZipkinExporter, OTEL_EXPORTER_ZIPKIN_*                (exporters/zipkin)
//   jaeger    Jaeger, OTEL_EXPORTER_JAEGER_PROTOCOL picks the agent (udp/thrift.compact,
//             udp/thrift.binary) or the collector (http/thrift.binary) (exporters/jaeger)
//   console   the waterfall on stdout                               (exporters/console)
//   chrome    a Chrome Trace Event file, ZSPAN_CHROME_TRACE_FILE (zspan.trace.json)
//   jsonl     one JSON span per line, ZSPAN_JSONL_FILE (zspan-spans.jsonl)
//   none      no exporter
// An unknown name is reported on stderr and skipped; a name given twice is made once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zspan/trace/export/exporter.hpp"
#include "zspan/trace/export/pipeline.hpp"

namespace zspan {

class ConfiguredExporter {
 public:
  // The exporters `names` name, each on its own queue set by `options`.
  static ConfiguredExporter make(const std::vector<std::string>& names, const ExportOptions& options);

  // Adds an exporter made in code (a console with its options, a file at a path of the
  // program's choosing) to the set, under `name`.
  template <Exporter E>
  ConfiguredExporter& add(std::string name, SharedExporter<E> exporter) {
    pipelines_.push_back(exporter.pipeline());
    members_.push_back(std::make_shared<const SharedExporter<E>>(std::move(exporter)));
    names_.push_back(std::move(name));
    return *this;
  }

  // The set configure() made for the process (empty before): the policy's default.
  static ConfiguredExporter for_tracer(std::string_view service);

  // Whether `name` is one of the names above.
  static bool is_known(std::string_view name) noexcept;

  std::vector<std::shared_ptr<detail::Pipeline>> pipelines() const { return pipelines_; }
  // The names of the exporters in the set, in the order given.
  const std::vector<std::string>& names() const noexcept { return names_; }

 private:
  friend void install_configured_exporter(ConfiguredExporter set);

  std::vector<std::string> names_;
  std::vector<std::shared_ptr<const void>> members_;  // the SharedExporter<E> of each, type-erased
  std::vector<std::shared_ptr<detail::Pipeline>> pipelines_;
};

// Makes `set` the one for_tracer() returns (configure() calls it).
void install_configured_exporter(ConfiguredExporter set);

}  // namespace zspan
