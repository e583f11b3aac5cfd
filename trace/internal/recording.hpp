// Starting and ending a span: the hot path, in one screen.
//
// init_span fills a ContextNode (held by a guard); start_span also makes it current.
// How a span starts depends on its parent (trace/context.hpp), asked in this order:
//   no parent                -> a root: the tracer's sampler decides. A sampler known
//                               never to sample (AlwaysOffSampler) is not asked; a trace
//                               id is drawn only for a sampler that reads it
//                               (kReadsRootTraceId), and a root it samples out keeps the
//                               generator step, not the id (kDrawn)
//   child_start() kLazy      -> parent sampled out: a lazy child, its kind written,
//                               nothing copied
//   child_start() kRecording -> parent records, has its ids and shares nothing: a
//                               recording child with the parent's trace id, flags and
//                               span id
//   kOutOfLine               -> parent remote or captured, sharing trace state or
//                               baggage, or recording without its ids yet (they are
//                               minted: its first child). Under a remote parent the
//                               tracer's sampler decides, unless the trace is forced
//                               (TraceFlags::kForced: B3 or Jaeger debug,
//                               zspan::ForceTracing): recorded
// A recording span draws no span id: its first child or context read mints it, or else
// the collector, before export ("Lazy contexts" in trace/context.hpp).
// Forced traces stay forced in their children and their records (SpanView::forced());
// zspan::inject mints the span id a sampled-out span sends downstream.
// end_span restores the previous context, then as end() says: nothing more for a
// sampled-out span (kPop); the header and the guard's inline tags copied into this
// thread's buffer, a size known at compile time, for a recording one (kSubmit); and out
// of line, the record whatever its size and giving back the references of a node that
// shares (kOutOfLine).
// bench/HOT_PATH.md shows the instructions of each step.
#pragma once

#include <type_traits>

#include "zspan/trace/clock.hpp"
#include "zspan/trace/collector.hpp"
#include "zspan/trace/context.hpp"
#include "zspan/trace/internal/field.hpp"
#include "zspan/trace/internal/three_way.hpp"
#include "zspan/trace/tracer.hpp"

