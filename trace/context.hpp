// The current span of a thread, and the chain of spans that leads to it.
//
// Each active span is a ContextNode linked to the node that was current when it started.
// A thread's context is one pointer, `tls_state.current` (trace/internal/thread_state.hpp),
// to the innermost node; the nodes live in the span guards themselves (on the stack, or in
// a coroutine frame), so making a span current costs two stores and no allocation. The
// chain is a cactus stack: a coroutine or task that started under a span keeps pointing
// at it, and saving or restoring its part of the context at a suspension is swapping one
// pointer (ContextSwap below).
//
// Ending out of order. A guard that ends while it is not current (it was heap-allocated,
// or kept in an optional, and ended before a span started after it) is unlinked from the
// chain: the spans started under it keep their parent ids and stay current, and the
// chain below them skips it. A node that is not on this thread's chain is left alone.
//
// Lazy contexts. Ids are drawn where they are first needed, not for every span:
//  - A recording span starts without a span id, and a root without a trace id unless its
//    sampler reads it. Its first child, or the first read of its context, mints them
//    (minted_holder); the collector mints those of a span nobody asked (a leaf), before
//    any exporter sees it. Its record has its ids and its parent's either way.
//  - A sampled-out span copies nothing: a kLazy node's context is its parent's (ids,
//    flags, trace state, baggage), found by walking up (context_holder). A sampled-out
//    root is kLazy too, with no parent, or kDrawn if its sampler read the trace id (it
//    keeps the generator step the id was drawn from, and so the id it decided on): its
//    ids are minted the first time its context is read (context(), capture, a Span made
//    current), which is where a context can leave the thread. A lazy child makes the
//    context its own (adopt_inherited_context) before its baggage changes or when its
//    parent ends first; a Span's node always does at once.
//  - A recording node's children start out of line until its ids are minted (the first
//    one mints them), and inline after.
//
// Trace state and baggage are shared references that most nodes do not hold: a node
// constructs them only when it has some to share (shares()).
#pragma once

#include <cstddef>
#include <cstdint>

#include "zspan/trace/clock.hpp"
#include "zspan/trace/span_context.hpp"
#include "zspan/trace/internal/span_record.hpp"
#include "zspan/trace/internal/thread_state.hpp"

namespace zspan {

// Fill a node with one of its init functions before it is pushed or read: each writes
// every field that the node's kind reads, so that a span guard's node is not zeroed
// first (ContextNode{} still is: all fields zero, for the few that fill by hand).
namespace detail {

struct ContextNode {
  enum class Kind : std::uint8_t {
    kRecording,  // a sampled span of this process: record is written when it ends
    kSilent,     // sampled out, with a context of its own (minted or inherited)
    kLazy,       // sampled out, with its parent's context, or no ids yet (a root)
    kDrawn,      // a sampled-out root whose sampler read its trace id: the generator step
                 // it was drawn from is kept, and its ids are minted from it when read
    kRemote,     // a context extracted from another process; never ends here
    kCaptured,   // a copy made to resume elsewhere (trace/captured_context.hpp): shared
                 // by every thread resuming it, so read-only, and never ends
  };
  // What the hot path asks of a node, a byte each, kept in step with its kind by set_kind
  // (so that each question is a compare with memory, three_way, and an init function
  // writes the kind and both answers in one store). How a child of the node starts:
  enum class ChildStart : std::uint8_t {
    kLazy,       // the node is sampled out: so is the child, which copies nothing
    kRecording,  // the node records, has its ids and shares nothing: the child records,
                 // inline, under them
    kOutOfLine,  // anything else: a remote, captured or sharing parent, or ids to mint
  };
  // And how its guard ends it (end_span):
  enum class End : std::uint8_t {
    kPop,        // sampled out, sharing nothing: its end only makes its parent current
    kSubmit,     // recording and sharing nothing, its record the header and its guard's
                 // inline tags: copied to the thread's buffer inline, a size known at
                 // compile time
    kOutOfLine,  // sharing, or a record that grew past its inline tags (tags, logs or a
                 // name added later, a long string): see fields_grew()
  };

