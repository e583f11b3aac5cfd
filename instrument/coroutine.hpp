// Coroutines that carry their context: a coroutine's spans stay its own while it is
// suspended, and are current again when it resumes, on whichever thread.
//
//   zspan::Task<Row> fetch(Key key) {
//     TRACE_SCOPE("fetch");                    // child of the span that awaits fetch()
//     Bytes bytes = co_await db.read(key);     // suspended: "fetch" is not current here
//     TRACE_SCOPE("decode");                   // resumed, maybe elsewhere: child of "fetch"
//     co_return decode(bytes);
//   }                                          // "fetch" ends; its duration covers the wait
//
//   TRACE_DETACH("refresh", refresh_cache());  // fire and forget: runs in a span "refresh"
//                                              // that followsFrom the current span
//
// zspan::Task<T> starts when awaited, resumes its awaiter by symmetric transfer, and
// rethrows its exception there. A task started by another coroutine library becomes
// trace-aware by deriving its promise from zspan::TracedPromise:
//
//   struct promise_type : zspan::TracedPromise {
//     auto initial_suspend() noexcept { return traced_initial_suspend(std::suspend_always{}); }
//     auto final_suspend() noexcept { return traced_final_suspend(ResumeAwaiter{this}); }
//     ...                       // co_await in the body goes through TracedPromise::await_transform;
//   };                          // a promise with its own returns TracedPromise::await_transform(x)
//
// How: a coroutine's spans are nodes in its frame, chained like any others. While it is
// suspended its promise keeps the innermost one (CoroutineContext). Resuming makes that
// the thread's context and remembers the thread's; suspending puts the thread's back: two
// pointer swaps, and the chain never moves. The chain's base is where the coroutine
// started: for a Task, the chain of the coroutine awaiting it (which waits, so it outlives
// the task); for a TracedPromise, a copy of its creator's context captured when it was
// created (trace/captured_context.hpp), since the creator's stack may be gone on resume.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "zspan/instrument/macros.hpp"
#include "zspan/instrument/scoped_span.hpp"
#include "zspan/trace/captured_context.hpp"

namespace zspan {

// One coroutine's context: its innermost node while suspended, the resuming thread's
// context while it runs. Compiled out (ZSPAN_DISABLED), there is none to move: a Task is
// a plain task, and needs no zspan library.
class CoroutineContext {
 public:
  explicit CoroutineContext(detail::ContextNode* base) noexcept : context_(base) {}

#if !ZSPAN_ENABLED
  void resume() noexcept {}
  void suspend() noexcept {}
  void finish() noexcept {}
#else
  void resume() noexcept {
    resumer_ = detail::tls_state.current;
    detail::tls_state.current = context_;
  }
  void suspend() noexcept {
    context_ = detail::tls_state.current;
    detail::tls_state.current = resumer_;
  }
  void finish() noexcept { detail::tls_state.current = resumer_; }
#endif

  // Before the coroutine starts: its base. While it is suspended: its innermost span.
  detail::ContextNode* suspended_context() const noexcept { return context_; }
  void start_in(detail::ContextNode* base) noexcept { context_ = base; }

 private:
  detail::ContextNode* context_;
#if ZSPAN_ENABLED
  detail::ContextNode* resumer_ = nullptr;
#endif
};

namespace detail {

template <class A>
decltype(auto) get_awaiter(A&& awaitable) {
  if constexpr (requires { std::forward<A>(awaitable).operator co_await(); })
    return std::forward<A>(awaitable).operator co_await();
  else if constexpr (requires { operator co_await(std::forward<A>(awaitable)); })
    return operator co_await(std::forward<A>(awaitable));
  else
    return std::forward<A>(awaitable);
}

template <class A>
using awaiter_t = decltype(get_awaiter(std::declval<A>()));

enum class SuspendPoint { kInitial, kBody, kFinal };

// An awaiter that moves the coroutine's context in and out around `Inner`. `Inner` is a
// reference when the awaitable is its own awaiter: it lives in the co_await expression.
template <SuspendPoint point, class Inner>
class TracedAwaiter {
 public:
  TracedAwaiter(CoroutineContext& context, Inner&& inner) noexcept(std::is_nothrow_constructible_v<Inner, Inner&&>)
      : context_(context), inner_(std::forward<Inner>(inner)) {}

