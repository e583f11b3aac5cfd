// The CPU time of the calling thread, for rows that time threads of their own (manual time):
// what those threads spent, whatever else the machine ran meanwhile.
#pragma once

#include <ctime>

namespace zspan_bench {

inline double thread_cpu_seconds() noexcept {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace zspan_bench
