// zspan demo: one request through two services, as a tracing backend would show it.
//
//   ./bazelw run //examples:demo
//
// The frontend handles GET /users/42: it tags its span, sets baggage, checks the user's
// session and calls the backend over "HTTP" (a header map), injecting its context. The
// backend trusts the frontend's host, extracts the context and continues the trace: it
// reads the baggage, queries its database and logs a cache miss. Meanwhile a worker
// thread writes an audit record under the request's captured context, and the frontend
// queues a notification that it does not wait for (followsFrom). The spans of both
// services are then printed as one trace tree, with their tags and logs.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "exporters/memory/memory_exporter.hpp"
#include "instrument/bind_context.hpp"
#include "instrument/remote.hpp"
#include "instrument/zspan.hpp"
#include "trace/propagation/peer_whitelist.hpp"

namespace {

using DemoTracer = zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter>;
using Headers = std::map<std::string, std::string>;
namespace tags = zspan::tags;

DemoTracer frontend{"frontend"};
DemoTracer backend{"backend"};

// The backend accepts trace context only from the frontend's hosts.
const zspan::PeerWhitelist backend_trusts({R"(frontend(-\d+)?\.internal)"});

void sleep_us(int us) { std::this_thread::sleep_for(std::chrono::microseconds(us)); }

// ---- backend process ------------------------------------------------------------------

std::string backend_get_user(const Headers& request, std::string_view peer_host) {
  TRACE_SCOPE_FROM_REMOTE(backend, "GET /users/{id}", request, zspan::DefaultPropagator{}, backend_trusts.trust(peer_host));
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
  TRACE_SCOPE_WITH(frontend, "GET /users/42", tags::span_kind = "server", tags::http_method = "GET",
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

// ---- printing ---------------------------------------------------------------------------

std::string format_value(const zspan::SpanData::TagValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) return fmt::format("\"{}\"", v);
        else if constexpr (std::is_arithmetic_v<V>) return fmt::format("{}", v);
        else return fmt::format("[{} values]", v.size());
      },
      value);
}

void print_tree(const std::vector<zspan::SpanData>& spans) {
  std::multimap<std::uint64_t, const zspan::SpanData*> children;
  for (const auto& s : spans) children.emplace(s.parent_id.value, &s);
  const std::uint64_t t0 = std::min_element(spans.begin(), spans.end(), [](auto& a, auto& b) {
                             return a.start_unix_nanos < b.start_unix_nanos;
                           })->start_unix_nanos;
  auto print = [&](auto& self, std::uint64_t parent, int depth) -> void {
    std::vector<const zspan::SpanData*> level;
    for (auto [it, end] = children.equal_range(parent); it != end; ++it) level.push_back(it->second);
    std::sort(level.begin(), level.end(), [](auto* a, auto* b) { return a->start_unix_nanos < b->start_unix_nanos; });
    for (const auto* s : level) {
      const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
      fmt::print("{:>8.3f} ms {:>8.3f} ms  {}{}{} [{}]\n", (s->start_unix_nanos - t0) / 1e6, s->duration_nanos / 1e6,
                 indent, s->parent_reference == zspan::Reference::kFollowsFrom ? "~> " : "", s->name, s->service);
      for (const auto& tag : s->tags)
        fmt::print("{:>26}{}  {} = {}\n", "", indent, tag.key, format_value(tag.value));
      for (const auto& log : s->logs)
        for (const auto& field : log.fields)
          fmt::print("{:>26}{}  log +{:.3f} ms: {} = {}\n", "", indent, (log.unix_nanos - s->start_unix_nanos) / 1e6,
                     field.key, format_value(field.value));
      self(self, s->span_id.value, depth + 1);
    }
  };
  fmt::print("{:>11} {:>11}  span [service]\n", "start", "duration");
  print(print, 0, 0);
}

}  // namespace

int main() {
  handle_request();
  zspan::flush();

  std::vector<zspan::SpanData> spans = frontend.exporter().spans();
  const auto more = backend.exporter().spans();
  spans.insert(spans.end(), more.begin(), more.end());

  fmt::print("headers the frontend sent to the backend:\n");
  for (const auto& [name, value] : last_request_headers) fmt::print("  {}: {}\n", name, value);
  char trace[32];
  spans.front().trace_id.to_hex(trace);
  fmt::print("\ntrace {} ({} spans, 2 services)\n", std::string_view(trace, 32), spans.size());
  print_tree(spans);

  const zspan::Stats stats = zspan::stats();
  fmt::print("\nexported {} spans, dropped {}; tracing cost about {:.1f} us of this run\n", stats.spans_exported,
             stats.spans_dropped_buffer_full + stats.spans_dropped_no_buffer + stats.spans_dropped_no_tracer +
                 stats.spans_dropped_exporter_failed,
             stats.tracing_nanos / 1e3);
}
