#include "zspan/trace/internal/recording.hpp"

namespace zspan::detail {

void submit_recorded(ContextNode& node) noexcept {
  stamp_ticks(node.record.end_ticks);
  submit(node.record);
}

void end_out_of_line(ContextNode& node) noexcept {
  finish_span(node);
  if (node.shares()) node.stop_sharing();
}

}  // namespace zspan::detail
