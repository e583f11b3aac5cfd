// The current span of a thread, and the chain of spans that leads to it.
//
// Each active span is a ContextNode linked to the node that was current when it started.
// A thread's context is one pointer, `tls_current`, to the innermost node; the nodes live
// in the span guards themselves (on the stack, or in a coroutine frame), so making a span
// current costs two stores and no allocation. The chain is a cactus stack: a coroutine or
// task that started under a span keeps pointing at it, and saving or restoring its part
// of the context at a suspension is swapping one pointer (ContextSwap below).
//
// Ending out of order. A guard that ends while it is not current (it was heap-allocated,
// or kept in an optional, and ended before a span started after it) is unlinked from the
// chain: the spans started under it keep their parent ids and stay current, and the
// chain below them skips it. A node that is not on this thread's chain is left alone.
//
// Lazy contexts. A sampled-out span copies nothing: a kSilent node without a trace id
// and with a parent (`prev`) has its parent's context (ids, flags, trace state, baggage),
// found by walking up (context_holder). A sampled-out root starts without ids unless its
// sampler needed the trace id: they are minted the first time its context is read
// (context(), capture, a Span made current), which is where a context can leave the
// thread. A lazy child makes the context its own (adopt_inherited_context) before its
// baggage changes or when its parent ends first; a Span's node always does at once.
#pragma once

#include <cstddef>
#include <cstdint>

#include "trace/span_context.hpp"
#include "trace/span_record.hpp"

// For the few hot-path functions that must inline whatever the caller's size.
#define ZSPAN_ALWAYS_INLINE [[gnu::always_inline]] inline

namespace zspan {

struct ContextNode {
  enum class Kind : std::uint8_t {
    kRecording,  // a sampled span of this process: record is written when it ends
    kSilent,     // sampled out: records nothing; its context may be lazy (see below)
    kRemote,     // a context extracted from another process; never ends here
    kCaptured,   // a copy made to resume elsewhere (trace/captured_context.hpp): shared
                 // by every thread resuming it, so read-only, and never ends
  };

  ContextNode* prev;
  // The node whose record takes this span's fields: itself for a span guard, the span's
  // own node when a movable Span is made current elsewhere, nullptr when not recording.
  ContextNode* owner;
  SharedRef<const TraceState> trace_state;
  SharedRef<const Baggage> baggage;
  std::uint32_t entries_capacity;  // bytes of entry storage right after `record`
  TraceFlags flags;
  Kind kind;
  // Header of the span's record while it runs; its ids are the node's context.
  alignas(16) SpanRecord record;

  bool recording() const noexcept { return kind == Kind::kRecording; }
  std::byte* entries() noexcept { return reinterpret_cast<std::byte*>(&record + 1); }

  bool inherits_context() const noexcept { return kind == Kind::kSilent && !record.trace_id.valid() && prev; }
  // The node whose ids, flags, trace state and baggage are this node's: itself, or the
  // nearest ancestor of a lazy sampled-out child.
  const ContextNode& context_holder() const noexcept {
    const ContextNode* n = this;
    while (n->inherits_context()) n = n->prev;
    return *n;
  }
  // The same, with its ids minted if it is a sampled-out root that had none yet. Minting
  // is the one write a read does: only the thread whose chain holds the node reads it
  // (a captured node, shared by threads, is minted before it is shared).
  const ContextNode& minted_holder() const noexcept;
  SpanContext context() const noexcept;
  void adopt_inherited_context() noexcept;
};
static_assert(sizeof(ContextNode) % 16 == 0 && offsetof(ContextNode, record) + sizeof(SpanRecord) == sizeof(ContextNode),
              "entries must follow the record header directly");

namespace detail {
extern constinit thread_local ContextNode* tls_current;

// Unlinks `node` from this thread's chain when it is not the innermost (see above), and
// counts it (zspan::stats().out_of_order_ends).
void unlink_out_of_order(ContextNode* node) noexcept;
std::uint64_t out_of_order_ends() noexcept;

ZSPAN_ALWAYS_INLINE void push(ContextNode* node) noexcept {
  node->prev = tls_current;
  tls_current = node;
}
ZSPAN_ALWAYS_INLINE void pop(ContextNode* node) noexcept {
  if (tls_current == node) [[likely]]
    tls_current = node->prev;
  else
    unlink_out_of_order(node);
}
}  // namespace detail

// Compiled out (ZSPAN_DISABLED), no span is ever current, and what follows needs no
// zspan library: there is no current node or context, and ContextSwap swaps nothing.
#if defined(ZSPAN_DISABLED)
inline const ContextNode* current_node() noexcept { return nullptr; }
inline SpanContext current_context() noexcept { return {}; }

class ContextSwap {
 public:
  explicit ContextSwap(ContextNode*) noexcept {}
  ContextSwap(const ContextSwap&) = delete;
  ContextSwap& operator=(const ContextSwap&) = delete;
};
#else
// The innermost active span on this thread, or nullptr.
inline const ContextNode* current_node() noexcept { return detail::tls_current; }

// The context of the current span; an invalid context when no span is active.
inline SpanContext current_context() noexcept {
  const ContextNode* n = detail::tls_current;
  return n ? n->context() : SpanContext{};
}

// Replaces this thread's context for the lifetime of the object, and puts the previous
// one back after. What a coroutine, a task or a callback uses to run in the context it
// was created in: the chain itself is left untouched.
class ContextSwap {
 public:
  explicit ContextSwap(ContextNode* context) noexcept : saved_(detail::tls_current) { detail::tls_current = context; }
  ~ContextSwap() { detail::tls_current = saved_; }
  ContextSwap(const ContextSwap&) = delete;
  ContextSwap& operator=(const ContextSwap&) = delete;

 private:
  ContextNode* saved_;
};
#endif

}  // namespace zspan
