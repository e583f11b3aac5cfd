// The export pipeline as its contract promises (trace/export/exporter.hpp, pipeline.hpp):
// every exporter on its own worker and queue, so a slow, failing or hung exporter holds
// up only its own spans; bounded memory, with every drop counted; bounded waits.
#include "zspan/trace/export/pipeline.hpp"

#include <gtest/gtest.h>

#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "zspan/exporters/memory/memory_exporter.hpp"
#include "zspan/instrument/zspan.hpp"
#include "tests/support/exporter_stats.hpp"
#include "tests/support/span_lookup.hpp"
#include "tests/trace/export/test_exporters.hpp"

namespace zspan {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::CountingExporter;
using testing::GateExporter;
using testing::ScriptedExporter;
using testing::ThrowingExporter;
using testing::stats_of;
using testing::tag_value;

// Options with a short export timeout, so that hung exporters end the tests quickly.
ExportOptions quick(std::size_t queue = 2048, std::size_t batch = 512) {
  ExportOptions o;
  o.max_queue_size = queue;
  o.max_export_batch_size = batch;
  o.export_timeout = 300ms;
  return o;
}

void expect_identity(const ExporterStats& e) {
  EXPECT_EQ(e.received, e.exported + e.rejected + e.dropped_queue_full + e.dropped_failed + e.dropped_shutdown +
                            e.pending)
      << e.name;
}

TEST(Pipeline, ASlowExporterDelaysOnlyItsOwnSpans) {
  Tracer<AlwaysOnSampler, CountingExporter> slow{"slow", {}, SharedExporter<CountingExporter>::make("slow", quick(), 2000ms)};
  Tracer<AlwaysOnSampler, CountingExporter> fast{"fast"};
  { TRACE_SCOPE_WITH(slow, "waits two seconds in export"); }
  ASSERT_FALSE(slow.flush(50ms)) << "the slow exporter is now inside its 2 s batch";

  const auto start = Clock::now();
  for (int i = 0; i < 10; ++i) {
    TRACE_SCOPE_WITH(fast, "on time");
  }
  EXPECT_TRUE(fast.flush(1s));
  EXPECT_LT(Clock::now() - start, 500ms) << "the fast exporter's spans do not wait behind the slow one";
  EXPECT_EQ(fast.exporter().spans.load(), 10u);
  EXPECT_TRUE(slow.flush(5s));
  EXPECT_EQ(slow.exporter().spans.load(), 1u);
}

TEST(Pipeline, AnExporterThatThrowsLosesItsBatchAndCountsIt) {
  Tracer<AlwaysOnSampler, ThrowingExporter> failing{"failing"};
  Tracer<AlwaysOnSampler, MemoryExporter> healthy{"healthy"};
  { TRACE_SCOPE_WITH(failing, "lost"); }
  { TRACE_SCOPE_WITH(healthy, "kept"); }
  ASSERT_TRUE(flush());
  const Stats s = stats();
  EXPECT_EQ(stats_of(s, "failing").dropped_failed, 1u);
  expect_identity(stats_of(s, "failing"));
  EXPECT_EQ(healthy.exporter().size(), 1u);
}

TEST(Pipeline, FlushWaitsNoLongerThanItsTimeout) {
  Tracer<AlwaysOnSampler, GateExporter> tracer{"gate-flush", {}, SharedExporter<GateExporter>::make("gate-flush", quick())};
  { TRACE_SCOPE_WITH(tracer, "stuck in export"); }
  const auto start = Clock::now();
  EXPECT_FALSE(flush(50ms));
  EXPECT_LT(Clock::now() - start, 1s);
  tracer.exporter().release();
  EXPECT_TRUE(flush());
  EXPECT_EQ(tracer.exporter().spans.load(), 1u);
}

TEST(Pipeline, RegisteringATracerNeverWaitsForAnExport) {
  Tracer<AlwaysOnSampler, GateExporter> stuck{"stuck", {}, SharedExporter<GateExporter>::make("stuck", quick())};
  { TRACE_SCOPE_WITH(stuck, "holds its worker"); }
  ASSERT_FALSE(stuck.flush(50ms));
  const auto start = Clock::now();
  {
    Tracer<AlwaysOnSampler, MemoryExporter> another{"another"};
    { TRACE_SCOPE_WITH(another, "recorded"); }
    EXPECT_TRUE(another.flush(1s));
  }
  EXPECT_LT(Clock::now() - start, 1s) << "constructing, flushing and destroying a tracer beside a stuck one";
  stuck.exporter().release();
}

TEST(Pipeline, AHungExporterDoesNotHoldUpItsTracersDestructionPastTheExportTimeout) {
  std::optional<SharedExporter<GateExporter>> gate = SharedExporter<GateExporter>::make("hung", quick());
  const auto start = Clock::now();
  {
    Tracer<AlwaysOnSampler, GateExporter> tracer{"hung", {}, *gate};
    for (int i = 0; i < 5; ++i) {
      TRACE_SCOPE_WITH(tracer, "never delivered");
    }
    ASSERT_FALSE(tracer.flush(20ms));
  }
  gate.reset();  // the last handle: shutdown abandons the call stuck in export_batch
  EXPECT_LT(Clock::now() - start, 1s) << "export_timeout is 300 ms";
  const Stats s = stats();
  const ExporterStats& hung = stats_of(s, "hung");
  EXPECT_EQ(hung.dropped_shutdown, 5u);
  EXPECT_EQ(hung.pending, 0u);
  expect_identity(hung);
}

TEST(Pipeline, AFullQueueDropsAndCountsExactlyUnderTwoProducers) {
  auto gate = SharedExporter<GateExporter>::make("full", quick(/*queue=*/100, /*batch=*/10));
  Tracer<AlwaysOnSampler, GateExporter> tracer{"full", {}, gate};
  constexpr int kPerThread = 5000;
  auto produce = [&] {
    for (int i = 0; i < kPerThread; ++i) {
      TRACE_SCOPE_WITH(tracer, "burst");
    }
  };
  std::thread a(produce), b(produce);
  a.join();
  b.join();
  ASSERT_FALSE(tracer.flush(100ms));
  gate->release();
  ASSERT_TRUE(tracer.flush(5s));
  const ExporterStats e = stats_of(stats(), "full");
  EXPECT_EQ(e.received, 2u * kPerThread);
  EXPECT_GT(e.dropped_queue_full, 0u);
  EXPECT_EQ(e.exported, gate->spans.load());
  EXPECT_EQ(e.exported + e.dropped_queue_full, 2u * kPerThread) << "recorded = exported + dropped";
  EXPECT_LE(e.exported, 100u + 10u) << "at most the queue and the batch being exported";
}

// The exporter `name` exported all `spans` it was sent, none dropped at its full queue.
void expect_every_span_exported(std::string_view name, std::uint64_t spans) {
  const ExporterStats e = stats_of(stats(), name);
  EXPECT_EQ(e.dropped_queue_full, 0u);
  EXPECT_EQ(e.exported, spans);
  expect_identity(e);
}

// The collector copies runs of records (a thread's spans of one tracer, back to back) into
// the queue's chunks; a batch smaller than a run splits it, records differ in size, and
// each must still reach the exporter whole, once and in order.
TEST(Pipeline, BatchesThatSplitRunsOfRecordsOfManySizesExportEachWholeInOrder) {
  static constexpr TagKey<"test.seq", std::int64_t> seq;
  static constexpr TagKey<"test.padding", std::string_view> padding;
  Tracer<AlwaysOnSampler, MemoryExporter> tracer{
      "split", {}, SharedExporter<MemoryExporter>::make("split", quick(/*queue=*/4096, /*batch=*/7))};
  ASSERT_TRUE(reserve_thread_buffer());
  const std::string text(120, 'x');
  constexpr int kSpans = 1000;
  for (int i = 0; i < kSpans; ++i) {
    TRACE_SCOPE_WITH(tracer, "numbered", seq = i, padding = std::string_view(text).substr(0, i % 37 * 3));
  }
  ASSERT_TRUE(tracer.flush(10s));
  const std::vector<SpanData> spans = tracer.exporter().spans();
  ASSERT_EQ(spans.size(), std::size_t{kSpans});
  for (int i = 0; i < kSpans; ++i) {
    const SpanData& span = spans[static_cast<std::size_t>(i)];
    EXPECT_EQ(tag_value(span, "test.seq"), SpanData::TagValue{std::int64_t{i}});
    EXPECT_EQ(tag_value(span, "test.padding"), SpanData::TagValue{text.substr(0, i % 37 * 3)}) << i;
    EXPECT_EQ(span.name, "numbered") << i;
    EXPECT_TRUE(span.span_id.valid()) << i;
  }
  expect_every_span_exported("split", kSpans);
}

// A queue holds a few batches, a thread's ring a burst: while an exporter keeps up, the
// spans its full queue cannot take wait in their ring and are taken as it makes room.
TEST(Pipeline, AFullQueueThatKeepsUpLeavesSpansInTheirRingInsteadOfDroppingThem) {
  Tracer<AlwaysOnSampler, CountingExporter> tracer{
      "keeps up", {}, SharedExporter<CountingExporter>::make("keeps up", quick(/*queue=*/64, /*batch=*/16))};
  ASSERT_TRUE(reserve_thread_buffer()) << "a ring that holds the burst with half of it to spare";
  constexpr int kSpans = 2000;
  for (int i = 0; i < kSpans; ++i) {
    TRACE_SCOPE_WITH(tracer, "one of a burst 30 times the queue");
  }
  ASSERT_TRUE(tracer.flush(20s));
  expect_every_span_exported("keeps up", kSpans);
  EXPECT_EQ(tracer.exporter().spans.load(), static_cast<std::uint64_t>(kSpans));
}

// A new thread's ring starts small and grows as a burst fills it: the spans left in the
// ring it outgrew wait for the queue too (no writer is left there to run short of room).
TEST(Pipeline, ABurstThatGrowsItsThreadsRingLosesNothingToAFullQueueThatKeepsUp) {
  Tracer<AlwaysOnSampler, CountingExporter> tracer{
      "grows", {}, SharedExporter<CountingExporter>::make("grows", quick(/*queue=*/64, /*batch=*/16))};
  constexpr int kSpans = 2000;  // 128 KiB of records: the first ring, 16 KiB, grows three times
  const std::uint64_t full_rings_before = stats().spans_dropped_buffer_full;
  std::promise<void> recorded, flushed;
  std::thread thread([&] {  // alive until the flush: the ring of a thread that exits never waits
    for (int i = 0; i < kSpans; ++i) {
      TRACE_SCOPE_WITH(tracer, "one of a burst that outgrows its ring");
    }
    recorded.set_value();
    flushed.get_future().wait();
  });
  recorded.get_future().wait();
  EXPECT_TRUE(tracer.flush(20s));
  flushed.set_value();
  thread.join();
  expect_every_span_exported("grows", kSpans);
  EXPECT_EQ(stats().spans_dropped_buffer_full, full_rings_before);
}

// A backend across a network answers each batch in tens of milliseconds, longer than
// Pipeline::kKeepingUp: once its calls have shown what is usual for it, a burst waits in
// the ring for it as for a quick one, instead of being dropped at its queue.
TEST(Pipeline, AnExporterWhoseCallsAreSlowButSteadyKeepsUp) {
  Tracer<AlwaysOnSampler, CountingExporter> tracer{
      "remote", {}, SharedExporter<CountingExporter>::make("remote", quick(/*queue=*/64, /*batch=*/32), 30ms)};
  ASSERT_TRUE(reserve_thread_buffer()) << "a ring that holds the burst with half of it to spare";
  for (int i = 0; i < 64; ++i) {
    TRACE_SCOPE_WITH(tracer, "the first batches: what is usual");
  }
  ASSERT_TRUE(tracer.flush(20s));
  constexpr int kBurst = 640;  // ten queues: 20 calls, each 3 times kKeepingUp
  for (int i = 0; i < kBurst; ++i) {
    TRACE_SCOPE_WITH(tracer, "a burst");
  }
  ASSERT_TRUE(tracer.flush(20s));
  expect_every_span_exported("remote", 64u + kBurst);
}

// Records 20 spans for `full` (whose queue takes 4), then 10 for another tracer on the
// same thread: those go out on time, not behind the full queue.
template <class E>
void expect_spans_behind_its_full_queue_go_out(Tracer<AlwaysOnSampler, E>& full) {
  Tracer<AlwaysOnSampler, CountingExporter> fast{"behind a full queue"};
  for (int i = 0; i < 20; ++i) {
    TRACE_SCOPE_WITH(full, "fills the queue");
  }
  for (int i = 0; i < 10; ++i) {
    TRACE_SCOPE_WITH(fast, "after them in the ring");
  }
  const auto start = Clock::now();
  EXPECT_TRUE(fast.flush(2s));
  EXPECT_LT(Clock::now() - start, 500ms) << "waited no longer than Pipeline::kKeepingUp for the full queue";
  EXPECT_EQ(fast.exporter().spans.load(), 10u);
}

// What the full queue of 4 did with the 20 spans: kept 4, dropped and counted 16.
void expect_the_queues_worth_exported(std::string_view name) {
  const ExporterStats e = stats_of(stats(), name);
  EXPECT_EQ(e.received, 20u);
  EXPECT_EQ(e.exported, 4u);
  EXPECT_EQ(e.dropped_queue_full, 16u);
  expect_identity(e);
}

// An exporter stuck in a call is not waited for: its full queue drops and counts, and the
// spans of other tracers recorded after its own on the same thread go out on time.
TEST(Pipeline, AHungExportersFullQueueDoesNotHoldUpOtherTracersSpansInTheSameRing) {
  auto gate = SharedExporter<GateExporter>::make("stuck", quick(/*queue=*/4, /*batch=*/2));
  Tracer<AlwaysOnSampler, GateExporter> stuck{"stuck", {}, gate};
  expect_spans_behind_its_full_queue_go_out(stuck);
  gate->release();
  ASSERT_TRUE(stuck.flush(5s));
  expect_the_queues_worth_exported("stuck");
}

// Nor is an exporter whose backend is down (retrying with backoff).
TEST(Pipeline, ARetryingExportersFullQueueDoesNotHoldUpOtherTracersSpansInTheSameRing) {
  const auto down = ExportResult::retryable(10ms);
  Tracer<AlwaysOnSampler, ScriptedExporter> retrying{
      "retrying", {},
      SharedExporter<ScriptedExporter>::make("retrying", quick(/*queue=*/4, /*batch=*/2), std::vector<ExportResult>{down})};
  expect_spans_behind_its_full_queue_go_out(retrying);
  bool done = false;
  const auto start = Clock::now();
  while (!done && Clock::now() - start < 10s) done = retrying.flush(200ms);
  ASSERT_TRUE(done);
  expect_the_queues_worth_exported("retrying");
  EXPECT_EQ(stats_of(stats(), "retrying").retries, 1u);
}

TEST(Pipeline, ARetryableBatchIsKeptAndDeliveredWhenTheBackendComesBack) {
  const auto down = ExportResult::retryable(10ms);
  Tracer<AlwaysOnSampler, ScriptedExporter> tracer{
      "flaky", {}, SharedExporter<ScriptedExporter>::make("flaky", quick(), std::vector<ExportResult>{down, down})};
  for (int i = 0; i < 3; ++i) {
    TRACE_SCOPE_WITH(tracer, "kept through two failures");
  }
  const auto start = Clock::now();
  bool done = false;
  while (!done && Clock::now() - start < 10s) done = tracer.flush(200ms);
  ASSERT_TRUE(done);
  EXPECT_EQ(tracer.exporter().delivered.load(), 3u);
  const ExporterStats e = stats_of(stats(), "flaky");
  EXPECT_EQ(e.retries, 2u);
  EXPECT_EQ(e.exported, 3u);
  expect_identity(e);
}

TEST(Pipeline, PermanentFailuresAndPartialSuccessAreCountedAsRejected) {
  Tracer<AlwaysOnSampler, ScriptedExporter> tracer{
      "picky", {}, SharedExporter<ScriptedExporter>::make("picky", quick(), std::vector<ExportResult>{
                                                                                ExportResult::permanent(),
                                                                                ExportResult::partial(1)})};
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 2; ++i) {
      TRACE_SCOPE_WITH(tracer, "batch");
    }
    ASSERT_TRUE(tracer.flush());
  }
  const ExporterStats e = stats_of(stats(), "picky");
  EXPECT_EQ(e.rejected, 2u + 1u);
  EXPECT_EQ(e.exported, 1u);
  expect_identity(e);
}

