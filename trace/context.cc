#include "trace/context.hpp"

#include <atomic>

namespace zspan::detail {

constinit thread_local ContextNode* tls_current = nullptr;

namespace {
constinit std::atomic<std::uint64_t> g_out_of_order_ends{0};
}

void unlink_out_of_order(ContextNode* node) noexcept {
  g_out_of_order_ends.fetch_add(1, std::memory_order_relaxed);
  for (ContextNode* n = tls_current; n; n = n->prev) {
    if (n->prev == node) {
      n->prev = node->prev;
      return;
    }
  }
}

std::uint64_t out_of_order_ends() noexcept { return g_out_of_order_ends.load(std::memory_order_relaxed); }

}  // namespace zspan::detail
