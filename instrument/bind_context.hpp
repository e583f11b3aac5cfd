// bind_context: a callable that runs in the context it was made in, wherever it is
// called: on a std::thread, in std::async, in any executor's post, in a pool.
//
//   TRACE_SCOPE("request");
//   std::thread worker(zspan::bind_context([] { TRACE_SCOPE("work"); }));   // child of "request"
//   pool.post(zspan::bind_context(std::move(task)));
//
// The context is captured when bind_context is called (see trace/captured_context.hpp),
// so the callable may run after the span it came from has ended. While it runs, that
// context replaces the calling thread's own; the thread's context is back after it.
#pragma once

#include <functional>
#include <type_traits>
#include <utility>

#include "zspan/trace/captured_context.hpp"

namespace zspan {

template <class F>
class ContextBound {
 public:
  ContextBound(CapturedContext context, F f) noexcept(std::is_nothrow_move_constructible_v<F>)
      : context_(std::move(context)), f_(std::move(f)) {}

  template <class... Args>
  decltype(auto) operator()(Args&&... args) {
    ContextSwap swap(context_.node());
    return std::invoke(f_, std::forward<Args>(args)...);
  }
  template <class... Args>
  decltype(auto) operator()(Args&&... args) const {
    ContextSwap swap(context_.node());
    return std::invoke(f_, std::forward<Args>(args)...);
  }

  const CapturedContext& context() const noexcept { return context_; }

 private:
  CapturedContext context_;
  F f_;
};

template <class F>
ContextBound<std::decay_t<F>> bind_context(F&& f) {
  return {capture_context(), std::forward<F>(f)};
}

}  // namespace zspan