TEST(Pipeline, SpansGoOutAfterTheScheduleDelayWithoutAFlush) {
  ExportOptions o = quick();
  o.schedule_delay = 50ms;
  Tracer<AlwaysOnSampler, CountingExporter> tracer{"scheduled", {}, SharedExporter<CountingExporter>::make("scheduled", o)};
  { TRACE_SCOPE_WITH(tracer, "exported by the schedule"); }
  const auto start = Clock::now();
  while (tracer.exporter().spans.load() == 0 && Clock::now() - start < 5s) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(tracer.exporter().spans.load(), 1u);
}

// The collector offers a thread's spans a run at a time: a run is cut where a batch ends
// and where the queue is full, and what does not fit is counted, span by span.
TEST(Pipeline, ARunOfSpansIsCutAtEachBatchAndWhereTheQueueIsFull) {
  auto gate = SharedExporter<GateExporter>::make("runs", quick(/*queue=*/25, /*batch=*/10));
  Tracer<AlwaysOnSampler, GateExporter> tracer{"runs", {}, gate};
  for (int i = 0; i < 40; ++i) {
    TRACE_SCOPE_WITH(tracer, "one of a run");
  }
  ASSERT_FALSE(tracer.flush(100ms));
  gate->release();
  ASSERT_TRUE(tracer.flush(5s));
  const ExporterStats e = stats_of(stats(), "runs");
  EXPECT_EQ(e.received, 40u);
  EXPECT_EQ(e.exported, 25u) << "the queue's worth";
  EXPECT_EQ(e.dropped_queue_full, 15u);
  EXPECT_GE(e.batches, 3u) << "batches of at most 10";
  expect_identity(e);
}

