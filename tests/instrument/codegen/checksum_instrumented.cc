// The same function as checksum_plain.cc, instrumented. Built with tracing compiled out
// (or its spans above ZSPAN_MAX_LEVEL) it must compile to the same machine code.
#include "zspan/exporters/memory/memory_exporter.hpp"
#include "zspan/instrument/zspan.hpp"

namespace {
zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter> tracer{"codegen"};
int side_effects = 0;
}  // namespace

extern "C" int checksum(const int* data, int n) {
  TRACE_FUNCTION();
  int sum = 0;
  for (int i = 0; i < n; ++i) {
    TRACE_SCOPE_WITH(tracer, "element");
    TRACE_SCOPE_DEBUG("debug detail");
    TRACE_SCOPE_VERBOSE("verbose detail");
    TRACE_SCOPE_FOLLOWS_FROM("follows");
    sum += data[i] * 3 + (sum >> 2);
  }
  return sum + side_effects;
}
