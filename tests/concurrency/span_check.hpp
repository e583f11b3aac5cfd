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

#include "exporters/memory_exporter.hpp"
#include "trace/context.hpp"

namespace zspan::testing {

class ExpectedSpans {
 public:
  // The current span must come out with `parent` as its parent.
  void expect_current(SpanId parent, Reference reference = Reference::kChildOf) {
    const SpanId id = current_context().span_id;
    std::lock_guard lock(mutex_);
    expected_[id.value] = {parent.value, reference};
  }

  void check(const std::vector<FinishedSpan>& spans) const {
    std::lock_guard lock(mutex_);
    std::set<std::uint64_t> seen;
    for (const FinishedSpan& span : spans) {
      ASSERT_TRUE(seen.insert(span.span_id.value).second) << "exported twice: " << span.name;
      auto it = expected_.find(span.span_id.value);
      ASSERT_NE(it, expected_.end()) << "unexpected span " << span.name;
      EXPECT_EQ(span.parent_id.value, it->second.parent) << span.name;
      EXPECT_EQ(span.parent_reference, it->second.reference) << span.name;
    }
    EXPECT_EQ(seen.size(), expected_.size()) << "spans lost";
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

}  // namespace zspan::testing
