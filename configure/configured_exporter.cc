#include "configure/configured_exporter.hpp"

#include <algorithm>
#include <array>
#include <mutex>

#include "exporters/chrome/chrome_trace_exporter.hpp"
#include "exporters/console/console_exporter.hpp"
#include "exporters/jsonl/json_lines_exporter.hpp"
#include "exporters/otlp/otlp_http_exporter.hpp"
#include "trace/diagnostics.hpp"
#include "trace/env.hpp"

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

template <Exporter E, class... Args>
std::shared_ptr<const void> add(std::vector<std::shared_ptr<detail::Pipeline>>& pipelines, std::string_view name,
                                const ExportOptions& options, Args&&... args) {
  auto member = std::make_shared<const SharedExporter<E>>(SharedExporter<E>::make(name, options, std::forward<Args>(args)...));
  pipelines.push_back(member->pipeline());
  return member;
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
    std::shared_ptr<const void> member;
    if (name == "otlp") {
      member = add<OtlpHttpExporter>(set.pipelines_, name, options, OtlpHttpExporter::Options::from_env());
    } else if (name == "console") {
      member = add<ConsoleExporter>(set.pipelines_, name, options);
    } else if (name == "chrome") {
      member = add<ChromeTraceExporter>(set.pipelines_, name, options,
                                        env::value("ZSPAN_CHROME_TRACE_FILE").value_or("zspan.trace.json"));
    } else if (name == "jsonl") {
      member = add<JsonLinesExporter>(set.pipelines_, name, options,
                                      env::value("ZSPAN_JSONL_FILE").value_or("zspan-spans.jsonl"));
    } else {
      static RateLimitedWarning unknown{"zspan: unknown exporter name"};
      unknown.emit("\"{}\" is not one of otlp, zipkin, jaeger, console, chrome, jsonl, none; skipped", name);
      continue;
    }
    set.names_.push_back(name);
    set.members_.push_back(std::move(member));
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
