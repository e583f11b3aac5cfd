// Tracer: one per service (component). Decides which traces to keep (its Sampler) and
// where their spans go (its Exporter), both chosen at compile time:
//
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter> frontend{"frontend"};
//   TRACE_SCOPE_WITH(frontend, "handle_request");
//
// Several tracers live in one process; a span of one can parent a span of another, as a
// request crosses components. Spans started with plain TRACE_SCOPE belong to the tracer
// of their parent, or to the default tracer (set_default_tracer) when they are roots.
//
// An Exporter is any type with
//   void export_span(const SpanView&);   // on the collector thread, never on the hot path
// and optionally `void flush();`, called after each batch the collector hands it.
// A tracer must outlive the spans it starts; its destructor flushes what they recorded.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "trace/collector.hpp"
#include "trace/diagnostics.hpp"
#include "trace/sampler.hpp"
#include "trace/span_view.hpp"

namespace zspan {

template <class E>
concept Exporter = requires(E& e, const SpanView& span) { e.export_span(span); };

// What every tracer shares, whatever its policies: what a span needs to find its tracer
// at run time (the default tracer, a parent's tracer).
class TracerBase {
 public:
  TracerBase(const TracerBase&) = delete;
  TracerBase& operator=(const TracerBase&) = delete;

  std::string_view service() const noexcept { return service_; }
  std::uint16_t slot() const noexcept { return slot_; }
  // Decision for a new local root, through the tracer's own sampler.
  bool sample_root(const SamplingInput& in) noexcept { return sample_root_(this, in); }

 protected:
  using SampleRootFn = bool (*)(TracerBase*, const SamplingInput&) noexcept;
  TracerBase(std::string_view service, SampleRootFn sample_root) : service_(service), sample_root_(sample_root) {}
  ~TracerBase() = default;

  std::string service_;
  std::uint16_t slot_ = detail::kNoSinkSlot;
  SampleRootFn sample_root_;
};

// The tracer of root spans started without one. None by default: tracing is off until a
// program (or, later, its OTEL_* configuration) names one.
void set_default_tracer(TracerBase* tracer) noexcept;
TracerBase* default_tracer() noexcept;

template <Sampler SamplerT, Exporter ExporterT>
class Tracer final : public TracerBase {
 public:
  // The exporter is made in place from `exporter_args`: exporters own threads, sockets
  // and locks, and need not be movable.
  template <class... ExporterArgs>
  explicit Tracer(std::string_view service, SamplerT sampler = {}, ExporterArgs&&... exporter_args)
      : TracerBase(service, &sample_root_thunk),
        sampler_(std::move(sampler)),
        exporter_(std::forward<ExporterArgs>(exporter_args)...) {
#if !defined(ZSPAN_DISABLED)  // compiled out: no sink, so the exporter's code is not linked
    slot_ = detail::register_sink(service_, SpanSink{&exporter_, &export_thunk, flush_thunk()});
    if (slot_ == detail::kNoSinkSlot) registry_full_.emit("{}", service_);
#endif
  }
  ~Tracer() {
#if !defined(ZSPAN_DISABLED)
    if (default_tracer() == this) set_default_tracer(nullptr);
    zspan::flush(kFlushOnDestruction);
    detail::unregister_sink(slot_);
#endif
  }

  SamplerT& sampler() noexcept { return sampler_; }
  ExporterT& exporter() noexcept { return exporter_; }

  // Hot path: the sampler is called directly, without going through TracerBase.
  bool should_sample(const SamplingInput& in) noexcept {
    return slot_ != detail::kNoSinkSlot && sampler_.should_sample(in);
  }

 private:
  static constexpr std::chrono::milliseconds kFlushOnDestruction{2000};

  static bool sample_root_thunk(TracerBase* self, const SamplingInput& in) noexcept {
    return static_cast<Tracer*>(self)->should_sample(in);
  }
  static void export_thunk(void* exporter, const SpanView& span) {
    static_cast<ExporterT*>(exporter)->export_span(span);
  }
  static constexpr auto flush_thunk() {
    if constexpr (requires(ExporterT& e) { e.flush(); })
      return +[](void* exporter) { static_cast<ExporterT*>(exporter)->flush(); };
    else
      return static_cast<void (*)(void*)>(nullptr);
  }

  SamplerT sampler_;
  ExporterT exporter_;
  static inline RateLimitedWarning registry_full_{"zspan: too many tracers; spans of this one are not recorded"};
};


}  // namespace zspan