  bool await_ready() noexcept(noexcept(std::declval<Inner&>().await_ready())) {
    // A finished coroutine runs no more of its body: the thread gets its context back
    // whether or not the final awaiter suspends.
    if constexpr (point == SuspendPoint::kFinal) context_.finish();
    return inner_.await_ready();
  }

  template <class Promise>
  decltype(auto) await_suspend(std::coroutine_handle<Promise> handle) noexcept(
      noexcept(std::declval<Inner&>().await_suspend(handle))) {
    if constexpr (point != SuspendPoint::kBody) {
      return inner_.await_suspend(handle);
    } else {
      // Before the handle is handed on: once it is, another thread may resume the
      // coroutine, and this awaiter may be gone.
      context_.suspend();
      suspended_ = true;
      if constexpr (noexcept(inner_.await_suspend(handle))) {
        return inner_.await_suspend(handle);
      } else {
        try {
          return inner_.await_suspend(handle);
        } catch (...) {
          context_.resume();  // not suspended after all: the exception is thrown in the body
          suspended_ = false;
          throw;
        }
      }
    }
  }

  decltype(auto) await_resume() noexcept(noexcept(std::declval<Inner&>().await_resume())) {
    if constexpr (point == SuspendPoint::kInitial) context_.resume();
    // A body awaiter that was ready at once never left the coroutine's context.
    if constexpr (point == SuspendPoint::kBody)
      if (suspended_) context_.resume();
    return inner_.await_resume();
  }

 private:
  CoroutineContext& context_;
  Inner inner_;
  bool suspended_ = false;
};

}  // namespace detail

// Base of a promise type whose coroutines carry their context (see the top of the file).
class TracedPromise {
 public:
  template <class Awaitable>
  auto await_transform(Awaitable&& awaitable) {
    return detail::TracedAwaiter<detail::SuspendPoint::kBody, detail::awaiter_t<Awaitable>>(
        context_, detail::get_awaiter(std::forward<Awaitable>(awaitable)));
  }

  CoroutineContext& coroutine_context() noexcept { return context_; }

  // Before the coroutine starts: runs it in `parent` instead of its creator's context.
  // `parent` must outlive the coroutine, as the chain of a coroutine awaiting it does.
  void start_in(detail::ContextNode* parent) noexcept {
    creator_ = {};
    context_.start_in(parent);
  }
  void start_in(CapturedContext parent) noexcept {
    creator_ = std::move(parent);
    context_.start_in(creator_.node());
  }

 protected:
  TracedPromise() noexcept : creator_(capture_context()), context_(creator_.node()) {}
  // For promise types that always call start_in before the coroutine starts.
  struct StartInLater {};
  explicit TracedPromise(StartInLater) noexcept : context_(nullptr) {}

  template <class Awaiter>
  auto traced_initial_suspend(Awaiter awaiter) noexcept(std::is_nothrow_move_constructible_v<Awaiter>) {
    return detail::TracedAwaiter<detail::SuspendPoint::kInitial, Awaiter>(context_, std::move(awaiter));
  }
  template <class Awaiter>
  auto traced_final_suspend(Awaiter awaiter) noexcept(std::is_nothrow_move_constructible_v<Awaiter>) {
    return detail::TracedAwaiter<detail::SuspendPoint::kFinal, Awaiter>(context_, std::move(awaiter));
  }

 private:
  CapturedContext creator_;
  CoroutineContext context_;
};

template <class T = void>
class Task;

namespace detail {

class TaskPromiseBase : public TracedPromise {
 public:
  TaskPromiseBase() noexcept : TracedPromise(StartInLater{}) {}

  auto initial_suspend() noexcept { return traced_initial_suspend(std::suspend_always{}); }
  auto final_suspend() noexcept { return traced_final_suspend(ResumeAwaiting{awaiting_}); }
  void unhandled_exception() noexcept { error_ = std::current_exception(); }

