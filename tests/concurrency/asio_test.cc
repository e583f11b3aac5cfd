// Boost.Asio coroutines carry their context: zspan::co_spawn and zspan::traced on an
// io_context run by several threads.
#include "zspan/instrument/asio.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "zspan/instrument/zspan.hpp"
#include "tests/concurrency/span_check.hpp"
#include "tests/support/memory_tracer.hpp"

namespace {

namespace asio = boost::asio;
using zspan::testing::flushed;
using zspan::testing::MemoryTracer;
using zspan::testing::ExpectedSpans;

zspan::SpanId current_id() { return zspan::current_context().span_id; }

// Runs `ioc` on `threads` threads, each in a context of its own, and counts the handlers
// after which a thread's context was not its own any more.
class Runner {
 public:
  Runner(asio::io_context& ioc, int threads, zspan::CapturedContext own) : ioc_(ioc), own_(std::move(own)) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this] {
        zspan::ContextScope scope(own_);
        ioc_.run();
        if (zspan::current_node() != own_.node()) leaks_.fetch_add(1);
      });
    }
  }
  // A handler that finds the context of the thread running it: between coroutine slices,
  // it must be the thread's own.
  void probe() {
    asio::post(ioc_, [this] {
      if (zspan::current_node() != own_.node()) leaks_.fetch_add(1);
    });
  }
  int join() {
    for (std::thread& t : threads_) t.join();
    return leaks_.load();
  }

 private:
  asio::io_context& ioc_;
  const zspan::CapturedContext own_;
  std::atomic<int> leaks_{0};
  std::vector<std::thread> threads_;
};

asio::awaitable<void> hop(ExpectedSpans& expected, zspan::SpanId parent) {
  TRACE_SCOPE("hop");
  expected.expect_current(parent);
  const zspan::SpanId self = current_id();
  co_await zspan::traced(asio::post(co_await asio::this_coro::executor, asio::use_awaitable));
  EXPECT_EQ(current_id(), self);
}

asio::awaitable<void> session(ExpectedSpans& expected, zspan::SpanId spawner, Runner& runner, int seed) {
  TRACE_SCOPE_FOLLOWS_FROM("session");  // spawned detached: the spawner does not wait
  expected.expect_current(spawner, zspan::Reference::kFollowsFrom);
  const zspan::SpanId self = current_id();
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  for (int i = 0; i < 3; ++i) {
    TRACE_SCOPE("step");
    expected.expect_current(self);
    const zspan::SpanId step = current_id();
    timer.expires_after(std::chrono::microseconds((seed * 7 + i * 13) % 200));
    co_await zspan::traced(timer.async_wait(asio::use_awaitable));
    EXPECT_EQ(current_id(), step);
    runner.probe();
    co_await hop(expected, step);  // a nested awaitable: same coroutine, same context
    EXPECT_EQ(current_id(), step);
    // A coroutine of its own, awaited: asio resumes this one from inside its completion.
    co_await zspan::traced(zspan::co_spawn(executor, hop(expected, step), asio::use_awaitable));
    EXPECT_EQ(current_id(), step);
  }
}

TEST(Asio, ThousandsOfSessionsOnManyThreadsKeepTheirParents) {
  constexpr int kSessions = 1000, kSpansEach = 1 + 3 * 3;
  MemoryTracer tracer{"svc"};
  ExpectedSpans expected;
  const zspan::CapturedContext own = zspan::testing::worker_context(tracer, expected);
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);
  const zspan::testing::BigThreadBuffers big_buffers;
  Runner runner(ioc, 4, own);
  {
    TRACE_SCOPE_WITH(tracer, "spawner");
    expected.expect_current({});
    const zspan::SpanId spawner = current_id();
    for (int i = 0; i < kSessions; ++i)
      zspan::co_spawn(ioc, session(expected, spawner, runner, i), asio::detached);
  }
  work.reset();
  EXPECT_EQ(runner.join(), 0);
  EXPECT_EQ(zspan::current_node(), nullptr);

  const auto spans = flushed(tracer);
  expected.check(spans);
  EXPECT_EQ(spans.size(), 2u + kSessions * kSpansEach) << zspan::testing::drops_so_far();
}

asio::awaitable<int> cancelled(ExpectedSpans& expected, zspan::SpanId parent) {
  TRACE_SCOPE("cancelled");
  expected.expect_current(parent);
  const zspan::SpanId self = current_id();
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::hours(1));
  asio::post(timer.get_executor(), [&] { timer.cancel(); });
  try {
    co_await zspan::traced(timer.async_wait(asio::use_awaitable));
  } catch (const boost::system::system_error&) {
    EXPECT_EQ(current_id(), self);
    co_return 1;
  }
  co_return 0;
}

TEST(Asio, AnOperationThatFailsResumesInTheCoroutineContext) {
  MemoryTracer tracer{"svc"};
  ExpectedSpans expected;
  asio::io_context ioc;
  std::atomic<int> result{-1};
  {
    TRACE_SCOPE_WITH(tracer, "request");
    expected.expect_current({});
    zspan::co_spawn(ioc, cancelled(expected, current_id()), [&](std::exception_ptr, int r) { result = r; });
  }
  std::thread([&] { ioc.run(); }).join();
  EXPECT_EQ(result.load(), 1);
  expected.check(flushed(tracer));
}

}  // namespace
