// The collecting side: every span ended is counted in exactly one place at every moment,
// thread buffers stay within their budget, and fork() and exit lose nothing uncounted and
// never hang.
#include "zspan/trace/collector.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <thread>
#include <vector>

#include "zspan/instrument/zspan.hpp"
#include "tests/sanitizers.hpp"
#include "tests/support/exporter_stats.hpp"
#include "tests/support/memory_tracer.hpp"
#include "tests/support/run_forked.hpp"
#include "tests/trace/export/test_exporters.hpp"

namespace zspan {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::MemoryTracer;

// ThreadSanitizer cannot follow threads started in a fork()ed child of a threaded process
// ("dup thread with used id"): the fork tests run in the plain and ASan builds.
#if ZSPAN_TEST_TSAN
#define SKIP_UNDER_TSAN() GTEST_SKIP() << "ThreadSanitizer does not support threads after fork"
#else
#define SKIP_UNDER_TSAN() static_cast<void>(0)
#endif

#if ZSPAN_TEST_ASAN
// A fork()ed child inherits what the parent's threads held (an exporter's batch in flight,
// their thread_local destructor lists) without the threads: LeakSanitizer would report it
// at the child's exit. It is not the child's to free.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:zspan::detail::Pipeline::export_one_batch\nleak:__cxa_thread_atexit_impl\n";
}
constexpr int kForks = 10;  // LeakSanitizer's check at each child's exit is slow
#else
constexpr int kForks = 30;
#endif

using testing::run_forked;

TEST(Stats, EverySpanThatEndedIsCountedOnceAtEveryMoment) {
  MemoryTracer tracer{"identity"};
  ASSERT_TRUE(flush());
  const std::uint64_t base = stats().spans_recorded;
  constexpr int kThreads = 2, kPerThread = 20000;
  std::atomic<std::uint64_t> ended{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t)
    producers.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        { TRACE_SCOPE_WITH(tracer, "counted"); }
        ended.fetch_add(1);
      }
    });
  for (int reads = 0; reads < 200 && ended.load() < kThreads * kPerThread; ++reads) {
    const std::uint64_t before = ended.load();
    const Stats s = stats();
    const std::uint64_t after = ended.load();
    const std::uint64_t recorded = s.spans_recorded - base;
    EXPECT_GE(recorded, before);
    EXPECT_LE(recorded, after + kThreads) << "a span may be written a moment before the test counts it";
    EXPECT_EQ(s.spans_recorded, s.spans_exported + s.spans_dropped() + s.spans_pending);
  }
  for (auto& p : producers) p.join();
  EXPECT_EQ(stats().spans_recorded - base, std::uint64_t{kThreads * kPerThread}) << "ended, whether exported yet or not";
  ASSERT_TRUE(flush());
  const Stats done = stats();
  EXPECT_EQ(done.spans_pending, 0u);
  EXPECT_EQ(done.spans_recorded - base, std::uint64_t{kThreads * kPerThread});
}

TEST(ThreadBuffers, ThreadsThatComeAndGoLoseNoSpans) {
  constexpr int kThreads = 50, kSpansEach = 100;
  ExportOptions room_for_all;  // the spans of every thread, drained in one burst, fit the queue
  room_for_all.max_queue_size = kThreads * kSpansEach;
  MemoryTracer tracer{"come-and-go", {}, SharedExporter<MemoryExporter>::make("come-and-go", room_for_all)};
  for (int t = 0; t < kThreads; ++t) {
    std::thread([&] {
      for (int i = 0; i < kSpansEach; ++i) {
        TRACE_SCOPE_WITH(tracer, "short-lived");
      }
    }).join();
  }
  ASSERT_TRUE(tracer.flush());
  const Stats s = stats();
  EXPECT_EQ(tracer.exporter().size(), std::size_t{kThreads * kSpansEach})
      << "dropped: no buffer " << s.spans_dropped_no_buffer << ", buffer full " << s.spans_dropped_buffer_full
      << ", queue full " << s.spans_dropped_queue_full << ", no tracer " << s.spans_dropped_no_tracer;
}

// Spans may wait in a live thread's ring for a full queue that keeps up, never in the ring
// of a thread that exited: its memory goes back to the budget at the next drain (what its
// exporter's queue cannot take is dropped and counted), for the threads still recording.
TEST(ThreadBuffers, AThreadThatExitsGivesItsRingBackAtOnceEvenWhenItsExporterKeepsUp) {
  ExportOptions one_at_a_time;
  one_at_a_time.max_queue_size = 1;
  one_at_a_time.max_export_batch_size = 1;
  Tracer<AlwaysOnSampler, testing::CountingExporter> tracer{
      "gone", {}, SharedExporter<testing::CountingExporter>::make("gone", one_at_a_time, 5ms)};
  ASSERT_TRUE(tracer.flush());
  const std::uint64_t bytes_before = stats().buffer_bytes;
  std::thread([&] {
    for (int i = 0; i < 100; ++i) {
      TRACE_SCOPE_WITH(tracer, "left behind by its thread");
    }
  }).join();
  const auto start = Clock::now();
  while (stats().buffer_bytes > bytes_before && Clock::now() - start < 5s) std::this_thread::sleep_for(1ms);
  EXPECT_LT(Clock::now() - start, 250ms) << "not after the exporter's 100 x 5 ms";
  EXPECT_EQ(stats().buffer_bytes, bytes_before);
  ASSERT_TRUE(tracer.flush());
  const ExporterStats gone = testing::stats_of(stats(), "gone");
  EXPECT_EQ(gone.exported + gone.dropped_queue_full, 100u);
  EXPECT_GT(gone.dropped_queue_full, 0u);
}