  struct Unfilled {};
  ContextNode() noexcept : prev(nullptr), owner(nullptr), entries_capacity(0), flags{}, record{} {
    set_kind(Kind::kRecording, false);
  }
  // What a span guard holds: nothing written until its init function writes it, which
  // must come before the node is read or destroyed. A guard ends its node with end_span
  // (trace/internal/recording.hpp), in place of its destructor.
  explicit ContextNode(Unfilled) noexcept {}
  ~ContextNode() {
    if (shares()) stop_sharing();
  }
  ContextNode(const ContextNode&) = delete;
  ContextNode& operator=(const ContextNode&) = delete;

  // A sampled span of this process. Its record's header is complete but for end_ticks
  // and the ids minted later (zero: its span id, and a root's trace id unless its sampler
  // drew it: see "Lazy contexts"); its fields follow it (fields_capacity bytes). The
  // flags' forced bit is recorded.
  [[gnu::always_inline]] inline void init_recording(const Callsite& callsite, std::uint16_t tracer,
                                                    std::uint32_t fields_capacity, std::uint8_t record_flags,
                                                    TraceId trace_id, TraceFlags trace_flags,
                                                    SpanId parent_id) noexcept {
    set_kind(Kind::kRecording, false);
    owner = this;
    entries_capacity = fields_capacity;
    flags = trace_flags;
    record.size_bytes = sizeof(SpanRecord);
    record.tracer = tracer;
    record.flags = static_cast<std::uint8_t>(trace_flags.bits | record_flags);  // sampled, and maybe random or forced
    record.dropped_fields = 0;
    record.callsite = &callsite;
    record.trace_id = trace_id;
    record.span_id = {};
    record.parent_id = parent_id;
    stamp_ticks(record.start_ticks);
  }
  // A sampled-out span with a context of its own. A zero span id is minted when the
  // context is first read (minted_holder).
  [[gnu::always_inline]] inline void init_silent(TraceId trace_id, SpanId span_id, TraceFlags trace_flags) noexcept {
    set_kind(Kind::kSilent, false);
    owner = nullptr;
    flags = trace_flags;
    record.trace_id = trace_id;
    record.span_id = span_id;
  }
  // A sampled-out child whose context is its parent's (`prev`), or a sampled-out root
  // with no ids yet: nothing but its kind (and a null owner, which fields_owner() never
  // returns for it, but which compilers may read ahead) is written (see "Lazy contexts").
  [[gnu::always_inline]] inline void init_lazy() noexcept {
    set_kind(Kind::kLazy, false);
    owner = nullptr;
  }
  // A sampled-out root whose trace id its sampler read: `id_state` is the generator step
  // it was drawn from (TraceId::from_state), which is all it keeps until its context is
  // read; its flags are then TraceFlags::kRandom.
  [[gnu::always_inline]] inline void init_drawn(std::uint64_t id_state) noexcept {
    set_kind(Kind::kDrawn, false);
    owner = nullptr;
    drawn_id_state_ = id_state;
  }
  // The parent of spans that continue a context from another process (a node made with
  // ContextNode{}).
  void init_remote(const SpanContext& remote, TraceFlags trace_flags) noexcept {
    share(remote.trace_state, remote.baggage);
    set_kind(Kind::kRemote, true);
    flags = trace_flags;
    record.trace_id = remote.trace_id;
    record.span_id = remote.span_id;
  }
  // A captured context with a trace id and no span: spans under it start that trace (a
  // node made with ContextNode{}).
  void init_trace_start(TraceId trace_id, TraceFlags trace_flags) noexcept {
    share(nullptr, nullptr);
    set_kind(Kind::kCaptured, true);
    flags = trace_flags;
    record.trace_id = trace_id;
    record.span_id = {};
  }
  // A copy of `holder`'s context and record (holder: a node with its ids, from
  // minted_holder), of the given kind, whose fields go to `fields_owner` (or nowhere).
  void init_copy_of(const ContextNode& holder, Kind copy_kind, ContextNode* fields_owner) noexcept {
    set_kind(Kind::kLazy, false);  // sharing nothing yet
    if (holder.shares())
      share_what(holder);
    else if (copy_kind >= Kind::kRemote)
      share(nullptr, nullptr);
    set_kind(copy_kind, shares());
    owner = fields_owner;
    entries_capacity = 0;
    flags = holder.flags;
    record = holder.record;
    start_children_inline_if_minted();
  }

