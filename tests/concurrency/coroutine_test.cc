// Coroutines carry their context: zspan::Task, TRACE_DETACH and a user's own coroutine
// type made trace-aware with zspan::TracedPromise.
#include <gtest/gtest.h>

#include <chrono>
#include <coroutine>
#include <latch>
#include <stdexcept>
#include <thread>

#include "zspan/instrument/coroutine.hpp"
#include "zspan/instrument/zspan.hpp"
#include "tests/concurrency/span_check.hpp"
#include "tests/concurrency/test_pool.hpp"
#include "tests/support/memory_tracer.hpp"

namespace {

using zspan::testing::flushed;
using zspan::testing::MemoryTracer;
using zspan::testing::ExpectedSpans;
using zspan::testing::ThreadPool;

zspan::SpanId current_id() { return zspan::current_context().span_id; }

// A user's own coroutine type, made trace-aware by its promise: starts at once, counts
// `done` down at its end and frees itself. What sync_wait below is made of.
struct Blocking {
  struct promise_type : zspan::TracedPromise {
    Blocking get_return_object() noexcept { return {}; }
    auto initial_suspend() noexcept { return traced_initial_suspend(std::suspend_never{}); }
    auto final_suspend() noexcept { return traced_final_suspend(std::suspend_never{}); }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

Blocking await_then_count_down(zspan::Task<> task, std::latch& done) {
  co_await task;
  done.count_down();
}

void sync_wait(zspan::Task<> task) {
  std::latch done(1);
  await_then_count_down(std::move(task), done);
  done.wait();
}

// Suspends until the test resumes it by hand.
struct Parked {
  std::coroutine_handle<> handle;
  auto wait() {
    struct Awaiter {
      Parked& parked;
      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<> h) noexcept { parked.handle = h; }
      void await_resume() const noexcept {}
    };
    return Awaiter{*this};
  }
};

zspan::Task<int> parks_inside_a_span(Parked& parked, zspan::SpanId& opened) {
  TRACE_SCOPE("parks");
  opened = current_id();
  co_await parked.wait();
  EXPECT_EQ(current_id(), opened);
  co_return 7;
}

TEST(Task, SuspendedSpansAreNotCurrentAndComeBackOnResume) {
  MemoryTracer tracer{"svc"};
  Parked parked;
  zspan::SpanId opened, request;
  std::latch done(1);
  {
    TRACE_SCOPE_WITH(tracer, "request");
    request = current_id();
    [](Parked& parked, zspan::SpanId& opened, std::latch& done) -> Blocking {
      EXPECT_EQ(co_await parks_inside_a_span(parked, opened), 7);
      done.count_down();
    }(parked, opened, done);
    ASSERT_TRUE(parked.handle);
    EXPECT_EQ(current_id(), request);  // the suspended coroutine's span is not current here
  }
  EXPECT_EQ(zspan::current_node(), nullptr);
  std::thread([&] {
    TRACE_SCOPE_WITH(tracer, "resumer");
    const zspan::detail::ContextNode* own = zspan::current_node();
    parked.handle.resume();
    EXPECT_EQ(zspan::current_node(), own);
  }).join();
  done.wait();

  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 3u);
  for (const auto& span : spans) {
    if (span.name == "parks") {
      EXPECT_EQ(span.parent_id, request);
    }
  }
}

zspan::Task<> sleeps_in_a_span(ThreadPool& pool) {
  TRACE_SCOPE("sleeps");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  co_await pool.schedule();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  co_await pool.schedule();
}

TEST(Task, SpanDurationCoversSuspensions) {
  MemoryTracer tracer{"svc"};
  {
    ThreadPool pool(2);
    TRACE_SCOPE_WITH(tracer, "request");
    sync_wait(sleeps_in_a_span(pool));
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 2u);
  const bool sleeps_first = spans[0].name == "sleeps";  // ended on another thread: any order
  const auto& sleeps = spans[sleeps_first ? 0 : 1];
  const auto& request = spans[sleeps_first ? 1 : 0];
  EXPECT_EQ(sleeps.name, "sleeps");
  EXPECT_GE(sleeps.duration_nanos, 35'000'000u);
  EXPECT_EQ(sleeps.parent_id, request.span_id);
}

zspan::Task<> fails() {
  TRACE_SCOPE("fails");
  throw std::runtime_error("lost");
  co_return;
}

TEST(Task, DetachedTaskRunsInASpanThatFollowsFromTheSpawner) {
  MemoryTracer tracer{"svc"};
  zspan::SpanId spawner;
  {
    TRACE_SCOPE_WITH(tracer, "spawner");
    spawner = current_id();
    TRACE_DETACH("background", fails());
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].name, "fails");
  EXPECT_EQ(spans[1].name, "background");
  EXPECT_EQ(spans[0].parent_id, spans[1].span_id);
  EXPECT_EQ(spans[0].parent_reference, zspan::Reference::kChildOf);
  EXPECT_EQ(spans[1].parent_id, spawner);
  EXPECT_EQ(spans[1].parent_reference, zspan::Reference::kFollowsFrom);
  EXPECT_TRUE(spans[1].error);
}

