// Starting and ending a span: the hot path, in one screen.
//
// start_span fills a ContextNode (held by a guard) and makes it current:
//   parent is local  -> inherit trace id, sampling decision and tracer; no sampler call
//   parent is remote -> a local root of a remote trace: the tracer's sampler decides,
//                       unless the trace is forced (TraceFlags::kForced): recorded
//   no parent        -> a root: new (random) trace id, the tracer's sampler decides
// A sampled-out span is a kSilent node: it carries its parent's ids and records nothing;
// zspan::inject mints the span id it sends downstream. Forced traces stay forced in
// their children and their records (SpanView::forced()).
// end_span restores the previous context and, for a recording span, copies the record
// into this thread's buffer. What is rare (a remote parent, trace state or baggage to
// share, a root without a tracer) is out of line. bench/HOT_PATH.md shows the assembly.
#pragma once

#include <type_traits>

#include "trace/clock.hpp"
#include "trace/collector.hpp"
#include "trace/context.hpp"
#include "trace/field.hpp"
#include "trace/tracer.hpp"

namespace zspan {

// The tracer argument of start_span for spans started without one: the parent's
// tracer, or the default tracer for a root.
struct InheritTracer {};

namespace detail {

template <class T>
inline bool sample_local_root(T& tracer, const SamplingInput& in) noexcept {
  if constexpr (std::is_same_v<T, InheritTracer>) {
    TracerBase* t = default_tracer();
    return t && t->sample_root(in);
  } else {
    return tracer.should_sample(in);
  }
}

template <class T>
inline std::uint16_t tracer_slot(T& tracer, const ContextNode* parent) noexcept {
  if constexpr (std::is_same_v<T, InheritTracer>) {
    if (parent && parent->kind != ContextNode::Kind::kRemote) return parent->record.tracer;
    TracerBase* t = default_tracer();
    return t ? t->slot() : kNoSinkSlot;
  } else {
    return tracer.slot();
  }
}

// The parent is remote: the local root of its trace, sampled by the tracer unless the
// trace is forced (B3 debug, Jaeger debug, zspan::ForceTracing). Returns the decision,
// with the node's flags set from it.
template <class T>
[[gnu::noinline]] bool sample_under_remote(ContextNode& node, const ContextNode& parent, const Callsite& callsite,
                                           T& tracer) noexcept {
  const bool sampled =
      parent.flags.forced() || sample_local_root(tracer, {parent.record.trace_id, &callsite, true, parent.flags});
  node.flags = parent.flags.with_sampled(sampled);
  return sampled;
}

// Trace state and baggage are shared with the parent; most contexts carry neither.
[[gnu::noinline]] inline void share_parent_refs(ContextNode& node, const ContextNode& parent) noexcept {
  node.trace_state = parent.trace_state;
  node.baggage = parent.baggage;
}

// A root the sampler dropped: a span id for the context it passes on, nothing recorded.
[[gnu::noinline]] inline void init_silent_root(ContextNode& node) noexcept {
  node.kind = ContextNode::Kind::kSilent;
  node.owner = nullptr;
  node.record.span_id = SpanId::generate();
}

}  // namespace detail

static_assert(SpanRecord::kForced == TraceFlags::kForced, "a record's forced bit is its context's");

// Fills `node` (freshly constructed) as a new span under the current context, without
// making it current.
template <class T>
ZSPAN_ALWAYS_INLINE void init_span(ContextNode& node, const Callsite& callsite, T& tracer,
                                   std::uint32_t entries_capacity, Reference reference = Reference::kChildOf) noexcept {
  ContextNode* parent = detail::tls_current;
  bool sampled;
  std::uint64_t root_span_id = 0;
  std::uint8_t record_flags = SpanRecord::kSampled | (reference == Reference::kFollowsFrom ? SpanRecord::kFollowsFrom : 0);
  if (parent) [[likely]] {
    node.record.trace_id = parent->record.trace_id;
    node.flags = parent->flags;
    if ((reinterpret_cast<std::uintptr_t>(parent->trace_state.get()) |
         reinterpret_cast<std::uintptr_t>(parent->baggage.get())) != 0) [[unlikely]]
      detail::share_parent_refs(node, *parent);
    const ContextNode::Kind parent_kind = parent->kind;
    if (parent_kind == ContextNode::Kind::kRemote) [[unlikely]] {
      sampled = detail::sample_under_remote(node, *parent, callsite, tracer);
      record_flags |= SpanRecord::kRemoteParent;
    } else {
      sampled = parent->flags.sampled();
    }
  } else {
    // A root draws its trace id and, if sampled, its span id in one step of the generator.
    const std::uint64_t s = detail::advance_id_state(3);
    node.record.trace_id = {detail::id_mix(s + detail::kIdGamma), detail::id_mix(s + 2 * detail::kIdGamma)};
    if (!node.record.trace_id.valid()) [[unlikely]] node.record.trace_id.low = 1;
    root_span_id = detail::id_mix(s + 3 * detail::kIdGamma);
    sampled = detail::sample_local_root(tracer, {node.record.trace_id, &callsite, false, {}});
    node.flags = TraceFlags{TraceFlags::kRandom}.with_sampled(sampled);  // W3C Level 2: a random trace id
  }
  if (sampled) [[likely]] {
    node.kind = ContextNode::Kind::kRecording;
    node.owner = &node;
    node.entries_capacity = entries_capacity;
    node.record.size_bytes = sizeof(SpanRecord);
    node.record.tracer = detail::tracer_slot(tracer, parent);
    node.record.flags = record_flags | (node.flags.bits & TraceFlags::kForced);
    node.record.dropped_fields = 0;
    node.record.callsite = &callsite;
    if (parent) {
      node.record.span_id = SpanId::generate();
      node.record.parent_id = parent->record.span_id;
    } else {
      node.record.span_id = {root_span_id != 0 ? root_span_id : 1};
      node.record.parent_id = {};
    }
    node.record.start_ticks = now_ticks();
  } else if (parent) [[likely]] {
    node.kind = ContextNode::Kind::kSilent;  // the sampled-out trace's ids, nothing recorded
    node.owner = nullptr;
    node.record.span_id = parent->record.span_id;
  } else {
    detail::init_silent_root(node);
  }
}

// Ends a span that is not current: stamps its end and hands its record to the buffer.
ZSPAN_ALWAYS_INLINE void finish_span(ContextNode& node) noexcept {
  if (node.kind == ContextNode::Kind::kRecording) {
    node.record.end_ticks = now_ticks();
    detail::submit(node.record);
  }
}

template <class T>
ZSPAN_ALWAYS_INLINE void start_span(ContextNode& node, const Callsite& callsite, T& tracer,
                                    std::uint32_t entries_capacity, Reference reference = Reference::kChildOf) noexcept {
  init_span(node, callsite, tracer, entries_capacity, reference);
  detail::push(&node);
}

ZSPAN_ALWAYS_INLINE void end_span(ContextNode& node) noexcept {
  detail::pop(&node);
  finish_span(node);
}
// Room for `count` more entries in the span's record, or nullptr (and the span counts a
// dropped field) when its storage is full or it is not recording.
inline FieldEntry* reserve_entries(ContextNode& node, std::uint32_t count) noexcept {
  ContextNode* owner = node.owner;
  if (!owner) return nullptr;
  const std::uint32_t used = owner->record.size_bytes - static_cast<std::uint32_t>(sizeof(SpanRecord));
  const std::uint32_t bytes = count * static_cast<std::uint32_t>(sizeof(FieldEntry));
  if (used + bytes > owner->entries_capacity) [[unlikely]] {
    if (owner->record.dropped_fields != 0xff) ++owner->record.dropped_fields;
    return nullptr;
  }
  owner->record.size_bytes += bytes;
  return reinterpret_cast<FieldEntry*>(owner->entries() + used);
}

// Records that the span also relates to `other` (beyond its parent): several spans it
// follows from, a batch it merges. Dropped and counted when the span's storage is full.
inline void add_reference(ContextNode& node, Reference reference, const SpanContext& other) noexcept {
  FieldEntry* e = reserve_entries(node, 2);
  if (!e) return;
  write_reference(e, reference == Reference::kFollowsFrom ? &kFollowsFromReference : &kChildOfReference,
                  other.trace_id, other.span_id);
}

}  // namespace zspan
