#include "zspan/trace/internal/recording.hpp"

namespace zspan::detail {

namespace {
// Inlined into both: a guard's out-of-line end makes one call, not two.
[[gnu::always_inline]] inline void stamp_and_submit(ContextNode& node) noexcept {
  stamp_ticks(node.record.end_ticks);
  submit(node.record);
}
}  // namespace

void submit_recorded(ContextNode& node) noexcept { stamp_and_submit(node); }

void end_out_of_line(ContextNode& node) noexcept {
  if (node.recording()) stamp_and_submit(node);
  if (node.shares()) node.stop_sharing();
}

}  // namespace zspan::detail
