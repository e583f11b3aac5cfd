// MemoryExporter: keeps every span it is given, for any thread to read, and a fork()ed
// child reads its own copy at once.
#include "zspan/exporters/memory/memory_exporter.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "tests/support/memory_tracer.hpp"
#include "tests/support/run_forked.hpp"
#include "zspan/instrument/zspan.hpp"

namespace zspan {
namespace {

TEST(MemoryExporter, KeepsEverySpanUntilCleared) {
  testing::MemoryTracer tracer{"memory"};
  for (int i = 0; i < 3; ++i) {
    TRACE_SCOPE_WITH(tracer, "work");
  }
  EXPECT_EQ(testing::flushed(tracer).size(), 3u);
  EXPECT_EQ(tracer.exporter().size(), 3u);
  tracer.exporter().clear();
  EXPECT_EQ(tracer.exporter().size(), 0u);
}

// A thread of the parent reading the spans holds the exporter's lock nearly all the time;
// a child forked meanwhile would inherit that lock held, by a thread it does not have, and
// wait for it forever. fork() waits for the read instead.
TEST(MemoryExporter, AForkedChildReadsItsCopyEvenIfAParentThreadWasReadingAtTheFork) {
  testing::MemoryTracer tracer{"memory"};
  constexpr std::size_t kSpans = 20000;  // a read copies them all: about a millisecond
  for (std::size_t round = 0; round < kSpans / 1000; ++round) {
    for (int i = 0; i < 1000; ++i) {
      TRACE_SCOPE_WITH(tracer, "work");
    }
    ASSERT_TRUE(flush());  // a thousand at a time: within the default queue, none dropped
  }
  ASSERT_EQ(testing::flushed(tracer).size(), kSpans);

  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!stop.load()) {
      if (tracer.exporter().spans().size() == kSpans) reads.fetch_add(1);
    }
  });
  while (reads.load() == 0) std::this_thread::yield();
  for (int fork_number = 0; fork_number < 5; ++fork_number) {
    // _exit: the child leaves without zspan's exit handler, which has nothing to do here.
    const int result = testing::run_forked([&]() -> int { _exit(tracer.exporter().size() == kSpans ? 0 : 1); });
    EXPECT_NE(result, -1) << "the child hung reading its spans (fork " << fork_number << ")";
    EXPECT_EQ(result, 0) << "fork " << fork_number;
  }
  stop.store(true);
  reader.join();
}

}  // namespace
}  // namespace zspan
