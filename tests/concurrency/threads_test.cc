// Context across threads, a thread pool and a queue: capture_context, ContextScope and
// bind_context.
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "zspan/instrument/bind_context.hpp"
#include "zspan/instrument/zspan.hpp"
#include "tests/concurrency/span_check.hpp"
#include "tests/concurrency/test_pool.hpp"
#include "tests/support/memory_tracer.hpp"

namespace {

using zspan::testing::flushed;
using zspan::testing::MemoryTracer;
using zspan::testing::ExpectedSpans;

TEST(CapturedContext, OutlivesTheSpanItCameFrom) {
  MemoryTracer tracer{"svc"};
  zspan::CapturedContext captured;
  zspan::SpanContext request;
  {
    TRACE_SCOPE_WITH(tracer, "request");
    request = zspan::current_context();
    captured = zspan::capture_context();
  }
  ASSERT_TRUE(zspan::flush());
  zspan::SpanContext later;
  std::thread([&] {
    zspan::ContextScope scope(captured);
    TRACE_SCOPE("later");
    later = zspan::current_context();
  }).join();
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[1].name, "later");
  EXPECT_EQ(spans[1].trace_id, request.trace_id);
  EXPECT_EQ(spans[1].parent_id, request.span_id);
  EXPECT_EQ(spans[1].span_id, later.span_id);
  EXPECT_EQ(captured.context().span_id, request.span_id);
}

TEST(CapturedContext, EmptyResumesAsNoSpanAndGivesTheThreadItsContextBack) {
  MemoryTracer tracer{"svc"};
  const zspan::CapturedContext nothing = zspan::capture_context();
  EXPECT_TRUE(nothing.empty());
  TRACE_SCOPE_WITH(tracer, "own");
  const zspan::detail::ContextNode* own = zspan::current_node();
  {
    zspan::ContextScope scope(nothing);
    EXPECT_EQ(zspan::current_node(), nullptr);
  }
  EXPECT_EQ(zspan::current_node(), own);
}

TEST(CapturedContext, KeepsTheSamplingDecision) {
  zspan::Tracer<zspan::AlwaysOffSampler, zspan::MemoryExporter> tracer{"svc"};
  zspan::CapturedContext captured;
  {
    TRACE_SCOPE_WITH(tracer, "sampled-out");
    captured = zspan::capture_context();
  }
  std::thread([&] {
    zspan::ContextScope scope(captured);
    TRACE_SCOPE("child");
    EXPECT_FALSE(zspan::current_context().sampled());
    EXPECT_EQ(zspan::current_context().trace_id, captured.context().trace_id);
  }).join();
  ASSERT_TRUE(zspan::flush());
  EXPECT_EQ(tracer.exporter().size(), 0u);
}

TEST(CapturedContext, CarriesBaggageButIsNotChangedByTheThreadsResumingIt) {
  MemoryTracer tracer{"svc"};
  zspan::CapturedContext captured;
  {
    TRACE_SCOPE_WITH(tracer, "request");
    ASSERT_EQ(TRACE_BAGGAGE_SET("tenant", "acme"), zspan::BaggageResult::kOk);
    captured = zspan::capture_context();
  }
  auto worker = [&](const char* value) {
    zspan::ContextScope scope(captured);
    EXPECT_EQ(zspan::baggage_get("tenant"), "acme");
    // The captured node is shared by both workers: baggage goes on a span of one's own.
    EXPECT_EQ(TRACE_BAGGAGE_SET("worker", value), zspan::BaggageResult::kNoSpan);
    TRACE_SCOPE("task");
    EXPECT_EQ(TRACE_BAGGAGE_SET("worker", value), zspan::BaggageResult::kOk);
    EXPECT_EQ(zspan::baggage_get("worker"), value);
  };
  std::thread a(worker, "a"), b(worker, "b");
  a.join();
  b.join();
  zspan::ContextScope scope(captured);
  EXPECT_EQ(zspan::baggage_get("worker"), std::nullopt);
  EXPECT_EQ(zspan::baggage_get("tenant"), "acme");
}

