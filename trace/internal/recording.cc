#include "zspan/trace/internal/recording.hpp"

namespace zspan::detail {

void end_sharing_span(ContextNode& node) noexcept {
  finish_span(node);
  node.stop_sharing();
}

}  // namespace zspan::detail
