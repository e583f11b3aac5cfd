// run_forked: runs a test's code in a fork()ed child and says how it ended.
//
//   EXPECT_EQ(zspan::testing::run_forked([&] { return tracer.flush() ? 0 : 1; }), 0);
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

namespace zspan::testing {

// Runs `child` in a fork()ed child that ends with exit(its result), as a program would.
// The child's result, or -1 if it did not end within `limit` (killed: a hang), or -2 if it
// ended otherwise (a signal).
template <class Child>
int run_forked(Child&& child, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const pid_t pid = fork();
  if (pid == 0) std::exit(child());
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() - start > limit) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
}

}  // namespace zspan::testing
