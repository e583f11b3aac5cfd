// Starting and ending a span: the hot path, in one screen.
//
// start_span fills a ContextNode (held by a guard) and makes it current:
//   parent is local  -> inherit trace id, sampling decision and tracer; no sampler call
//   parent is remote -> a local root of a remote trace: the tracer's sampler decides
//   no parent        -> a root: new trace id, the tracer's sampler decides
// A sampled-out span is a kSilent node: it carries its parent's ids (so downstream
// services still get valid ids and the sampled-out flag) and records nothing.
// end_span restores the previous context and, for a recording span, copies the record
// into this thread's buffer.
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

}  // namespace detail

// Fills `node` as a new span under the current context, without making it current.
template <class T>
inline void init_span(ContextNode& node, const Callsite& callsite, T& tracer, std::uint32_t entries_capacity,
                      Reference reference = Reference::kChildOf) noexcept {
  ContextNode* parent = detail::tls_current;
  bool sampled;
  if (parent) [[likely]] {
    node.record.trace_id = parent->record.trace_id;
    node.trace_state = parent->trace_state;
    node.baggage = parent->baggage;
    node.flags = parent->flags;
    if (parent->kind == ContextNode::Kind::kRemote) [[unlikely]] {
      sampled = detail::sample_local_root(tracer, {parent->record.trace_id, &callsite, true, parent->flags});
      node.flags = parent->flags.with_sampled(sampled);
    } else {
      sampled = parent->flags.sampled();
    }
  } else {
    node.record.trace_id = TraceId::generate();
    node.flags = {};
    sampled = detail::sample_local_root(tracer, {node.record.trace_id, &callsite, false, {}});
    node.flags = node.flags.with_sampled(sampled);
  }
  if (sampled) {
    node.kind = ContextNode::Kind::kRecording;
    node.owner = &node;
    node.entries_capacity = entries_capacity;
    node.record.size_bytes = sizeof(SpanRecord);
    node.record.tracer = detail::tracer_slot(tracer, parent);
    node.record.flags = static_cast<std::uint8_t>(
        SpanRecord::kSampled | (reference == Reference::kFollowsFrom ? SpanRecord::kFollowsFrom : 0) |
        (parent && parent->kind == ContextNode::Kind::kRemote ? SpanRecord::kRemoteParent : 0));
    node.record.dropped_fields = 0;
    node.record.callsite = &callsite;
    node.record.span_id = SpanId::generate();
    node.record.parent_id = parent ? parent->record.span_id : SpanId{};
    node.record.start_ticks = now_ticks();
  } else {
    node.kind = ContextNode::Kind::kSilent;
    node.owner = nullptr;
    node.record.span_id = parent ? parent->record.span_id : SpanId::generate();
  }
}

// Ends a span that is not current: stamps its end and hands its record to the buffer.
inline void finish_span(ContextNode& node) noexcept {
  if (node.kind == ContextNode::Kind::kRecording) {
    node.record.end_ticks = now_ticks();
    detail::submit(node.record);
  }
}

template <class T>
inline void start_span(ContextNode& node, const Callsite& callsite, T& tracer, std::uint32_t entries_capacity,
                       Reference reference = Reference::kChildOf) noexcept {
  init_span(node, callsite, tracer, entries_capacity, reference);
  detail::push(&node);
}

inline void end_span(ContextNode& node) noexcept {
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