TEST(BindContext, WorksWithThreadAndAsync) {
  MemoryTracer tracer{"svc"};
  ExpectedSpans expected;
  {
    TRACE_SCOPE_WITH(tracer, "request");
    expected.expect_current({});
    const zspan::SpanId request = zspan::current_context().span_id;
    auto child = [&](zspan::SpanId parent) {
      TRACE_SCOPE("child");
      expected.expect_current(parent);
      return zspan::current_context().span_id;
    };
    std::thread(zspan::bind_context([&] { child(request); })).join();
    std::future<zspan::SpanId> id = std::async(std::launch::async, zspan::bind_context(child), request);
    EXPECT_TRUE(id.get().valid());
  }
  expected.check(flushed(tracer));
  EXPECT_EQ(expected.size(), 3u);
}

// Requests from several threads, each handing a chain of tasks to a pool: every task a
// child of the task (or request) that posted it, whichever threads ran them.
TEST(ThreadPool, ThousandsOfChainedTasksKeepTheirParents) {
  constexpr int kProducers = 4, kRequestsPerProducer = 500, kChain = 3;
  MemoryTracer tracer{"svc"};
  ExpectedSpans expected;
  const zspan::CapturedContext worker_context = zspan::testing::worker_context(tracer, expected);
  const zspan::testing::BigThreadBuffers big_buffers;
  zspan::testing::ThreadPool pool(4, worker_context);

  std::function<void(zspan::SpanId, int)> step = [&](zspan::SpanId parent, int left) {
    TRACE_SCOPE("task");
    expected.expect_current(parent);
    const zspan::SpanId self = zspan::current_context().span_id;
    {
      TRACE_SCOPE("nested");
      expected.expect_current(self);
    }
    if (left > 0) pool.post(zspan::bind_context([&step, self, left] { step(self, left - 1); }));
  };
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&] {
      for (int i = 0; i < kRequestsPerProducer; ++i) {
        TRACE_SCOPE_WITH(tracer, "request");
        expected.expect_current({});
        const zspan::SpanId request = zspan::current_context().span_id;
        pool.post(zspan::bind_context([&step, request] { step(request, kChain - 1); }));
      }
    });
  }
  for (std::thread& t : producers) t.join();
  pool.join();  // runs every chain to its end
  EXPECT_EQ(pool.context_leaks(), 0);

  const auto spans = flushed(tracer);
  expected.check(spans);
  EXPECT_EQ(spans.size(), 1u + kProducers * kRequestsPerProducer * (1 + 2 * kChain)) << zspan::testing::drops_so_far();
}

// Kafka-style: a message carries its producer's context; its consumer's span follows from
// the producer's span.
TEST(Queue, ConsumerSpanFollowsFromProducerSpan) {
  constexpr int kProducers = 3, kConsumers = 3, kMessagesPerProducer = 1000;
  MemoryTracer tracer{"svc"};
  ExpectedSpans expected;

  struct Message {
    zspan::CapturedContext context;
    zspan::SpanId producer;
  };
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<Message> queue;
  int producers_left = kProducers;

  const zspan::testing::BigThreadBuffers big_buffers;
  std::vector<std::thread> threads;
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&] {
      for (;;) {
        std::unique_lock lock(mutex);
        ready.wait(lock, [&] { return !queue.empty() || producers_left == 0; });
        if (queue.empty()) return;
        Message message = std::move(queue.front());
        queue.pop_front();
        lock.unlock();
        zspan::ContextScope scope(std::move(message.context));
        TRACE_SCOPE_FOLLOWS_FROM("consume");
        expected.expect_current(message.producer, zspan::Reference::kFollowsFrom);
      }
    });
  }
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&] {
      for (int i = 0; i < kMessagesPerProducer; ++i) {
        TRACE_SCOPE_WITH(tracer, "produce");
        expected.expect_current({});
        {
          std::lock_guard lock(mutex);
          queue.push_back({zspan::capture_context(), zspan::current_context().span_id});
        }
        ready.notify_one();
      }
      std::lock_guard lock(mutex);
      if (--producers_left == 0) ready.notify_all();
    });
  }
  for (std::thread& t : threads) t.join();

  const auto spans = flushed(tracer);
  expected.check(spans);
  EXPECT_EQ(spans.size(), 2u * kProducers * kMessagesPerProducer) << zspan::testing::drops_so_far();
}

}  // namespace
