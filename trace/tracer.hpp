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
// The exporter is any type of trace/export/exporter.hpp's contract, made in place from the
// constructor's trailing arguments with its queue set by the OTEL_BSP_* variables; or a
// SharedExporter (one exporter for several tracers, trace/export/pipeline.hpp); or a set of
// exporters: a Fanout<E...> (trace/export/fanout.hpp), or the ConfiguredExporter that
// zspan::configure_from_env() chose at start-up (configure/configure.hpp).
//
// A tracer must outlive the spans it starts. Its destructor exports what they recorded,
// waiting at most the exporter's export timeout (OTEL_BSP_EXPORT_TIMEOUT, 30 s by
// default), and shuts its exporter down unless another tracer shares it.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "zspan/trace/collector.hpp"
#include "zspan/trace/export/fanout.hpp"
#include "zspan/trace/export/pipeline.hpp"
#include "zspan/trace/sampler.hpp"

namespace zspan {

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
  // From now on the tracer samples nothing (a fork()ed child told to record nothing).
  void stop_recording() noexcept { slot_ = detail::kNoSinkSlot; }

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

namespace detail {

// "zspan: too many tracers; spans of this one are not recorded" (rate-limited, on stderr).
void warn_too_many_tracers(std::string_view service) noexcept;

// How a tracer holds its exporter policy: a single exporter behind a SharedExporter, or a
// Fanout of several.
template <class E>
struct ExportPolicy {
  using Storage = SharedExporter<E>;
  static E& get(Storage& s) noexcept { return *s; }
  static std::vector<std::shared_ptr<Pipeline>> pipelines(const Storage& s) { return {s.pipeline()}; }
  template <class... Args>
  static Storage make(std::string_view service, Args&&... args) {
    if constexpr (sizeof...(Args) == 1 && (std::same_as<std::remove_cvref_t<Args>, Storage> && ...))
      return (args, ...);
    else
      return Storage::make(service, ExportOptions::from_env(), std::forward<Args>(args)...);
  }
};
// A set of exporters that already own their pipelines (Fanout, ConfiguredExporter): made
// by its own for_tracer(service) when the tracer is given nothing, else from the arguments.
template <class E>
concept ExporterSet = requires(const E& e, std::string_view service) {
  { e.pipelines() } -> std::same_as<std::vector<std::shared_ptr<Pipeline>>>;
  { E::for_tracer(service) } -> std::same_as<E>;
};

template <ExporterSet E>
struct ExportPolicy<E> {
  using Storage = E;
  static Storage& get(Storage& s) noexcept { return s; }
  static std::vector<std::shared_ptr<Pipeline>> pipelines(const Storage& s) { return s.pipelines(); }
  template <class... Args>
  static Storage make(std::string_view service, Args&&... args) {
    if constexpr (sizeof...(Args) == 0)
      return E::for_tracer(service);
    else
      return Storage(std::forward<Args>(args)...);
  }
};

template <class E>
concept ExporterPolicy = Exporter<E> || ExporterSet<E>;

}  // namespace detail

template <Sampler SamplerT, detail::ExporterPolicy ExporterT>
class Tracer final : public TracerBase {
 public:
  using sampler_type = SamplerT;

  template <class... ExporterArgs>
  explicit Tracer(std::string_view service, SamplerT sampler = {}, ExporterArgs&&... exporter_args)
      : TracerBase(service, &sample_root_thunk),
        sampler_(std::move(sampler)),
#if defined(ZSPAN_DISABLED)  // compiled out: no pipeline, so the exporter's code is not linked
        exporter_(std::forward<ExporterArgs>(exporter_args)...) {
  }
#else
        exporter_(Policy::make(service, std::forward<ExporterArgs>(exporter_args)...)) {
    auto pipelines = Policy::pipelines(exporter_);
    if (pipelines.empty()) return;  // an empty ConfiguredExporter: this tracer records nothing
    slot_ = detail::register_sink(service_, this, std::move(pipelines));
    if (slot_ == detail::kNoSinkSlot) detail::warn_too_many_tracers(service_);
  }
#endif
  ~Tracer() {
#if !defined(ZSPAN_DISABLED)
    if (default_tracer() == this) set_default_tracer(nullptr);
    detail::unregister_sink(slot_);  // what the spans recorded is now in the exporters' queues
    flush(max_export_timeout());
#endif
  }

  SamplerT& sampler() noexcept { return sampler_; }
#if defined(ZSPAN_DISABLED)
  ExporterT& exporter() noexcept { return exporter_; }
#else
  auto& exporter() noexcept { return Policy::get(exporter_); }

  // Exports what this tracer's spans recorded before the call; false if `timeout` came
  // first. Other tracers' exporters are not waited for.
  bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(5)) noexcept {
    try {
      return detail::flush_pipelines(Policy::pipelines(exporter_), std::chrono::steady_clock::now() + timeout);
    } catch (...) {
      return false;
    }
  }
#endif

  // Hot path: the sampler is called directly, without going through TracerBase. It is
  // asked first: a sampled-out root then asks nothing more (a tracer without a slot
  // records nothing whatever its sampler says).
  bool should_sample(const SamplingInput& in) noexcept {
    return sampler_.should_sample(in) && slot_ != detail::kNoSinkSlot;
  }

 private:
  using Policy = detail::ExportPolicy<ExporterT>;

  std::chrono::milliseconds max_export_timeout() const {
    std::chrono::milliseconds t{0};
    for (const auto& p : Policy::pipelines(exporter_)) t = std::max(t, p->options().export_timeout);
    return t;
  }

  static bool sample_root_thunk(TracerBase* self, const SamplingInput& in) noexcept {
    return static_cast<Tracer*>(self)->should_sample(in);
  }

  SamplerT sampler_;
#if defined(ZSPAN_DISABLED)
  ExporterT exporter_;
#else
  typename Policy::Storage exporter_;
#endif
};

}  // namespace zspan
