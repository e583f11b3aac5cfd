// What the concurrency tests expect of the spans they export: each span, by id, with the
// parent the test knows it must have. The test notes both while it runs, from its own
// bookkeeping, and checks the exporter got exactly those spans, each once.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "zspan/exporters/memory/memory_exporter.hpp"
#include "zspan/trace/collector.hpp"
#include "zspan/instrument/macros.hpp"
#include "zspan/trace/captured_context.hpp"
#include "zspan/trace/context.hpp"

namespace zspan::testing {

// Gives the threads started in its scope rings big enough for a whole stress test: on a
// loaded 2-core machine one worker may run most of the jobs while the collector gets no
// CPU, and a default ring would then drop (and count) spans the test means to check.
class BigThreadBuffers {
 public:
  BigThreadBuffers() noexcept {
    set_thread_buffer_capacity(std::size_t{16} << 20);
    set_buffer_budget(std::size_t{1} << 30);
  }
  ~BigThreadBuffers() {
    set_thread_buffer_capacity(kDefaultThreadBufferBytes);
    set_buffer_budget(kDefaultBufferBudgetBytes);
  }
  BigThreadBuffers(const BigThreadBuffers&) = delete;
  BigThreadBuffers& operator=(const BigThreadBuffers&) = delete;
};

// What zspan counted as dropped in this process so far: where lost spans went.
inline std::string drops_so_far() {
  const Stats s = zspan::stats();
  return "dropped so far: buffer full " + std::to_string(s.spans_dropped_buffer_full) + ", no buffer " +
         std::to_string(s.spans_dropped_no_buffer) + ", no tracer " + std::to_string(s.spans_dropped_no_tracer) +
         ", queue full " + std::to_string(s.spans_dropped_queue_full) + ", exporter failed " +
         std::to_string(s.spans_dropped_exporter_failed) + ", shutdown " + std::to_string(s.spans_dropped_shutdown);
}

class ExpectedSpans {
 public:
  // The current span must come out with `parent` as its parent.
  void expect_current(SpanId parent, Reference reference = Reference::kChildOf) {
    const SpanId id = current_context().span_id;
    std::lock_guard lock(mutex_);
    expected_[id.value] = {parent.value, reference};
  }

  void check(const std::vector<SpanData>& spans) const {
    std::lock_guard lock(mutex_);
    std::set<std::uint64_t> seen;
    for (const SpanData& span : spans) {
      ASSERT_TRUE(seen.insert(span.span_id.value).second) << "exported twice: " << span.name;
      auto it = expected_.find(span.span_id.value);
      ASSERT_NE(it, expected_.end()) << "unexpected span " << span.name;
      EXPECT_EQ(span.parent_id.value, it->second.parent) << span.name;
      EXPECT_EQ(span.parent_reference, it->second.reference) << span.name;
    }
    EXPECT_EQ(seen.size(), expected_.size()) << "spans lost; " << drops_so_far();
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return expected_.size();
  }

 private:
  struct Parent {
    std::uint64_t parent;
    Reference reference;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Parent> expected_;
};

// A context of the workers' own, in `tracer`, never the parent of the work they run: a
// span "worker" that ends at once (expected as a root), captured to run the workers in.
template <class TracerT>
CapturedContext worker_context(TracerT& tracer, ExpectedSpans& expected) {
  TRACE_SCOPE_WITH(tracer, "worker");
  expected.expect_current({});
  return capture_context();
}

}  // namespace zspan::testing
