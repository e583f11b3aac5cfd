// ThreadPool: the kind of executor zspan has to work with without knowing it. Workers
// take jobs from one queue; `co_await pool.schedule()` resumes a coroutine on whichever
// worker is free. Each worker runs in a context of its own, and counts the jobs after
// which that context was not back: the thread's context must survive whatever ran.
#pragma once

#include <atomic>
#include <condition_variable>
#include <coroutine>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "zspan/trace/captured_context.hpp"

namespace zspan::testing {

class ThreadPool {
 public:
  explicit ThreadPool(int threads, CapturedContext worker_context = {}) : worker_context_(std::move(worker_context)) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  ~ThreadPool() { join(); }

  // Runs what is queued, jobs they post included, then joins the workers.
  void join() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : workers_)
      if (t.joinable()) t.join();
  }

  void post(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
  }

  auto schedule() {
    struct Awaiter {
      ThreadPool& pool;
      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<> handle) { pool.post([handle] { handle.resume(); }); }
      void await_resume() const noexcept {}
    };
    return Awaiter{*this};
  }

  int context_leaks() const { return context_leaks_.load(); }

 private:
  void work() {
    ContextScope own(worker_context_);
    const zspan::detail::ContextNode* const mine = current_node();
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
      if (current_node() != mine) context_leaks_.fetch_add(1);
    }
  }

  const CapturedContext worker_context_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::atomic<int> context_leaks_{0};
  std::vector<std::thread> workers_;
};

}  // namespace zspan::testing
