// Starting and ending a span: the hot path, in one screen.
//
// init_span fills a ContextNode (held by a guard); start_span also makes it current.
// How a span starts depends on its parent (trace/context.hpp), asked in this order:
//   no parent          -> a root: the tracer's sampler decides. A sampler known never to
//                         sample (AlwaysOffSampler) is not asked; a trace id is drawn only
//                         for a sampler that reads it (kReadsRootTraceId).
//   lazy_children()    -> parent sampled out: a lazy child, its kind written, nothing
//                         copied
//   records_plainly()  -> parent records and shares nothing: a recording child with the
//                         parent's trace id, flags and span id (minted first if it had none)
//   otherwise          -> out of line: parent remote or captured, or sharing trace state
//                         or baggage. Under a remote parent the tracer's sampler decides,
//                         unless the trace is forced (TraceFlags::kForced: B3 or Jaeger
//                         debug, zspan::ForceTracing): recorded
// A recording span draws no span id: its first child or context read mints it, or else
// the collector, before export ("Lazy contexts" in trace/context.hpp).
// Forced traces stay forced in their children and their records (SpanView::forced());
// zspan::inject mints the span id a sampled-out span sends downstream.
// end_span restores the previous context, then: nothing more for a sampled-out span
// (ends_quietly()), the record copied into this thread's buffer for a recording one, and
// out of line both and giving back the references of a node that shares.
// bench/HOT_PATH.md shows the instructions of each step.
#pragma once

#include <type_traits>

#include "zspan/trace/clock.hpp"
#include "zspan/trace/collector.hpp"
#include "zspan/trace/context.hpp"
#include "zspan/trace/internal/field.hpp"
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
// or shares trace state or baggage: the node takes a copy of its context.
template <class T>
[[gnu::noinline]] void init_under_shared(ContextNode& node, const ContextNode& parent, const Callsite& callsite,
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
                        flags, {}, parent.record.span_id, now_ticks());
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
  ContextNode* const parent = detail::tls_current;
  node.prev = parent;
  const std::uint8_t record_flags = reference == Reference::kFollowsFrom ? SpanRecord::kFollowsFrom : 0;
  if (!parent) {
    if constexpr (kNeverSamples<detail::sampler_of_t<T>>) {
      node.init_lazy();  // ids minted if its context is ever read
    } else {
      const TraceId trace_id = kReadsRootTraceId<detail::sampler_of_t<T>> ? TraceId::generate() : TraceId{};
      const TraceFlags flags{TraceFlags::kRandom | TraceFlags::kSampled};
      if (detail::sample_local_root(tracer, {trace_id, &callsite, false, {}})) [[likely]]
        node.init_recording(callsite, detail::tracer_slot(tracer, nullptr), entries_capacity, record_flags, trace_id,
                            flags, {}, {}, now_ticks());
      else if constexpr (kReadsRootTraceId<detail::sampler_of_t<T>>)
        node.init_silent(trace_id, {}, flags.with_sampled(false));  // its span id is minted if its context is read
      else
        node.init_lazy();
    }
  } else if (parent->lazy_children()) [[likely]] {  // most spans, where few traces are kept
    node.init_lazy();
  } else if (parent->records_plainly()) {
    if (!parent->record.span_id.valid()) [[unlikely]] parent->minted_holder();
    node.init_recording(callsite, detail::tracer_slot(tracer, parent), entries_capacity, record_flags,
                        parent->record.trace_id, parent->flags, {}, parent->record.span_id, now_ticks());
  } else {
    detail::init_under_shared(node, *parent, callsite, tracer, entries_capacity, record_flags);
  }
}

// Stamps a recording span's end and hands its record to the buffer. Known at compile
// time (a span guard's): kFieldBytes, the node's entry storage, and kFilledBytes, the
// entry bytes its record has at least (its inline tags'): up to ThreadBuffer::kSlackBytes
// of those are copied without a loop, and no loop is left when they are the storage.
template <std::uint32_t kFieldBytes = 0, std::uint32_t kFilledBytes = kFieldBytes>
[[gnu::always_inline]] inline void submit_recorded(ContextNode& node) noexcept {
  node.record.end_ticks = now_ticks();
  constexpr std::uint32_t kCopied = kFilledBytes < ThreadBuffer::kSlackBytes ? kFilledBytes : ThreadBuffer::kSlackBytes;
  constexpr bool kWhole = kFieldBytes != 0 && kFieldBytes <= kCopied;
  detail::submit<kCopied, kWhole>(node.record);
}

// Ends a span that is not current (a movable Span's).
template <std::uint32_t kFieldBytes = 0>
[[gnu::always_inline]] inline void finish_span(ContextNode& node) noexcept {
  if (node.recording()) submit_recorded<kFieldBytes>(node);
}

// A guard's end that leaves the hot path: a span that shares trace state or baggage.
void end_sharing_span(ContextNode& node) noexcept;

// init_span, then makes the node current (init_span set its `prev`).
template <class T>
[[gnu::always_inline]] inline void start_span(ContextNode& node, const Callsite& callsite, T& tracer,
                                              std::uint32_t entries_capacity,
                                              Reference reference = Reference::kChildOf) noexcept {
  init_span(node, callsite, tracer, entries_capacity, reference);
  detail::tls_current = &node;
}

// What a span guard's destructor does: the node's end, in place of its destructor.
// kFieldBytes, kFilledBytes: as submit_recorded's.
template <std::uint32_t kFieldBytes = 0, std::uint32_t kFilledBytes = kFieldBytes>
[[gnu::always_inline]] inline void end_span(ContextNode& node) noexcept {
  detail::pop(&node);
  if (node.ends_quietly()) return;
  if (node.records_plainly()) [[likely]]
    submit_recorded<kFieldBytes, kFilledBytes>(node);
  else
    end_sharing_span(node);
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