  void set_awaiting(std::coroutine_handle<> awaiting) noexcept { awaiting_ = awaiting; }

 protected:
  void rethrow_if_failed() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  struct ResumeAwaiting {
    std::coroutine_handle<> awaiting;
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<>) const noexcept { return awaiting; }
    void await_resume() const noexcept {}
  };

  std::coroutine_handle<> awaiting_;
  std::exception_ptr error_;
};

template <class T>
class TaskPromise : public TaskPromiseBase {
 public:
  Task<T> get_return_object() noexcept;
  template <class U>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    value_.emplace(std::forward<U>(value));
  }
  T result() {
    rethrow_if_failed();
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
};

template <>
class TaskPromise<void> : public TaskPromiseBase {
 public:
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void result() const { rethrow_if_failed(); }
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;

  Task() = default;
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  ~Task() {
    if (handle_) handle_.destroy();
  }

  class Awaiter;
  // Starts the task and resumes the awaiting coroutine with its result, or its exception.
  Awaiter operator co_await() const noexcept { return Awaiter{handle_}; }

 private:
  friend promise_type;
  explicit Task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
  std::coroutine_handle<promise_type> handle_;
};

template <class T>
class Task<T>::Awaiter {
 public:
  explicit Awaiter(std::coroutine_handle<promise_type> task) noexcept : task_(task) {}

  bool await_ready() const noexcept { return false; }
  template <class Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> awaiting) const noexcept {
    promise_type& promise = task_.promise();
    if constexpr (requires { awaiting.promise().coroutine_context(); })
      promise.start_in(awaiting.promise().coroutine_context().suspended_context());
    else
      promise.start_in(capture_context());
    promise.set_awaiting(awaiting);
    return task_;
  }
  T await_resume() const { return task_.promise().result(); }

 private:
  std::coroutine_handle<promise_type> task_;
};

namespace detail {

template <class T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<TaskPromise>::from_promise(*this));
}
inline Task<void> TaskPromise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<TaskPromise>::from_promise(*this));
}

// The frame that owns a detached task: starts at once, frees itself when the task is done.
struct Detached {
  struct promise_type : TracedPromise {
    static Detached get_return_object_on_allocation_failure() noexcept { return {}; }
    Detached get_return_object() noexcept { return {}; }
    auto initial_suspend() noexcept { return traced_initial_suspend(std::suspend_never{}); }
    auto final_suspend() noexcept { return traced_final_suspend(std::suspend_never{}); }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {}
  };
};

// Without a callsite the task runs in the current context, with no span of its own.
inline Detached start_detached(Task<void> task, const Callsite* callsite) {
  std::optional<ScopedSpan> span;
  if (callsite) span.emplace(inherit_tracer, *callsite, Reference::kFollowsFrom);
  try {
    co_await task;
  } catch (...) {
    if (span) span->set_error();  // nobody is left to rethrow to
  }
}

}  // namespace detail

// Runs `task` without waiting for it, in a span that followsFrom the current span and
// ends when the task is done. The task's exception marks that span as an error.
inline void detach(const Callsite& callsite, Task<void> task) noexcept {
  detail::start_detached(std::move(task), &callsite);
}

}  // namespace zspan

#if ZSPAN_ENABLED
#define ZSPAN_DETACH(name, ...)                                                                             \
  do {                                                                                                      \
    ZSPAN_CALLSITE(zspan_detach_callsite, name, ::zspan::Level::kInfo);                                     \
    ::zspan::detach(zspan_detach_callsite, __VA_ARGS__);                                                    \
  } while (false)
#else
#define ZSPAN_DETACH(name, ...)                                \
  do {                                                         \
    ZSPAN_DISCARD(name);                                       \
    ::zspan::detail::start_detached(__VA_ARGS__, nullptr);     \
  } while (false)
#endif

#ifndef ZSPAN_NO_SHORT_MACROS
#define TRACE_DETACH(name, ...) ZSPAN_DETACH(name, __VA_ARGS__)
#endif