namespace zspan::detail {

// The tracer argument of start_span for spans started without one: the parent's
// tracer, or the default tracer for a root.
struct InheritTracer {};

template <class T>
inline bool sample_local_root(T& tracer, const SamplingInput& in) noexcept {
  if constexpr (std::is_same_v<T, InheritTracer>) {
    TracerBase* t = default_tracer();
    return t && t->sample_root(in);
  } else {
    return tracer.should_sample(in);
  }
}

// The sampler a tracer type decides with, when known at compile time; void for
// InheritTracer (the default tracer's is known at run time), which the sampler traits
// (kNeverSamples, kReadsRootTraceId) take at their defaults.
template <class T>
struct sampler_of {
  using type = void;
};
template <class T>
  requires requires { typename T::sampler_type; }
struct sampler_of<T> {
  using type = typename T::sampler_type;
};
template <class T>
using sampler_of_t = typename sampler_of<T>::type;

// local_parent: the parent when it is of this process, else nullptr.
template <class T>
inline std::uint16_t tracer_slot(T& tracer, const ContextNode* local_parent) noexcept {
  if constexpr (std::is_same_v<T, InheritTracer>) {
    if (local_parent) return local_parent->record.tracer;
    TracerBase* t = default_tracer();
    return t ? t->slot() : kNoSinkSlot;
  } else {
    return tracer.slot();
  }
}

// The parent is remote (the local root of its trace, sampled by the tracer) or captured,
// or shares trace state or baggage, or records with no ids yet: the node takes a copy of
// its context (minted first).
template <class T>
[[gnu::noinline]] void init_out_of_line(ContextNode& node, const ContextNode& parent, const Callsite& callsite,
                                        T& tracer, std::uint32_t entries_capacity, std::uint8_t record_flags) noexcept {
  if (parent.recording()) parent.minted_holder();  // (a remote or captured parent has its ids)
  bool sampled = parent.flags.sampled();
  if (parent.kind() == ContextNode::Kind::kRemote) {
    sampled = parent.flags.forced() || sample_local_root(tracer, {parent.record.trace_id, &callsite, true, parent.flags});
    record_flags |= SpanRecord::kRemoteParent;
  }
  const TraceFlags flags = parent.flags.with_sampled(sampled);
  if (sampled) {
    const ContextNode* local_parent = parent.kind() == ContextNode::Kind::kRemote ? nullptr : &parent;
    node.init_recording(callsite, tracer_slot(tracer, local_parent), entries_capacity, record_flags, parent.record.trace_id,
                        flags, parent.record.span_id);
  } else {
    node.init_silent(parent.record.trace_id, parent.record.span_id, flags);
  }
  node.share_what(parent);
}

static_assert(SpanRecord::kSampled == TraceFlags::kSampled && SpanRecord::kRandom == TraceFlags::kRandom &&
                  SpanRecord::kForced == TraceFlags::kForced &&
                  ((SpanRecord::kError | SpanRecord::kFollowsFrom | SpanRecord::kRemoteParent | SpanRecord::kRenamed) &
                   (TraceFlags::kSampled | TraceFlags::kRandom | TraceFlags::kForced)) == 0,
              "a record's flags begin as its trace flags");

// Fills `node` (constructed unfilled) as a new span under the current context, without
// making it current.
template <class T>
[[gnu::always_inline]] inline void init_span(ContextNode& node, const Callsite& callsite, T& tracer,
                                   std::uint32_t entries_capacity, Reference reference = Reference::kChildOf) noexcept {
  ContextNode* const parent = detail::tls_state.current;
  node.prev = parent;
  const std::uint8_t record_flags = reference == Reference::kFollowsFrom ? SpanRecord::kFollowsFrom : 0;
  if (!parent) {
    if constexpr (kNeverSamples<detail::sampler_of_t<T>>) {
      node.init_lazy();  // ids minted if its context is ever read
    } else {
      constexpr bool kReadsTraceId = kReadsRootTraceId<detail::sampler_of_t<T>>;
      const std::uint64_t id_state = kReadsTraceId ? next_id_state() : 0;
      const TraceId drawn = kReadsTraceId ? TraceId::unchecked_from_state(id_state) : TraceId{};
      const TraceFlags flags{TraceFlags::kRandom | TraceFlags::kSampled};
      if (detail::sample_local_root(tracer, {drawn, &callsite, false, {}})) [[likely]]
        node.init_recording(callsite, detail::tracer_slot(tracer, nullptr), entries_capacity, record_flags,
                            kReadsTraceId ? drawn.made_valid() : TraceId{}, flags, {});
      else if constexpr (kReadsTraceId)
        node.init_drawn(id_state);  // its ids are minted from it if its context is read
      else
        node.init_lazy();
    }
  } else {
    three_way<Follows::kZero, ContextNode::child_start_offset()>(
        parent, [&] { node.init_lazy(); },  // kLazy: most spans, where few traces are kept
        [&] {  // kRecording
          node.init_recording(callsite, detail::tracer_slot(tracer, parent), entries_capacity, record_flags,
                              parent->record.trace_id, parent->flags, parent->record.span_id);
        },
        [&] { detail::init_out_of_line(node, *parent, callsite, tracer, entries_capacity, record_flags); });
  }
}

// Stamps a recording span's end and hands its record to the buffer, whatever its size.
// Out of line: a Span's end, and a guard's whose record grew or that shares.
void submit_recorded(ContextNode& node) noexcept;

// Ends a span that is not current (a movable Span's).
inline void finish_span(ContextNode& node) noexcept {
  if (node.recording()) submit_recorded(node);
}

// A guard's end that leaves the hot path (End::kOutOfLine).
void end_out_of_line(ContextNode& node) noexcept;

// init_span, then makes the node current (init_span set its `prev`).
template <class T>
[[gnu::always_inline]] inline void start_span(ContextNode& node, const Callsite& callsite, T& tracer,
                                              std::uint32_t entries_capacity,
                                              Reference reference = Reference::kChildOf) noexcept {
  init_span(node, callsite, tracer, entries_capacity, reference);
  detail::tls_state.current = &node;
}

// What a span guard's destructor does: the node's end, in place of its destructor.
// kFilledBytes: the entry bytes its inline tags filled, known at compile time, which are
// all a record has while its end is kSubmit.
template <std::uint32_t kFilledBytes = 0>
[[gnu::always_inline]] inline void end_span(ContextNode& node) noexcept {
  detail::pop(&node);
  three_way<Follows::kOne, ContextNode::end_offset()>(
      &node, [] {},  // kPop
      [&] {               // kSubmit
        stamp_ticks(node.record.end_ticks);
        detail::submit<sizeof(SpanRecord) + kFilledBytes>(node.record);
      },
      [&] { end_out_of_line(node); });
}

// Room for `count` more entries in the span's record, or nullptr (and the span counts a
// dropped field) when its storage is full or it is not recording.
inline FieldEntry* reserve_entries(ContextNode& node, std::uint32_t count) noexcept {
  ContextNode* owner = node.fields_owner();
  if (!owner) return nullptr;
  const std::uint32_t used = owner->record.size_bytes - static_cast<std::uint32_t>(sizeof(SpanRecord));
  const std::uint32_t bytes = count * static_cast<std::uint32_t>(sizeof(FieldEntry));
  if (used + bytes > owner->entries_capacity) [[unlikely]] {
    if (owner->record.dropped_fields != 0xff) ++owner->record.dropped_fields;
    return nullptr;
  }
  owner->record.size_bytes += bytes;
  owner->fields_grew();
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

}  // namespace zspan::detail
