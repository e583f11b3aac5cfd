// Boost.Asio coroutines (awaitable, co_spawn) that carry their context, on an io_context
// run by any number of threads.
//
//   TRACE_SCOPE("accept");
//   zspan::co_spawn(ioc, session(std::move(socket)), boost::asio::detached);
//
//   boost::asio::awaitable<void> session(tcp::socket socket) {
//     TRACE_SCOPE("session");                                        // child of "accept"
//     std::size_t n = co_await zspan::traced(socket.async_read_some(buffer, use_awaitable));
//     TRACE_SCOPE("reply");                                          // child of "session",
//     co_await write_reply(socket, n);                               // on whichever thread resumed it
//   }
//
// The rule. Asio's promise type cannot be changed, so zspan moves the context at the two
// places it can see:
//   1. Spawn with zspan::co_spawn (same arguments as boost::asio::co_spawn). It captures
//      the current context as a value: the coroutine's spans are its children, whenever
//      and wherever the coroutine runs. For fire-and-forget work, open the coroutine with
//      TRACE_SCOPE_FOLLOWS_FROM.
//   2. co_await every asynchronous operation through zspan::traced(...). While it waits,
//      the coroutine's spans are not current on the thread; when it resumes, on any
//      thread, they are current again. A co_await of another awaitable function needs no
//      wrapper: it runs in the same coroutine, in the same context, until one of its own
//      traced operations waits.
// An operation awaited without traced() leaves the coroutine's spans current on the
// thread it suspended on: work that thread runs next would become their children, after
// they may have ended. zspan::co_spawn takes coroutines (awaitable), not functions.
#pragma once

#include <utility>  // asio 1.74 uses std::exchange without including it

// Asio 1.74 recognises clang's coroutines TS only, not C++20 coroutines.
#if defined(__clang__) && defined(__cpp_impl_coroutine) && !defined(BOOST_ASIO_HAS_CO_AWAIT)
#define BOOST_ASIO_HAS_CO_AWAIT 1
#endif

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <type_traits>

#include "zspan/instrument/coroutine.hpp"
#include "zspan/trace/captured_context.hpp"

namespace zspan {

namespace detail {

// One asio thread of execution started by zspan::co_spawn: its context, and the one it
// interrupted on the thread that runs it (asio may resume a coroutine inside a handler
// of another one, from a dispatch).
class AsioCoroutineContext {
 public:
  explicit AsioCoroutineContext(ContextNode* base) noexcept : context_(base) {}

  void resume() noexcept;
  void suspend() noexcept;
  void finish() noexcept;

 private:
  CoroutineContext context_;
  AsioCoroutineContext* interrupted_ = nullptr;
};

// The zspan::co_spawn coroutine running on this thread, if any.
inline constinit thread_local AsioCoroutineContext* tls_running_asio = nullptr;

inline void AsioCoroutineContext::resume() noexcept {
  interrupted_ = std::exchange(tls_running_asio, this);
  context_.resume();
}
inline void AsioCoroutineContext::suspend() noexcept {
  context_.suspend();
  tls_running_asio = interrupted_;
}
inline void AsioCoroutineContext::finish() noexcept {
  context_.finish();
  tls_running_asio = interrupted_;
}

template <class T, class Executor>
boost::asio::awaitable<T, Executor> run_in(CapturedContext spawner, boost::asio::awaitable<T, Executor> body) {
  AsioCoroutineContext context(spawner.node());
  context.resume();
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(body);
      context.finish();
    } else {
      T result = co_await std::move(body);
      context.finish();
      co_return result;
    }
  } catch (...) {
    context.finish();
    throw;
  }
}

}  // namespace detail

// boost::asio::co_spawn, with the coroutine in the current context.
template <class ExecutorOrContext, class T, class AwaitableExecutor, class CompletionToken>
auto co_spawn(ExecutorOrContext&& executor, boost::asio::awaitable<T, AwaitableExecutor> body,
              CompletionToken&& token) {
  return boost::asio::co_spawn(std::forward<ExecutorOrContext>(executor),
                               detail::run_in(capture_context(), std::move(body)),
                               std::forward<CompletionToken>(token));
}

// Awaits an asio operation with the coroutine's context put aside meanwhile. Outside a
// zspan::co_spawn coroutine there is no context to carry: the operation is awaited as is.
template <class T, class Executor>
boost::asio::awaitable<T, Executor> traced(boost::asio::awaitable<T, Executor> operation) {
  detail::AsioCoroutineContext* const context = detail::tls_running_asio;
  if (!context) co_return co_await std::move(operation);
  context->suspend();
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(operation);
      context->resume();
    } else {
      T result = co_await std::move(operation);
      context->resume();
      co_return result;
    }
  } catch (...) {
    context->resume();
    throw;
  }
}

}  // namespace zspan