TEST(ThreadBuffers, ManyThreadsAtOnceStayWithinTheBudgetAndWhatIsRefusedIsCounted) {
  constexpr std::size_t kBudget = std::size_t{256} << 10;
  set_buffer_budget(kBudget);
  MemoryTracer tracer{"churn"};
  ASSERT_TRUE(flush());
  const Stats before = stats();
  constexpr int kThreads = 64, kSpans = 100;
  std::barrier all_alive(kThreads + 1);
  std::barrier may_end(kThreads + 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kSpans; ++i) {
        TRACE_SCOPE_WITH(tracer, "short-lived thread");
      }
      all_alive.arrive_and_wait();
      may_end.arrive_and_wait();
    });
  all_alive.arrive_and_wait();
  const Stats alive = stats();
  EXPECT_LE(alive.buffer_bytes, kBudget) << "64 threads of 16 KiB first rings would be 1 MiB";
  may_end.arrive_and_wait();
  for (auto& t : threads) t.join();
  ASSERT_TRUE(flush());
  const Stats after = stats();
  const std::uint64_t made = std::uint64_t{kThreads} * kSpans;
  EXPECT_GT(after.spans_dropped_no_buffer - before.spans_dropped_no_buffer, 0u) << "some threads got no ring";
  EXPECT_EQ((after.spans_exported - before.spans_exported) +
                (after.spans_dropped_no_buffer - before.spans_dropped_no_buffer),
            made);
  EXPECT_EQ(tracer.exporter().size(), after.spans_exported - before.spans_exported);
  EXPECT_LT(after.buffer_bytes, alive.buffer_bytes) << "the rings of exited threads are freed";
  set_buffer_budget(kDefaultBufferBudgetBytes);
}

// A thread whose ring of the thread capacity drops borrows from the budget for its burst,
// up to 4 times the capacity and within the budget, every span it still cannot keep is counted,
// and the ring goes back to the capacity once the burst is over. The collector is held
// (at its exporter's lock, as fork() holds it) so that the burst overflows for sure.
TEST(ThreadBuffers, ABurstBorrowsFromTheBudgetWithinItAndGivesItBack) {
  constexpr std::size_t kCapacity = std::size_t{16} << 10, kBudget = std::size_t{1} << 20;
  set_thread_buffer_capacity(kCapacity);
  set_buffer_budget(kBudget);
  ExportOptions all_of_it;
  all_of_it.max_queue_size = 1 << 20;
  auto counting = SharedExporter<testing::CountingExporter>::make("burst", all_of_it);
  Tracer<AlwaysOnSampler, testing::CountingExporter> tracer{"burst", {}, counting};
  ASSERT_TRUE(flush());
  const Stats before = stats();
  constexpr std::uint64_t kBurst = 3 * kBudget / sizeof(detail::SpanRecord);  // 3 budgets' worth
  std::size_t first = 0, borrowed = 0, after_burst = 0;
  std::thread([&] {
    {
      TRACE_SCOPE_WITH(tracer, "attaches the ring");
    }
    first = detail::tls_state.buffer->capacity();
    counting.pipeline()->lock_for_fork();  // the collector stops at its next batch
    for (std::uint64_t i = 0; i < kBurst; ++i) {
      TRACE_SCOPE_WITH(tracer, "burst");
    }
    borrowed = detail::tls_state.buffer->capacity();
    counting.pipeline()->unlock_for_fork();
    ASSERT_TRUE(flush());
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a second without drops
    // Small bursts, each drained: at the next slow path (a lap at most) the ring goes back.
    for (int round = 0; round < 64 && detail::tls_state.buffer->capacity() > kCapacity; ++round) {
      for (std::size_t i = 0; i < kCapacity / 8 / sizeof(detail::SpanRecord); ++i) {
        TRACE_SCOPE_WITH(tracer, "after the burst");
      }
      ASSERT_TRUE(flush());
    }
    after_burst = detail::tls_state.buffer->capacity();
  }).join();
  ASSERT_TRUE(flush());
  const Stats after = stats();
  EXPECT_EQ(first, kCapacity);
  EXPECT_EQ(borrowed, 4 * kCapacity) << "doubled at each run of drops up to 4 times the capacity";
  EXPECT_EQ(after_burst, kCapacity) << "given back";
  EXPECT_LE(after.buffer_bytes, kBudget);
  const std::uint64_t dropped = after.spans_dropped_buffer_full - before.spans_dropped_buffer_full;
  EXPECT_GT(dropped, 0u) << "3 budgets' worth cannot all fit";
  EXPECT_EQ(after.spans_recorded - before.spans_recorded, (after.spans_exported - before.spans_exported) + dropped)
      << "every span exported or counted as dropped";
  set_thread_buffer_capacity(kDefaultThreadBufferBytes);
  set_buffer_budget(kDefaultBufferBudgetBytes);
}