TEST(Task, ExceptionReachesTheAwaiterWithTheContextRestored) {
  MemoryTracer tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "request");
  const zspan::detail::ContextNode* own = zspan::current_node();
  sync_wait([]() -> zspan::Task<> {
    TRACE_SCOPE("catches");
    const zspan::SpanId self = current_id();
    EXPECT_THROW(co_await fails(), std::runtime_error);
    EXPECT_EQ(current_id(), self);
  }());
  EXPECT_EQ(zspan::current_node(), own);
}

// Opens nested spans across several co_awaits that resume on any of the pool's threads,
// and awaits a child that does the same.
zspan::Task<> interleaved(ThreadPool& pool, ExpectedSpans& expected, zspan::SpanId parent, int depth) {
  TRACE_SCOPE("coroutine");
  expected.expect_current(parent);
  const zspan::SpanId self = current_id();
  co_await pool.schedule();
  EXPECT_EQ(current_id(), self);
  {
    TRACE_SCOPE("step");
    expected.expect_current(self);
    const zspan::SpanId step = current_id();
    co_await pool.schedule();
    EXPECT_EQ(current_id(), step);
    if (depth > 0) co_await interleaved(pool, expected, step, depth - 1);
    EXPECT_EQ(current_id(), step);
  }
  co_await pool.schedule();
  TRACE_SCOPE("last");
  expected.expect_current(self);
}

zspan::Task<> root(ThreadPool& pool, ExpectedSpans& expected, std::latch& done) {
  expected.expect_current(zspan::SpanId{});  // the detached span; its parent is checked below
  co_await interleaved(pool, expected, current_id(), 2);
  done.count_down();
}

TEST(Task, ThousandsOfInterleavedCoroutinesOnManyThreads) {
  constexpr int kCoroutines = 2000, kSpansEach = 1 + 3 * 3;  // the detached span, 3 levels of 3
  MemoryTracer tracer{"svc"};
  ExpectedSpans expected;
  const zspan::CapturedContext worker_context = zspan::testing::worker_context(tracer, expected);
  const zspan::testing::BigThreadBuffers big_buffers;
  ThreadPool pool(4, worker_context);
  std::latch done(kCoroutines);
  zspan::SpanId spawner;
  {
    TRACE_SCOPE_WITH(tracer, "spawner");
    expected.expect_current({});
    spawner = current_id();
    for (int i = 0; i < kCoroutines; ++i) TRACE_DETACH("root", root(pool, expected, done));
  }
  done.wait();
  pool.join();
  EXPECT_EQ(pool.context_leaks(), 0);
  EXPECT_EQ(zspan::current_node(), nullptr);

  auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 2u + kCoroutines * kSpansEach) << zspan::testing::drops_so_far();
  for (auto& span : spans) {
    if (span.name != "root") continue;
    EXPECT_EQ(span.parent_id, spawner);
    EXPECT_EQ(span.parent_reference, zspan::Reference::kFollowsFrom);
    span.parent_id = {};  // as noted by root()
    span.parent_reference = zspan::Reference::kChildOf;
  }
  expected.check(spans);
}

}  // namespace