  ContextNode* prev;
  // The node whose record takes this span's fields, read only when recording (through
  // fields_owner()): itself for a span guard, the span's own node when a movable Span is
  // made current elsewhere, nullptr after that Span ended.
  ContextNode* owner;

 private:
  // Constructed only while shares().
  union {
    SharedRef<const TraceState> trace_state_;
  };
  union {
    SharedRef<const Baggage> baggage_;
  };

 public:
  std::uint32_t entries_capacity;  // bytes of entry storage right after `record`
  // In unions, so that a guard's node does not zero them (TraceFlags and SpanRecord's ids
  // have initializers) before its init function writes them.
  union {
    TraceFlags flags;
  };

 private:
  Kind kind_;
  bool shares_;  // holds the trace state and baggage references (constructed)
  ChildStart child_start_;
  End end_;

 public:
  // Header of the span's record while it runs; its ids are the node's context.
  union {
    alignas(16) SpanRecord record;
    std::uint64_t drawn_id_state_;  // a kDrawn node's, until minted_holder
  };

  Kind kind() const noexcept { return kind_; }
  ChildStart child_start() const noexcept { return child_start_; }
  // Where the answers are, for three_way (trace/internal/three_way.hpp), which compares
  // them in memory.
  static constexpr std::size_t child_start_offset() noexcept;
  static constexpr std::size_t end_offset() noexcept;
  // Entries were added to the record past those its guard's inline tags filled: its
  // guard ends it out of line, copying what it has.
  void fields_grew() noexcept {
    if (end_ == End::kSubmit) end_ = End::kOutOfLine;
  }
  bool recording() const noexcept { return kind_ == Kind::kRecording; }
  // The node whose record takes fields written on this one, or nullptr: see `owner`.
  ContextNode* fields_owner() const noexcept { return kind_ == Kind::kRecording ? owner : nullptr; }
  std::byte* entries() noexcept { return reinterpret_cast<std::byte*>(&record + 1); }

  // Whether the node holds references (null or not) to the trace state and baggage of
  // its context, and what they point to: its own (context_holder has a lazy node's).
  // A remote or captured node always holds them.
  bool shares() const noexcept { return shares_; }
  const TraceState* trace_state() const noexcept { return shares() ? trace_state_.get() : nullptr; }
  const Baggage* baggage() const noexcept { return shares() ? baggage_.get() : nullptr; }
  // Takes references to both (its own are replaced), and so leaves the hot path: a
  // recording node that shares has its children start out of line, and a guard that
  // holds a node that shares ends out of line.
  void share(const SharedRef<const TraceState>& trace_state, const SharedRef<const Baggage>& baggage) noexcept;
  // The same with what `other` shares, if anything.
  void share_what(const ContextNode& other) noexcept {
    if (other.shares()) share(other.trace_state_, other.baggage_);
  }
  // The baggage to change in place (Baggage::set), for a node with its own context.
  SharedRef<const Baggage>& baggage_to_change() noexcept;
  // Gives back both references (what a guard's out-of-line end and the destructor do).
  // Inline: compiled-out code destroys nodes too (a CapturedContext's) and links no zspan.
  // The node's answers stay as they were: it is ending.
  void stop_sharing() noexcept {
    trace_state_.~SharedRef();
    baggage_.~SharedRef();
    shares_ = false;
  }

