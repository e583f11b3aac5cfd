// OTEL_SDK_DISABLED=true: configure_from_env() makes nothing: no tracer, no exporter, no
// thread, no socket; spans cost only their sampled-out path. A binary of its own, so that
// no other test has started the collector's thread before.
#include <dirent.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "zspan/configure/configure.hpp"
#include "zspan/instrument/zspan.hpp"

namespace zspan {
namespace {

std::size_t threads_of_this_process() {
  std::size_t n = 0;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (const dirent* e = ::readdir(dir)) n += e->d_name[0] != '.';
    ::closedir(dir);
  }
  return n;
}

TEST(ConfigureDisabled, MakesNothing) {
  ::setenv("OTEL_SDK_DISABLED", "TRUE", 1);
  ::setenv("OTEL_TRACES_EXPORTER", "otlp,console", 1);
  const std::size_t threads = threads_of_this_process();
  EXPECT_TRUE(configure_from_env());
  EXPECT_EQ(configured_tracer(), nullptr);
  EXPECT_EQ(default_tracer(), nullptr);
  EXPECT_TRUE(ConfiguredExporter::for_tracer("any").pipelines().empty());
  { TRACE_SCOPE("not traced"); }
  ConfiguredTracer declared_anyway{"declared"};
  { TRACE_SCOPE_WITH(declared_anyway, "not traced either"); }
  EXPECT_EQ(stats().spans_recorded, 0u);
  EXPECT_EQ(threads_of_this_process(), threads);
}

}  // namespace
}  // namespace zspan