TEST(Pipeline, AFullBatchGoesOutBeforeTheScheduleDelay) {
  ExportOptions o = quick(/*queue=*/100, /*batch=*/10);
  o.schedule_delay = 60s;
  Tracer<AlwaysOnSampler, CountingExporter> tracer{"batched", {}, SharedExporter<CountingExporter>::make("batched", o)};
  for (int i = 0; i < 10; ++i) {
    TRACE_SCOPE_WITH(tracer, "fills a batch");
  }
  const auto start = Clock::now();
  while (tracer.exporter().spans.load() < 10 && Clock::now() - start < 5s) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(tracer.exporter().spans.load(), 10u);
}

TEST(Pipeline, OneExporterServesSeveralTracersAndEachSpanKeepsItsService) {
  auto shared = share_exporter<CountingExporter>(quick());
  Tracer<AlwaysOnSampler, CountingExporter> frontend{"frontend", {}, shared};
  Tracer<AlwaysOnSampler, CountingExporter> billing{"billing", {}, shared};
  {
    TRACE_SCOPE_WITH(frontend, "request");
    TRACE_SCOPE_WITH(billing, "charge");
  }
  ASSERT_TRUE(flush());
  std::lock_guard lock(shared->mutex);
  std::vector<std::string> services = shared->services;
  std::sort(services.begin(), services.end());
  EXPECT_EQ(services, (std::vector<std::string>{"billing", "frontend"}));
}

