#include "zspan/trace/context.hpp"

#include <atomic>
#include <new>

namespace zspan::detail {

namespace {
constinit std::atomic<std::uint64_t> g_out_of_order_ends{0};
}

void unlink_out_of_order(ContextNode* node) noexcept {
  g_out_of_order_ends.fetch_add(1, std::memory_order_relaxed);
  for (ContextNode* n = tls_state.current; n; n = n->prev) {
    if (n->prev == node) {
      n->adopt_inherited_context();
      n->prev = node->prev;
      return;
    }
  }
}

std::uint64_t out_of_order_ends() noexcept { return g_out_of_order_ends.load(std::memory_order_relaxed); }

void ContextNode::share(const SharedRef<const TraceState>& trace_state, const SharedRef<const Baggage>& baggage) noexcept {
  if (shares()) {
    trace_state_ = trace_state;
    baggage_ = baggage;
  } else {
    new (&trace_state_) SharedRef<const TraceState>(trace_state);
    new (&baggage_) SharedRef<const Baggage>(baggage);
    set_kind(kind_, true);
  }
}

SharedRef<const Baggage>& ContextNode::baggage_to_change() noexcept {
  if (!shares()) share(nullptr, nullptr);
  return baggage_;
}

const ContextNode& ContextNode::minted_holder() const noexcept {
  auto& holder = const_cast<ContextNode&>(context_holder());
  if (holder.kind_ == Kind::kLazy || holder.kind_ == Kind::kDrawn) [[unlikely]] {  // a sampled-out root
    const bool drawn = holder.kind_ == Kind::kDrawn;
    holder.record.trace_id = drawn ? TraceId::from_state(holder.drawn_id_state_) : TraceId{};
    holder.record.span_id = {};
    holder.flags = drawn ? TraceFlags{TraceFlags::kRandom} : TraceFlags{};
    holder.set_kind(Kind::kSilent, holder.shares());
  }
  if (!holder.record.span_id.valid()) [[unlikely]] {
    if (!holder.record.trace_id.valid()) {
      holder.record.trace_id = TraceId::generate();
      holder.flags.bits |= TraceFlags::kRandom;  // W3C Level 2: a trace id zspan drew
    }
    holder.record.span_id = SpanId::generate();
    holder.start_children_inline_if_minted();
  }
  return holder;
}

SpanContext ContextNode::context() const noexcept {
  const ContextNode& h = minted_holder();
  if (!h.shares()) return {h.record.trace_id, h.record.span_id, h.flags, h.kind_ == Kind::kRemote, nullptr, nullptr};
  return {h.record.trace_id, h.record.span_id, h.flags, h.kind_ == Kind::kRemote, h.trace_state_, h.baggage_};
}

void ContextNode::adopt_inherited_context() noexcept {
  if (kind_ != Kind::kLazy || !prev) return;
  const ContextNode& h = prev->minted_holder();
  record.trace_id = h.record.trace_id;
  record.span_id = h.record.span_id;
  flags = h.flags;
  set_kind(Kind::kSilent, shares());
  share_what(h);
}

}  // namespace zspan::detail
