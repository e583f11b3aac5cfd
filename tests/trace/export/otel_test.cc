// otel::Resource's process.pid (trace/export/otel.hpp) is this process's, and a fork()ed
// child's own in the child.
#include "zspan/trace/export/otel.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <type_traits>

namespace zspan {
namespace {

std::int64_t resource_pid() {
  std::int64_t pid = -1;
  otel::Resource::get().for_each_attribute("svc", [&](std::string_view key, const auto& value) {
    if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::int64_t>)
      if (key == "process.pid") pid = value;
  });
  return pid;
}

TEST(OtelResource, ProcessPidIsThisProcesssAlsoInAForkedChild) {
  EXPECT_EQ(resource_pid(), ::getpid());
  const pid_t child = fork();
  if (child == 0) std::_Exit(resource_pid() == ::getpid() ? 0 : 1);
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child saw its parent's pid";
  EXPECT_EQ(resource_pid(), ::getpid());
}

}  // namespace
}  // namespace zspan
