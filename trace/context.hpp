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

#include "zspan/trace/span_context.hpp"
#include "zspan/trace/internal/span_record.hpp"

namespace zspan {

// Fill a node with one of its init functions before it is pushed or read: each writes
// every field that the node's kind reads, so that a span guard's node is not zeroed
// first (ContextNode{} still is: all fields zero, for the few that fill by hand).
namespace detail {

struct ContextNode {
  enum class Kind : std::uint8_t {
    kRecording,  // a sampled span of this process: record is written when it ends
    kSilent,     // sampled out: records nothing; its context may be lazy (see below)
    kRemote,     // a context extracted from another process; never ends here
    kCaptured,   // a copy made to resume elsewhere (trace/captured_context.hpp): shared
                 // by every thread resuming it, so read-only, and never ends
  };
  struct Unfilled {};

  ContextNode() noexcept
      : prev(nullptr), owner(nullptr), entries_capacity(0), flags{}, kind(Kind::kRecording), record{} {}
  // What a span guard holds: references null, the rest written by init_span.
  explicit ContextNode(Unfilled) noexcept {}

  // A sampled span of this process. Its record's header is complete but for end_ticks;
  // its fields follow it (entries_capacity bytes). The flags' forced bit is recorded.
  [[gnu::always_inline]] inline void init_recording(const Callsite& callsite, std::uint16_t tracer,
                                                    std::uint32_t fields_capacity, std::uint8_t record_flags,
                                                    TraceId trace_id, TraceFlags trace_flags, SpanId span_id,
                                                    SpanId parent_id, std::uint64_t start_ticks) noexcept {
    kind = Kind::kRecording;
    owner = this;
    entries_capacity = fields_capacity;
    flags = trace_flags;
    record.size_bytes = sizeof(SpanRecord);
    record.tracer = tracer;
    record.flags = static_cast<std::uint8_t>(SpanRecord::kSampled | record_flags | (trace_flags.bits & TraceFlags::kForced));
    record.dropped_fields = 0;
    record.callsite = &callsite;
    record.trace_id = trace_id;
    record.span_id = span_id;
    record.parent_id = parent_id;
    record.start_ticks = start_ticks;
  }
  // A sampled-out span with a context of its own. Zero ids are minted when the context
  // is first read (minted_holder): a root's, or just a span id when the sampler drew the
  // trace id.
  [[gnu::always_inline]] inline void init_silent(TraceId trace_id, SpanId span_id, TraceFlags trace_flags) noexcept {
    kind = Kind::kSilent;
    owner = nullptr;
    flags = trace_flags;
    record.trace_id = trace_id;
    record.span_id = span_id;
  }
  // A sampled-out child whose context is its parent's (`prev`): no id or flag is copied,
  // the zero trace id says so (see "Lazy contexts" above); read its context_holder's.
  [[gnu::always_inline]] inline void init_lazy_silent() noexcept {
    kind = Kind::kSilent;
    owner = nullptr;
    record.trace_id = {};
  }
  // The parent of spans that continue a context from another process.
  void init_remote(const SpanContext& remote, TraceFlags trace_flags) noexcept {
    *this = {};
    kind = Kind::kRemote;
    flags = trace_flags;
    trace_state = remote.trace_state;
    baggage = remote.baggage;
    record.trace_id = remote.trace_id;
    record.span_id = remote.span_id;
  }
  // A copy of `holder`'s context and record (holder: a node with its ids, from
  // minted_holder), of the given kind, whose fields go to `fields_owner` (or nowhere).
  void init_copy_of(const ContextNode& holder, Kind copy_kind, ContextNode* fields_owner) noexcept {
    owner = fields_owner;
    trace_state = holder.trace_state;
    baggage = holder.baggage;
    entries_capacity = 0;
    flags = holder.flags;
    kind = copy_kind;
    record = holder.record;
  }

  ContextNode* prev;
  // The node whose record takes this span's fields: itself for a span guard, the span's
  // own node when a movable Span is made current elsewhere, nullptr when not recording.
  ContextNode* owner;
  SharedRef<const TraceState> trace_state;
  SharedRef<const Baggage> baggage;
  std::uint32_t entries_capacity;  // bytes of entry storage right after `record`
  // In unions, so that a guard's node does not zero them (TraceFlags and SpanRecord's ids
  // have initializers) before its init function writes them.
  union {
    TraceFlags flags;
  };
  Kind kind;
  // Header of the span's record while it runs; its ids are the node's context.
  union {
    alignas(16) SpanRecord record;
  };

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

extern constinit thread_local ContextNode* tls_current;

// Unlinks `node` from this thread's chain when it is not the innermost (see above), and
// counts it (zspan::stats().out_of_order_ends).
void unlink_out_of_order(ContextNode* node) noexcept;
std::uint64_t out_of_order_ends() noexcept;

[[gnu::always_inline]] inline void push(ContextNode* node) noexcept {
  node->prev = tls_current;
  tls_current = node;
}
[[gnu::always_inline]] inline void pop(ContextNode* node) noexcept {
  if (tls_current == node) [[likely]]
    tls_current = node->prev;
  else
    unlink_out_of_order(node);
}
}  // namespace detail

// Compiled out (ZSPAN_DISABLED), no span is ever current, and what follows needs no
// zspan library: there is no current node or context, and ContextSwap swaps nothing.
#if defined(ZSPAN_DISABLED)
inline const detail::ContextNode* current_node() noexcept { return nullptr; }
inline SpanContext current_context() noexcept { return {}; }

class ContextSwap {
 public:
  explicit ContextSwap(detail::ContextNode*) noexcept {}
  ContextSwap(const ContextSwap&) = delete;
  ContextSwap& operator=(const ContextSwap&) = delete;
};
#else
// The innermost active span on this thread, or nullptr.
inline const detail::ContextNode* current_node() noexcept { return detail::tls_current; }

// The context of the current span; an invalid context when no span is active.
inline SpanContext current_context() noexcept {
  const detail::ContextNode* n = detail::tls_current;
  return n ? n->context() : SpanContext{};
}

// Replaces this thread's context for the lifetime of the object, and puts the previous
// one back after. What a coroutine, a task or a callback uses to run in the context it
// was created in: the chain itself is left untouched.
class ContextSwap {
 public:
  explicit ContextSwap(detail::ContextNode* context) noexcept : saved_(detail::tls_current) { detail::tls_current = context; }
  ~ContextSwap() { detail::tls_current = saved_; }
  ContextSwap(const ContextSwap&) = delete;
  ContextSwap& operator=(const ContextSwap&) = delete;

 private:
  detail::ContextNode* saved_;
};
#endif

}  // namespace zspan
