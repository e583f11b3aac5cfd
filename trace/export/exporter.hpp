// The exporter contract: what a type must do to receive zspan's finished spans, and what
// zspan promises it in return. This header is the exporter author's guide.
//
// An exporter is any class with one member function:
//
//   zspan::ExportResult export_batch(const zspan::SpanBatch& batch);
//
// and, if it needs them, any of:
//
//   bool flush(std::chrono::milliseconds timeout);     // send what you buffered; true if done in time
//   void shutdown(std::chrono::milliseconds timeout);  // the last call: close files and connections
//   void on_fork_child();                              // in a fork()ed child, before zspan's next call
//
//   class StdoutExporter {
//    public:
//     zspan::ExportResult export_batch(const zspan::SpanBatch& batch) {
//       for (const zspan::SpanView& span : batch) std::printf("%.*s\n", int(span.name().size()), span.name().data());
//       return zspan::ExportResult::success();
//     }
//   };
//   zspan::Tracer<zspan::AlwaysOnSampler, StdoutExporter> tracer{"checkout"};
//
// How zspan calls an exporter (the rules it may rely on):
//  - On a worker thread of its own (trace/export/pipeline.hpp): never on a thread that
//    records spans, never on the collector thread that drains them. A slow exporter delays
//    its own spans only: other exporters, the drain and the hot path go on.
//  - Never concurrently: one call at a time, export_batch... flush... shutdown, and nothing
//    after shutdown. The exporter needs no lock for state only these calls touch.
//  - A batch holds 1 to ExportOptions::max_export_batch_size spans. The batch and the
//    SpanViews in it are valid during the call only: copy what must outlive it
//    (zspan::SpanData is an owning copy). trace/export/otel.hpp maps a span to the
//    OpenTelemetry model (kind, status, attributes, events, links, resource) for every
//    exporter, so none decodes fields by hand.
//  - The result says what became of the batch:
//      success()          every span is delivered;
//      partial(n)         delivered, but the backend refused n spans (counted as rejected);
//      retryable(hint)    not delivered, may be later (a backend down, busy, timing out): the
//                         batch stays at the head of the queue and is offered again after a
//                         backoff (at least `hint`), while new spans queue behind it until the
//                         queue is full; what the queue cannot take is dropped and counted;
//      permanent()        not delivered, never will be (a malformed request): dropped, counted.
//    An exporter that retries on its own (as OTLP's does) returns retryable() only once its
//    own time is up.
//  - An exception thrown out of any call is caught: the batch is dropped and counted as
//    failed, one rate-limited line goes to stderr. Nothing reaches the program.
//  - A call that never returns is abandoned when flush or shutdown time out: zspan stops
//    waiting, counts the spans still queued as dropped at shutdown, and leaves the exporter
//    (and its thread) alive until the call returns; it is never destroyed under a call.
//  - After fork(), the child gets a fresh worker and an empty queue (the parent exports
//    what it had); on_fork_child() lets the exporter reopen what cannot be shared with the
//    parent (a connection) or reset locks a parent thread held. It runs on the child's
//    worker, before zspan calls the exporter again: what the program itself reads from
//    the exporter in the child needs its own pthread_atfork (as MemoryExporter has).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>

#include "zspan/trace/export/span_view.hpp"

namespace zspan {

struct ExportResult {
  enum class Code : std::uint8_t { kSuccess, kRetryable, kPermanent };

  Code code = Code::kSuccess;
  std::uint32_t rejected = 0;                  // with kSuccess: spans the backend refused
  std::chrono::milliseconds retry_after{0};    // with kRetryable: the backend's hint, if any

  static constexpr ExportResult success() noexcept { return {}; }
  static constexpr ExportResult partial(std::uint32_t rejected_spans) noexcept {
    return {Code::kSuccess, rejected_spans, {}};
  }
  static constexpr ExportResult retryable(std::chrono::milliseconds hint = {}) noexcept {
    return {Code::kRetryable, 0, hint};
  }
  static constexpr ExportResult permanent() noexcept { return {Code::kPermanent, 0, {}}; }
};

// One finished span as a batch holds it: its record and the name of its tracer's service.
struct BatchedSpan {
  const detail::SpanRecord* record;
  std::string_view service;
};

// The spans of one export_batch call: `for (const SpanView& span : batch)`, or by index.
// Valid during the call only.
class SpanBatch {
 public:
  // `anchor` converts the records' clock readings (tests pass a fixed one).
  explicit SpanBatch(std::span<const BatchedSpan> spans,
                     const ClockAnchor& anchor = ClockAnchor::instance()) noexcept
      : spans_(spans), anchor_(&anchor) {}
  SpanBatch(const SpanBatch&) = delete;
  SpanBatch& operator=(const SpanBatch&) = delete;

  std::size_t size() const noexcept { return spans_.size(); }
  bool empty() const noexcept { return spans_.empty(); }
  SpanView operator[](std::size_t i) const noexcept {
    return SpanView(*spans_[i].record, spans_[i].service, *anchor_);
  }

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = SpanView;
    using difference_type = std::ptrdiff_t;
    Iterator(const SpanBatch* batch, std::size_t i) noexcept : batch_(batch), i_(i) {}
    SpanView operator*() const noexcept { return (*batch_)[i_]; }
    Iterator& operator++() noexcept { return ++i_, *this; }
    bool operator==(const Iterator& other) const noexcept { return i_ == other.i_; }

   private:
    const SpanBatch* batch_;
    std::size_t i_;
  };
  Iterator begin() const noexcept { return {this, 0}; }
  Iterator end() const noexcept { return {this, spans_.size()}; }

 private:
  std::span<const BatchedSpan> spans_;
  const ClockAnchor* anchor_;
};

template <class E>
concept Exporter = requires(E& e, const SpanBatch& batch) {
  { e.export_batch(batch) } -> std::same_as<ExportResult>;
};

// The batch-processor settings of one exporter's queue, with OpenTelemetry's names and
// defaults (SDK environment variables, "Batch Span Processor").
struct ExportOptions {
  std::size_t max_queue_size = 2048;                   // OTEL_BSP_MAX_QUEUE_SIZE: spans waiting
  std::chrono::milliseconds schedule_delay{5000};      // OTEL_BSP_SCHEDULE_DELAY: longest wait to export
  std::size_t max_export_batch_size = 512;             // OTEL_BSP_MAX_EXPORT_BATCH_SIZE
  std::chrono::milliseconds export_timeout{30000};     // OTEL_BSP_EXPORT_TIMEOUT: longest flush or shutdown

  // The defaults above, overridden by the OTEL_BSP_* variables that are set. A bad value
  // (not a whole number, zero, a batch larger than the queue) prints one line naming the
  // variable and what is used instead.
  static ExportOptions from_env() noexcept;
};

}  // namespace zspan
