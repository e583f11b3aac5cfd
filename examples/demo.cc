// zspan demo: a request crosses two components (tracers), each annotating its hot code
// with TRACE_SCOPE; the spans are printed as the trace tree a backend would show.
//
//   ./bazelw run //examples:demo
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <thread>
#include <vector>

#include "exporters/memory_exporter.hpp"
#include "instrument/zspan.hpp"

namespace {

using DemoTracer = zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter>;

DemoTracer frontend{"frontend"};
DemoTracer storage{"storage"};

int parse_row(int i) {
  TRACE_SCOPE_DEBUG("parse row");
  return i * 7 % 13;
}

int query_users(int limit) {
  TRACE_SCOPE_WITH(storage, "SELECT users");
  int sum = 0;
  for (int i = 0; i < limit; ++i) sum += parse_row(i);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return sum;
}

void handle_request() {
  TRACE_SCOPE_WITH(frontend, "GET /users");
  {
    TRACE_SCOPE("authenticate");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const int users = query_users(3);
  {
    TRACE_SCOPE("render");
    std::this_thread::sleep_for(std::chrono::microseconds(300 + users));
  }
  TRACE_SCOPE_FOLLOWS_FROM("enqueue audit event");
}

void print_tree(const std::vector<zspan::FinishedSpan>& spans) {
  std::multimap<std::uint64_t, const zspan::FinishedSpan*> children;
  for (const auto& s : spans) children.emplace(s.parent_id.value, &s);
  const std::uint64_t t0 = std::min_element(spans.begin(), spans.end(), [](auto& a, auto& b) {
                             return a.start_unix_nanos < b.start_unix_nanos;
                           })->start_unix_nanos;
  auto print = [&](auto& self, std::uint64_t parent, int depth) -> void {
    std::vector<const zspan::FinishedSpan*> level;
    for (auto [it, end] = children.equal_range(parent); it != end; ++it) level.push_back(it->second);
    std::sort(level.begin(), level.end(), [](auto* a, auto* b) { return a->start_unix_nanos < b->start_unix_nanos; });
    for (const auto* s : level) {
      char id[16];
      s->span_id.to_hex(id);
      fmt::print("{:>9.3f} ms {:>9.3f} ms  {:{}}{}{} [{}] {}\n", (s->start_unix_nanos - t0) / 1e6,
                 s->duration_nanos / 1e6, "", depth * 2,
                 s->parent_reference == zspan::Reference::kFollowsFrom ? "~> " : "", s->name, s->service,
                 std::string_view(id, 16));
      self(self, s->span_id.value, depth + 1);
    }
  };
  fmt::print("{:>12} {:>12}  span [service] span id\n", "start", "duration");
  print(print, 0, 0);
}

}  // namespace

int main() {
  handle_request();
  zspan::flush();
  std::vector<zspan::FinishedSpan> spans = frontend.exporter().spans();
  const auto more = storage.exporter().spans();
  spans.insert(spans.end(), more.begin(), more.end());
  char trace[32];
  spans.front().trace_id.to_hex(trace);
  fmt::print("trace {} ({} spans)\n", std::string_view(trace, 32), spans.size());
  print_tree(spans);
  const zspan::Stats stats = zspan::stats();
  fmt::print("exported {}, dropped {}\n", stats.spans_exported,
             stats.spans_dropped_buffer_full + stats.spans_dropped_no_buffer + stats.spans_dropped_no_tracer);
}
