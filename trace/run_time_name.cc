#include "zspan/trace/run_time_name.hpp"

#include <atomic>

#include "zspan/trace/diagnostics.hpp"

namespace zspan {
namespace {
constinit std::atomic<std::uint64_t> g_names_truncated{0};
constinit RateLimitedWarning g_empty_span_name("zspan: empty span name ignored (the span keeps its callsite's name)");
constinit RateLimitedWarning g_empty_tag_key("zspan: tag with an empty run-time key dropped (counted on its span)");
}  // namespace

std::uint64_t names_truncated() noexcept { return g_names_truncated.load(std::memory_order_relaxed); }

namespace detail {

void note_irregular_name(const RunTimeName& name, NameUse use) noexcept {
  if (name.text.empty()) {
    (use == NameUse::kSpanName ? g_empty_span_name : g_empty_tag_key).emit();
  } else if (name.text.size() != name.original_size) {
    g_names_truncated.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace detail
}  // namespace zspan
