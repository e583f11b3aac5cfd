#include "zspan/trace/context.hpp"

#include <atomic>

namespace zspan::detail {

constinit thread_local ContextNode* tls_current = nullptr;

namespace {
constinit std::atomic<std::uint64_t> g_out_of_order_ends{0};
}

void unlink_out_of_order(ContextNode* node) noexcept {
  g_out_of_order_ends.fetch_add(1, std::memory_order_relaxed);
  for (ContextNode* n = tls_current; n; n = n->prev) {
    if (n->prev == node) {
      n->adopt_inherited_context();
      n->prev = node->prev;
      return;
    }
  }
}

std::uint64_t out_of_order_ends() noexcept { return g_out_of_order_ends.load(std::memory_order_relaxed); }

}  // namespace zspan::detail

namespace zspan {

const zspan::detail::ContextNode& zspan::detail::ContextNode::minted_holder() const noexcept {
  auto& holder = const_cast<zspan::detail::ContextNode&>(context_holder());
  if (!holder.record.span_id.valid()) [[unlikely]] {
    if (!holder.record.trace_id.valid()) {
      holder.record.trace_id = TraceId::generate();
      holder.flags.bits |= TraceFlags::kRandom;  // W3C Level 2: a trace id zspan drew
    }
    holder.record.span_id = SpanId::generate();
  }
  return holder;
}

SpanContext zspan::detail::ContextNode::context() const noexcept {
  const zspan::detail::ContextNode& h = minted_holder();
  return {h.record.trace_id, h.record.span_id, h.flags, h.kind == Kind::kRemote, h.trace_state, h.baggage};
}

void zspan::detail::ContextNode::adopt_inherited_context() noexcept {
  if (!inherits_context()) return;
  const zspan::detail::ContextNode& h = prev->minted_holder();
  record.trace_id = h.record.trace_id;
  record.span_id = h.record.span_id;
  flags = h.flags;
  trace_state = h.trace_state;
  baggage = h.baggage;
}

}  // namespace zspan