// Writes one byte per span to a pipe: what a child exported, read by its parent.
struct PipeExporter {
  int fd;
  ExportResult export_batch(const SpanBatch& batch) {
    const std::string bytes(batch.size(), 's');
    return write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) ? ExportResult::success()
                                                                                       : ExportResult::permanent();
  }
};

std::size_t drain_pipe(int fd) {
  std::size_t total = 0;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) total += static_cast<std::size_t>(n);
  return total;
}

TEST(Exit, ExportsEverySpanOfATracerThatIsNeverDestroyed) {
  SKIP_UNDER_TSAN();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const int result = run_forked([&] {
    close(fds[0]);
    // A singleton, never deleted (held by a static, as such singletons are).
    static auto* leaked = new Tracer<AlwaysOnSampler, PipeExporter>{"leaked", {}, fds[1]};
    for (int i = 0; i < 1000; ++i) {
      TRACE_SCOPE_WITH(*leaked, "exported at exit");
    }
    return 0;  // std::exit(0): zspan's exit handler exports what is buffered
  });
  close(fds[1]);
  EXPECT_EQ(result, 0);
  EXPECT_EQ(drain_pipe(fds[0]), 1000u);
  close(fds[0]);
}

TEST(Exit, EndsWithinTheExportTimeoutWhenAnExporterHangs) {
  SKIP_UNDER_TSAN();
  const auto start = Clock::now();
  const int result = run_forked([] {
    ExportOptions o;
    o.export_timeout = 300ms;
    static auto* hung = new Tracer<AlwaysOnSampler, testing::GateExporter>{
        "hung-at-exit", {}, SharedExporter<testing::GateExporter>::make("hung-at-exit", o)};
    { TRACE_SCOPE_WITH(*hung, "never delivered"); }
    hung->flush(10ms);
    return 0;
  });
  EXPECT_EQ(result, 0);
  EXPECT_LT(Clock::now() - start, 3s);
}

TEST(Fork, TheChildRecordsAndExportsOnItsOwnAndTheParentExportsItsSpansOnce) {
  SKIP_UNDER_TSAN();
  MemoryTracer tracer{"forking"};
  ASSERT_TRUE(tracer.flush());
  tracer.exporter().clear();
  for (int i = 0; i < 10; ++i) {
    TRACE_SCOPE_WITH(tracer, "parent, buffered at fork");
  }
  const int result = run_forked([&] {
    const std::size_t inherited = tracer.exporter().size();
    for (int i = 0; i < 5; ++i) {
      TRACE_SCOPE_WITH(tracer, "child");
    }
    if (!tracer.flush(5s)) return 10;
    const Stats s = stats();
    if (tracer.exporter().size() != inherited + 5) return 11;  // none of the parent's buffered spans
    if (s.spans_exported != 5 || s.spans_recorded != 5) return 12;
    return 0;
  });
  EXPECT_EQ(result, 0) << "-1: the child hung; 10: its flush failed; 11/12: wrong spans or counts";
  ASSERT_TRUE(tracer.flush());
  EXPECT_EQ(tracer.exporter().size(), 10u);
}

TEST(Fork, NeverHangsWhileTheCollectorAndASlowExporterAreBusy) {
  SKIP_UNDER_TSAN();
  Tracer<AlwaysOnSampler, testing::CountingExporter> slow{
      "slow-at-fork", {}, SharedExporter<testing::CountingExporter>::make("slow-at-fork", ExportOptions{}, 2ms)};
  std::atomic<bool> stop{false};
  std::thread flood([&] {
    while (!stop.load()) {
      TRACE_SCOPE_WITH(slow, "flood");
    }
  });
  int hangs = 0, failures = 0;
  for (int i = 0; i < kForks; ++i) {
    const int result = run_forked(
        [&] {
          { TRACE_SCOPE_WITH(slow, "child"); }
          return slow.flush(5s) ? 0 : 1;
        },
        10s);
    hangs += result == -1;
    failures += result != 0;
  }
  stop = true;
  flood.join();
  EXPECT_EQ(hangs, 0);
  EXPECT_EQ(failures, 0);
}

TEST(Fork, TheChildRecordsNothingWhenTheProgramSaysSo) {
  SKIP_UNDER_TSAN();
  MemoryTracer tracer{"quiet-child"};
  set_fork_policy(ForkPolicy::kChildRecordsNothing);
  const int result = run_forked([&] {
    { TRACE_SCOPE_WITH(tracer, "not recorded"); }
    tracer.flush(1s);
    return stats().spans_recorded == 0 ? 0 : 1;
  });
  set_fork_policy(ForkPolicy::kChildRecords);
  EXPECT_EQ(result, 0);
}

}  // namespace
}  // namespace zspan
