// checksum_plain.cc with debug and verbose spans only: a build whose ZSPAN_MAX_LEVEL is
// info must compile it to the same machine code.
#include "zspan/instrument/zspan.hpp"

namespace {
int side_effects = 0;
}  // namespace

extern "C" int checksum(const int* data, int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) {
    TRACE_SCOPE_DEBUG("debug detail");
    TRACE_SCOPE_VERBOSE("verbose detail");
    sum += data[i] * 3 + (sum >> 2);
  }
  return sum + side_effects;
}