TEST(Pipeline, FanoutSendsEverySpanToEachExporterOnItsOwnWorker) {
  using Both = Fanout<MemoryExporter, GateExporter>;
  Tracer<AlwaysOnSampler, Both> tracer{"fanout", {}, SharedExporter<MemoryExporter>::make("fanout-memory", quick()),
                                       SharedExporter<GateExporter>::make("fanout-gate", quick())};
  { TRACE_SCOPE_WITH(tracer, "twice"); }
  EXPECT_FALSE(tracer.flush(100ms)) << "the gate holds its copy";
  EXPECT_EQ(tracer.exporter().get<0>().size(), 1u) << "the memory exporter got its copy all the same";
  tracer.exporter().get<1>().release();
  EXPECT_TRUE(tracer.flush());
  EXPECT_EQ(tracer.exporter().get<1>().spans.load(), 1u);
}

TEST(Pipeline, FlushFromInsideAnExporterDoesNotWaitForItself) {
  struct SelfFlushing {
    std::atomic<bool> returned{false};
    ExportResult export_batch(const SpanBatch&) {
      zspan::flush(2s);
      returned = true;
      return ExportResult::success();
    }
  };
  Tracer<AlwaysOnSampler, SelfFlushing> tracer{"self-flushing"};
  { TRACE_SCOPE_WITH(tracer, "span"); }
  const auto start = Clock::now();
  EXPECT_TRUE(tracer.flush(5s));
  EXPECT_TRUE(tracer.exporter().returned.load());
  EXPECT_LT(Clock::now() - start, 1s);
}

}  // namespace
}  // namespace zspan