  // The node whose ids, flags, trace state and baggage are this node's: itself, or the
  // nearest ancestor of a lazy sampled-out child. A lazy root has none yet: read ids and
  // flags through minted_holder.
  const ContextNode& context_holder() const noexcept {
    const ContextNode* n = this;
    while (n->kind_ == Kind::kLazy && n->prev) n = n->prev;
    return *n;
  }
  // The same, with its ids minted if it had none yet. Minting is the one write a read
  // does: only the thread whose chain holds the node reads it (a captured node, shared by
  // threads, is minted before it is shared).
  const ContextNode& minted_holder() const noexcept;
  SpanContext context() const noexcept;
  void adopt_inherited_context() noexcept;

 private:
  // A recording node that shares nothing has its children start inline once it has its
  // ids (minted_holder mints them; a copy may have them already).
  void start_children_inline_if_minted() noexcept {
    if (kind_ == Kind::kRecording && !shares_ && record.span_id.valid()) child_start_ = ChildStart::kRecording;
  }
  // A remote or captured node shares: its init function constructs the references first.
  void set_kind(Kind kind, bool shares) noexcept {
    kind_ = kind;
    shares_ = shares;
    const bool sampled_out = kind == Kind::kSilent || kind == Kind::kLazy || kind == Kind::kDrawn;
    child_start_ = sampled_out ? ChildStart::kLazy : ChildStart::kOutOfLine;
    if (shares)
      end_ = End::kOutOfLine;
    else if (sampled_out)
      end_ = End::kPop;
    else
      end_ = kind == Kind::kRecording ? End::kSubmit : End::kOutOfLine;
  }
};
// ContextNode is not standard-layout (its state is private), which makes offsetof
// "conditionally supported": g++ and clang support it, and warn.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
static_assert(sizeof(ContextNode) % 16 == 0 && offsetof(ContextNode, record) + sizeof(SpanRecord) == sizeof(ContextNode),
              "entries must follow the record header directly");
constexpr std::size_t ContextNode::child_start_offset() noexcept { return offsetof(ContextNode, child_start_); }
constexpr std::size_t ContextNode::end_offset() noexcept { return offsetof(ContextNode, end_); }
static_assert(sizeof(ContextNode::ChildStart) == 1 && sizeof(ContextNode::End) == 1, "answers are bytes");
#pragma GCC diagnostic pop

// Unlinks `node` from this thread's chain when it is not the innermost (see above), and
// counts it (zspan::stats().out_of_order_ends).
void unlink_out_of_order(ContextNode* node) noexcept;
std::uint64_t out_of_order_ends() noexcept;

[[gnu::always_inline]] inline void push(ContextNode* node) noexcept {
  node->prev = tls_state.current;
  tls_state.current = node;
}
[[gnu::always_inline]] inline void pop(ContextNode* node) noexcept {
  if (tls_state.current == node) [[likely]]
    tls_state.current = node->prev;
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
inline const detail::ContextNode* current_node() noexcept { return detail::tls_state.current; }

// The context of the current span; an invalid context when no span is active.
inline SpanContext current_context() noexcept {
  const detail::ContextNode* n = detail::tls_state.current;
  return n ? n->context() : SpanContext{};
}

// Replaces this thread's context for the lifetime of the object, and puts the previous
// one back after. What a coroutine, a task or a callback uses to run in the context it
// was created in: the chain itself is left untouched.
class ContextSwap {
 public:
  explicit ContextSwap(detail::ContextNode* context) noexcept : saved_(detail::tls_state.current) {
    detail::tls_state.current = context;
  }
  ~ContextSwap() { detail::tls_state.current = saved_; }
  ContextSwap(const ContextSwap&) = delete;
  ContextSwap& operator=(const ContextSwap&) = delete;

 private:
  detail::ContextNode* saved_;
};
#endif

}  // namespace zspan
