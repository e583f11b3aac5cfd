#include "zspan/configure/configured_exporter.hpp"

#include <algorithm>
#include <array>
#include <mutex>

#include "zspan/exporters/chrome/chrome_trace_exporter.hpp"
#include "zspan/exporters/console/console_exporter.hpp"
#include "zspan/exporters/jaeger/jaeger_agent_exporter.hpp"
#include "zspan/exporters/jaeger/jaeger_collector_exporter.hpp"
#include "zspan/exporters/jsonl/json_lines_exporter.hpp"
#include "zspan/exporters/otlp/otlp_http_exporter.hpp"
#include "zspan/exporters/zipkin/zipkin_exporter.hpp"
#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/env.hpp"

namespace zspan {
namespace {

struct Installed {
  std::mutex mutex;
  ConfiguredExporter set;
};
Installed& installed() {
  static auto* i = new Installed;  // never freed: tracers may outlive static destruction
  return *i;
}

// The collector when OTEL_EXPORTER_JAEGER_PROTOCOL says http/thrift.binary, or when it is
// unset and OTEL_EXPORTER_JAEGER_ENDPOINT is set; else the agent (udp/thrift.compact on
// 6831, the OpenTelemetry SDKs' default).
void add_jaeger(ConfiguredExporter& set, const ExportOptions& options) {
  const std::optional<std::string> protocol = env::value("OTEL_EXPORTER_JAEGER_PROTOCOL");
  const bool collector = protocol ? *protocol == "http/thrift.binary" : env::value("OTEL_EXPORTER_JAEGER_ENDPOINT").has_value();
  if (collector) {
    set.add("jaeger", SharedExporter<JaegerCollectorExporter>::make("jaeger", options, JaegerCollectorExporter::Options::from_env()));
  } else {
    if (protocol == "grpc") env::bad_value("OTEL_EXPORTER_JAEGER_PROTOCOL", *protocol, "is not supported", "the agent's UDP");
    set.add("jaeger", SharedExporter<JaegerAgentExporter>::make("jaeger", options, JaegerAgentExporter::Options::from_env()));
  }
}

constexpr std::array<std::string_view, 7> kNames = {"otlp", "zipkin", "jaeger", "console", "chrome", "jsonl", "none"};

}  // namespace

bool ConfiguredExporter::is_known(std::string_view name) noexcept {
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

ConfiguredExporter ConfiguredExporter::make(const std::vector<std::string>& names, const ExportOptions& options) {
  ConfiguredExporter set;
  for (const std::string& name : names) {
    if (name == "none" || std::find(set.names_.begin(), set.names_.end(), name) != set.names_.end()) continue;
    if (name == "otlp") {
      set.add(name, SharedExporter<OtlpHttpExporter>::make(name, options, OtlpHttpExporter::Options::from_env()));
    } else if (name == "jaeger") {
      add_jaeger(set, options);
    } else if (name == "zipkin") {
      set.add(name, SharedExporter<ZipkinExporter>::make(name, options, ZipkinExporter::Options::from_env()));
    } else if (name == "console") {
      set.add(name, SharedExporter<ConsoleExporter>::make(name, options));
    } else if (name == "chrome") {
      set.add(name, SharedExporter<ChromeTraceExporter>::make(
                        name, options, env::value("ZSPAN_CHROME_TRACE_FILE").value_or("zspan.trace.json")));
    } else if (name == "jsonl") {
      set.add(name, SharedExporter<JsonLinesExporter>::make(
                        name, options, env::value("ZSPAN_JSONL_FILE").value_or("zspan-spans.jsonl")));
    } else {
      static RateLimitedWarning unknown{"zspan: unknown exporter name"};
      unknown.emit("\"{}\" is not one of otlp, zipkin, jaeger, console, chrome, jsonl, none; skipped", name);
    }
  }
  return set;
}

ConfiguredExporter ConfiguredExporter::for_tracer(std::string_view) {
  Installed& i = installed();
  const std::lock_guard lock(i.mutex);
  return i.set;
}

void install_configured_exporter(ConfiguredExporter set) {
  Installed& i = installed();
  ConfiguredExporter previous;
  {
    const std::lock_guard lock(i.mutex);
    previous = std::exchange(i.set, std::move(set));
  }
  // `previous` shuts its exporters down here, outside the lock, once no tracer holds them.
}

}  // namespace zspan
