#include "zspan/trace/tracer.hpp"

#include <atomic>

#include "zspan/trace/diagnostics.hpp"

namespace zspan {

static constinit std::atomic<TracerBase*> g_default_tracer{nullptr};

void set_default_tracer(TracerBase* tracer) noexcept { g_default_tracer.store(tracer, std::memory_order_release); }
TracerBase* default_tracer() noexcept { return g_default_tracer.load(std::memory_order_acquire); }

void detail::warn_too_many_tracers(std::string_view service) noexcept {
  static RateLimitedWarning warning("zspan: too many tracers; spans of this one are not recorded");
  warning.emit("{}", service);
}

}  // namespace zspan
