// zspan demo: one request through two services, as a tracing backend would show it.
//
//   ./bazelw run //examples:demo                         # the waterfall, and zspan-demo.trace.json
//   ./bazelw run //examples:demo -- --details --chrome=/tmp/t.json
//   ./bazelw run //examples:demo -- --help
//
// The frontend handles GET /users/42: it tags its span, sets baggage, checks the user's
// session and calls the backend over "HTTP" (a header map), injecting its context. The
// backend trusts the frontend's host, extracts the context and continues the trace: it
// reads the baggage, queries its database and logs a cache miss. Meanwhile a worker
// thread writes an audit record under the request's captured context, and the frontend
// queues a notification that it does not wait for (followsFrom). The spans of both
// services go to a console waterfall of the trace and a Chrome Trace Event file to open in
// the Perfetto UI (ui.perfetto.dev, "Open trace file"), and also to the backends that
// OTEL_TRACES_EXPORTER names when it is set (configure/configured_exporter.hpp):
//
//   OTEL_TRACES_EXPORTER=otlp ./bazelw run //examples:demo      # to a collector on :4318
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "configure/configure.hpp"
#include "exporters/chrome/chrome_trace_exporter.hpp"
#include "exporters/console/console_exporter.hpp"
#include "instrument/bind_context.hpp"
#include "instrument/remote.hpp"
#include "instrument/zspan.hpp"
#include "trace/propagation/peer_whitelist.hpp"

namespace {

// Both services share one waterfall (so the trace prints whole), one trace file, and the
// configured backends.
using DemoTracer = zspan::Tracer<zspan::AlwaysOnSampler, zspan::ConfiguredExporter>;
using Headers = std::map<std::string, std::string>;
namespace tags = zspan::tags;

struct Flags {
  bool details = false;
  std::string chrome_path = "zspan-demo.trace.json";
};

Flags parse_flags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--details") {
      flags.details = true;
    } else if (arg.starts_with("--chrome=")) {
      flags.chrome_path = arg.substr(9);
    } else {
      fmt::print(arg == "--help" ? stdout : stderr,
                 "usage: demo [--details] [--chrome=PATH]\n"
                 "  --details      tags, logs and links under each span of the waterfall\n"
                 "  --chrome=PATH  where the Chrome trace file goes (default zspan-demo.trace.json;\n"
                 "                 relative to where `bazel run` was started)\n");
      std::exit(arg == "--help" ? 0 : 2);
    }
  }
  // Under `bazel run` the program runs in its runfiles: put the file where the user is.
  if (const char* dir = std::getenv("BUILD_WORKING_DIRECTORY"); dir && !flags.chrome_path.starts_with("/"))
    flags.chrome_path = std::string(dir) + "/" + flags.chrome_path;
  return flags;
}

zspan::ConfiguredExporter make_exporters(const Flags& flags) {
  const zspan::Config config = zspan::Config::from_env();
  std::vector<std::string> backends;
  if (std::getenv("OTEL_TRACES_EXPORTER")) backends = config.exporters;
  std::erase_if(backends, [](const std::string& name) { return name == "console" || name == "chrome"; });
  zspan::ConsoleOptions console;
  console.details = flags.details;
  zspan::ConfiguredExporter exporters = zspan::ConfiguredExporter::make(backends, config.export_options);
  exporters.add("console", zspan::share_exporter<zspan::ConsoleExporter>(config.export_options, console))
      .add("chrome", zspan::share_exporter<zspan::ChromeTraceExporter>(config.export_options, flags.chrome_path));
  return exporters;
}

// The backend accepts trace context only from the frontend's hosts.
const zspan::PeerWhitelist backend_trusts = zspan::PeerWhitelist::compile({R"(frontend(-\d+)?\.internal)"}).peers;

DemoTracer* frontend = nullptr;
DemoTracer* backend = nullptr;

void sleep_us(int us) { std::this_thread::sleep_for(std::chrono::microseconds(us)); }

// ---- backend process ------------------------------------------------------------------

std::string backend_get_user(const Headers& request, std::string_view peer_host) {
  TRACE_SCOPE_FROM_REMOTE(*backend, "GET /users/{id}", request, zspan::DefaultPropagator{}, backend_trusts.trust(peer_host));
  TRACE_TAG(tags::span_kind, "server");
  const std::string tenant(zspan::baggage_get("tenant").value_or("?"));
  {
    TRACE_SCOPE("cache lookup", tags::db_type = "redis");
    TRACE_LOG("miss for user {} of tenant {}", 42, tenant);
    sleep_us(150);
  }
  {
    TRACE_SCOPE("SELECT users", tags::db_type = "postgresql",
                tags::db_statement = "SELECT name FROM users WHERE id = $1 AND tenant = $2");
    for (int row = 0; row < 3; ++row) {
      TRACE_SCOPE_DEBUG("decode row");
      sleep_us(40);
    }
  }
  return "Ada";
}

// ---- frontend process -----------------------------------------------------------------

void write_audit_record() {
  TRACE_FUNCTION();
  sleep_us(300);
}

Headers last_request_headers;

void handle_request() {
  TRACE_SCOPE_WITH(*frontend, "GET /users/42", tags::span_kind = "server", tags::http_method = "GET",
                   tags::http_url = "https://example.com/users/42");
  TRACE_BAGGAGE_SET("tenant", "acme");
  {
    TRACE_SCOPE("check session");
    sleep_us(200);
  }
  std::thread audit(zspan::bind_context(write_audit_record));  // a child on another thread
  {
    TRACE_SCOPE("call backend", tags::span_kind = "client", tags::peer_service = "backend");
    Headers request;
    zspan::inject(request);  // traceparent + baggage (the backend trusts this host)
    last_request_headers = request;
    const std::string name = backend_get_user(request, "frontend-1.internal");
    TRACE_TAG(tags::http_status_code, name.empty() ? 404 : 200);
  }
  audit.join();
  TRACE_SCOPE_FOLLOWS_FROM("queue notification", tags::message_bus_destination = "notifications");
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = parse_flags(argc, argv);
  const zspan::ConfiguredExporter exporters = make_exporters(flags);
  DemoTracer frontend_tracer{"frontend", {}, exporters};
  DemoTracer backend_tracer{"backend", {}, exporters};
  frontend = &frontend_tracer;
  backend = &backend_tracer;

  handle_request();
  zspan::flush();  // the waterfall prints; the trace file is complete

  fmt::print("\nheaders the frontend sent to the backend:\n");
  for (const auto& [name, value] : last_request_headers) fmt::print("  {}: {}\n", name, value);
  const zspan::Stats stats = zspan::stats();
  fmt::print("\n");
  for (const zspan::ExporterStats& e : stats.exporters)
    fmt::print("exporter {}: {} spans exported, {} dropped\n", e.name, e.exported,
               e.received - e.exported - e.pending);
  fmt::print("tracing cost about {:.1f} us of this run\n", stats.tracing_nanos / 1e3);
  fmt::print("Chrome trace: {} (open it in https://ui.perfetto.dev or chrome://tracing)\n", flags.chrome_path);
}
