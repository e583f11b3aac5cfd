#include "trace/tracer.hpp"

#include <atomic>

namespace zspan {

static constinit std::atomic<TracerBase*> g_default_tracer{nullptr};

void set_default_tracer(TracerBase* tracer) noexcept { g_default_tracer.store(tracer, std::memory_order_release); }
TracerBase* default_tracer() noexcept { return g_default_tracer.load(std::memory_order_acquire); }

}  // namespace zspan
