// ThreadState: the thread-locals of the hot path, in one block. A span reads its
// thread's current context and buffer, and a root its id generator, at offsets from one
// thread-local address: a span loads that address once (where variables of their own
// would each need one, whose loads compilers seldom keep in registers).
#pragma once

#include <cstdint>

namespace zspan::detail {

struct ContextNode;
class ThreadBuffer;

struct ThreadState {
  ContextNode* current;    // the innermost active span, or nullptr (trace/context.hpp)
  ThreadBuffer* buffer;    // the thread's ring; never null (trace/collector.hpp)
  std::uint64_t id_state;  // the id generator's; 0 until the thread's first id (trace/ids.hpp)
};

extern constinit thread_local ThreadState tls_state;

}  // namespace zspan::detail
