// Where the file exporters write: files and streams, writing over the end, and failing
// without damage.
#include "zspan/exporters/json/output_sink.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "tests/exporters/test_files.hpp"

namespace zspan {
namespace {

using testing::contents;
using testing::temp_path;

TEST(OutputSink, WritesOverTheEndOfAStream) {
  std::ostringstream out;
  out << "before ";  // what the stream held is kept: the sink counts from where it was given
  OutputSink sink(out);
  ASSERT_TRUE(sink.seekable());
  EXPECT_TRUE(sink.write("[\n]\n"));
  EXPECT_TRUE(sink.write("1\n]\n", 2));
  EXPECT_TRUE(sink.write(",\n2\n]\n", 3));
  EXPECT_EQ(out.str(), "before [\n1,\n2\n]\n");
}

TEST(OutputSink, WritesOverTheEndOfAFileItEmptied) {
  const std::string path = temp_path("sink_truncate.json");
  std::ofstream(path) << "old content, longer than what follows";
  OutputSink sink(path, OutputSink::Mode::kTruncate);
  ASSERT_TRUE(sink.seekable());
  EXPECT_TRUE(sink.write("[\n]\n"));
  EXPECT_EQ(contents(path), "[\n]\n");
  EXPECT_TRUE(sink.write("1\n]\n", 2));
  EXPECT_TRUE(sink.write(",\n2\n]\n", 3));
  EXPECT_EQ(contents(path), "[\n1,\n2\n]\n");
}

TEST(OutputSink, AppendsToAFile) {
  const std::string path = temp_path("sink_append.jsonl");
  std::ofstream(path) << "{\"line\":1}\n";
  OutputSink sink(path, OutputSink::Mode::kAppend);
  EXPECT_FALSE(sink.seekable()) << "appending never writes back";
  EXPECT_TRUE(sink.write("{\"line\":2}\n"));
  EXPECT_FALSE(sink.write("x", 1));
  EXPECT_EQ(contents(path), "{\"line\":1}\n{\"line\":2}\n");
}

TEST(OutputSink, ADeviceIsWrittenButNotSoughtIn) {
  OutputSink sink("/dev/null", OutputSink::Mode::kTruncate);
  EXPECT_FALSE(sink.seekable());
  EXPECT_TRUE(sink.write("[\n"));
}

TEST(OutputSink, APathThatCannotBeOpenedFailsEachWriteAndSaysWhy) {
  OutputSink sink("/nonexistent-directory/trace.json", OutputSink::Mode::kTruncate);
  EXPECT_FALSE(sink.write("[\n]\n"));
  EXPECT_EQ(sink.describe_error(), "/nonexistent-directory/trace.json: No such file or directory");
  EXPECT_FALSE(sink.write("[\n]\n"));
}

TEST(OutputSink, AFailedStreamFails) {
  std::ostringstream out;
  OutputSink sink(out);
  out.setstate(std::ios::badbit);
  EXPECT_FALSE(sink.write("x"));
  EXPECT_EQ(sink.describe_error(), "stream: Input/output error");
}

// A write over the end that fails part way (the file size limit standing in for a full
// disk) leaves the file as it was, and a later write goes on from there.
TEST(OutputSink, AWriteThatFailsPartWayLeavesTheFileAsItWas) {
  const std::string path = temp_path("sink_full.json");
  OutputSink sink(path, OutputSink::Mode::kTruncate);
  ASSERT_TRUE(sink.write("[\n1\n]\n"));

  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  rlimit small = old_limit;
  small.rlim_cur = 12;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const bool written = sink.write(",\n2222222222222222\n]\n", 3);
  const std::string error = sink.describe_error();
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old_limit), 0);
  std::signal(SIGXFSZ, old_handler);

  EXPECT_FALSE(written);
  EXPECT_EQ(error, path + ": File too large");
  EXPECT_EQ(contents(path), "[\n1\n]\n");
  EXPECT_TRUE(sink.write(",\n2\n]\n", 3));
  EXPECT_EQ(contents(path), "[\n1,\n2\n]\n");
}

TEST(OutputSink, AForkedChildStopsWritingTheParentsStream) {
  std::ostringstream out;
  OutputSink sink(out);
  sink.on_fork_child("");
  EXPECT_FALSE(sink.write("x"));
  EXPECT_EQ(out.str(), "");
  EXPECT_NE(sink.describe_error().find("fork"), std::string::npos);
}

TEST(OutputSink, AForkedChildWritesItsOwnFileOrAppendsToTheSameOne) {
  const std::string parent_path = temp_path("sink_parent.json"), child_path = temp_path("sink_child.json");
  OutputSink truncating(parent_path, OutputSink::Mode::kTruncate);
  ASSERT_TRUE(truncating.write("parent"));
  truncating.on_fork_child(child_path);
  EXPECT_TRUE(truncating.write("child"));
  EXPECT_EQ(contents(parent_path), "parent");
  EXPECT_EQ(contents(child_path), "child");

  const std::string log_path = temp_path("sink_shared.jsonl");
  OutputSink appending(log_path, OutputSink::Mode::kAppend);
  ASSERT_TRUE(appending.write("parent\n"));
  appending.on_fork_child(child_path);
  EXPECT_TRUE(appending.write("child\n"));
  EXPECT_EQ(contents(log_path), "parent\nchild\n");
}

}  // namespace
}  // namespace zspan
