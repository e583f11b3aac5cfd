// When ConsoleExporter prints a trace: spans spread over batches in any order, a trace
// completed by its root, traces printed at flush, late spans, the memory bound, fork,
// files; and the whole path from TRACE_SCOPE through a real tracer.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "zspan/exporters/console/console_exporter.hpp"
#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/golden/golden_trace.hpp"

namespace zspan {
namespace {

using testing::GoldenTrace;
using namespace std::chrono_literals;

// An exporter writing to a temporary file, without colors, 80 columns wide.
class Console {
 public:
  explicit Console(ConsoleOptions options = {}) : file_(std::tmpfile()) {
    options.color = ConsoleOptions::Color::kNever;
    options.width = 80;
    exporter_.emplace(options, file_);
  }
  ~Console() { std::fclose(file_); }

  ConsoleExporter& exporter() { return *exporter_; }
  void send(std::span<const BatchedSpan> spans) { exporter_->export_batch(SpanBatch(spans, GoldenTrace::get().clock())); }
  // What was printed since the last call.
  std::string printed() {
    std::string text;
    std::fseek(file_, static_cast<long>(read_), SEEK_SET);
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof(buffer), file_)) > 0;) text.append(buffer, n);
    read_ += text.size();
    std::fseek(file_, 0, SEEK_END);
    return text;
  }

 private:
  std::FILE* file_;
  std::optional<ConsoleExporter> exporter_;
  std::size_t read_ = 0;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The golden trace's spans, to send in any grouping.
std::vector<BatchedSpan> golden_spans() {
  static const auto batch = GoldenTrace::get().batch();
  std::vector<BatchedSpan> spans;
  for (const SpanView& span : *batch) spans.push_back({&span.record(), span.service()});
  return spans;
}

std::string golden_in_one_batch() {
  Console console;
  console.send(golden_spans());
  return console.printed();
}

enum Golden { kRoot, kAuthenticate, kSelect, kSendEmail, kHandle, kOdd, kDispatch };

TEST(ConsoleAssembly, ATraceSpreadOverBatchesPrintsOnceItsRootArrives) {
  const std::vector<BatchedSpan> spans = golden_spans();
  Console console;
  console.send(std::array{spans[kAuthenticate], spans[kSelect]});
  EXPECT_EQ(console.printed(), "") << "children wait for their parent";
  console.send(std::array{spans[kOdd], spans[kDispatch], spans[kHandle], spans[kSendEmail]});
  EXPECT_EQ(console.printed(), "") << "a remote-parent span is a root, but its trace still waits for GET /users";
  console.send(std::array{spans[kRoot]});
  EXPECT_EQ(console.printed(), golden_in_one_batch());
}

TEST(ConsoleAssembly, AnyOrderPrintsTheSameTraceWithinTheGracePeriod) {
  std::vector<BatchedSpan> spans = golden_spans();
  const std::string expected = golden_in_one_batch();
  std::vector<std::size_t> order(spans.size());
  std::iota(order.begin(), order.end(), 0);
  ConsoleOptions options;
  options.grace = 1h;
  do {
    Console console(options);
    for (std::size_t i : order) console.send(std::span(&spans[i], 1));
    ASSERT_EQ(console.printed(), "");
    console.exporter().flush(1s);
    ASSERT_EQ(console.printed(), expected);
  } while (std::next_permutation(order.begin(), order.end()));
}

constexpr Callsite callsite(std::string_view name) { return {name, "test", "console_assembly_test.cc", 1, Level::kInfo}; }
constexpr Callsite kRequest = callsite("request");
constexpr Callsite kQuery = callsite("query");
constexpr Callsite kNotify = callsite("notify");

// A span without fields; `start` and `end` in nanoseconds after GoldenTrace::kStartUnixNanos.
detail::SpanRecord span(const Callsite& site, TraceId trace, std::uint64_t id, std::uint64_t parent, std::uint64_t start,
                std::uint64_t end, std::uint8_t flags = 0) {
  detail::SpanRecord record{};
  record.size_bytes = sizeof(detail::SpanRecord);
  record.flags = static_cast<std::uint8_t>(detail::SpanRecord::kSampled | flags);
  record.callsite = &site;
  record.trace_id = trace;
  record.span_id = SpanId{id};
  record.parent_id = SpanId{parent};
  record.start_ticks = start;
  record.end_ticks = end;
  return record;
}

constexpr TraceId kTrace{0x1, 0x2};

TEST(ConsoleAssembly, FlushPrintsWhatWaitsForAParentAsIncomplete) {
  const detail::SpanRecord query = span(kQuery, kTrace, 0x22, 0x11, 1'000, 3'000);
  Console console;
  console.send(std::array{BatchedSpan{&query, "db"}});
  EXPECT_EQ(console.printed(), "");
  console.exporter().flush(1s);
  EXPECT_EQ(console.printed(), R"txt(trace 00000000000000010000000000000002
(incomplete) · 2.00µs · 1 span · 1 service
                     0                         1.00µs                     2.00µs
↳ query db  2.00µs   ███████████████████████████████████████████████████████████

)txt");
}

TEST(ConsoleAssembly, SpansAfterTheirTraceWasPrintedContinueItOnTheSameAxis) {
  const detail::SpanRecord request = span(kRequest, kTrace, 0x11, 0, 0, 4'000);
  const detail::SpanRecord notify = span(kNotify, kTrace, 0x33, 0x11, 3'000, 8'000, detail::SpanRecord::kFollowsFrom);
  Console console;
  console.send(std::array{BatchedSpan{&request, "api"}});
  EXPECT_NE(console.printed(), "") << "complete: printed in the call";
  console.send(std::array{BatchedSpan{&notify, "api"}});
  EXPECT_EQ(console.printed(), R"txt(trace 00000000000000010000000000000002 (continued) · 8.00µs · 1 span · 1 service
                       0                        4.00µs                    8.00µs
⤷ notify api  5.00µs                        ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░

)txt") << "the axis starts where the trace did";
}

TEST(ConsoleAssembly, AHostileNameStaysOnItsRow) {
  static const std::string name = "\x1b[2J\x1b]0;title\x07" + std::string(200, 'x') + "\n";
  static const Callsite hostile{name, "test", "console_assembly_test.cc", 1, Level::kInfo};
  const detail::SpanRecord record = span(hostile, kTrace, 0x11, 0, 0, 1'000, detail::SpanRecord::kError);
  Console console;
  console.send(std::array{BatchedSpan{&record, "svc\x1b[0m"}});
  const std::vector<std::string> lines = lines_of(console.printed());
  ASSERT_EQ(lines.size(), 4u) << "header, axis, the row, a blank line";
  EXPECT_EQ(lines[2], "\\x1b[2J\\x1b]0;title\\x07xxxxxxxxxxxxxxxxxxxxxxxx… svc\\x1b[0m  1.00µs ✗ ██████████");
}

TEST(ConsoleAssembly, BeyondTheBoundTheOldestTracePrintsEarly) {
  const std::array traces{TraceId{0, 1}, TraceId{0, 2}, TraceId{0, 3}};
  std::vector<detail::SpanRecord> queries;
  for (const TraceId& trace : traces) queries.push_back(span(kQuery, trace, 0x22, 0x11, 0, 1'000));
  ConsoleOptions options;
  options.max_buffered_spans = 2;
  Console console(options);
  console.send(std::array{BatchedSpan{&queries[0], "db"}, BatchedSpan{&queries[1], "db"}});
  EXPECT_EQ(console.printed(), "");
  console.send(std::array{BatchedSpan{&queries[2], "db"}});
  const std::string early = console.printed();
  EXPECT_TRUE(early.starts_with("trace 00000000000000000000000000000001\n(incomplete: buffer full) · ")) << early;
  EXPECT_EQ(early.find("trace 00000000000000000000000000000002"), std::string::npos);
  console.exporter().flush(1s);
  const std::string rest = console.printed();
  EXPECT_TRUE(rest.starts_with("trace 00000000000000000000000000000002\n(incomplete) · ")) << rest;
  EXPECT_NE(rest.find("trace 00000000000000000000000000000003\n(incomplete) · "), std::string::npos) << rest;
}

TEST(ConsoleAssembly, AForkedChildForgetsItsParentsTraces) {
  const detail::SpanRecord query = span(kQuery, kTrace, 0x22, 0x11, 0, 1'000);
  Console console;
  console.send(std::array{BatchedSpan{&query, "db"}});
  console.exporter().on_fork_child();
  console.exporter().flush(1s);
  EXPECT_EQ(console.printed(), "");
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::filesystem::path temp_path(std::string_view name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::filesystem::path(dir ? dir : "/tmp") / name;
}

TEST(ConsoleAssembly, WritesAFileAndClosesItAtShutdown) {
  const auto path = temp_path("console.txt");
  ConsoleOptions options;
  options.width = 80;
  ConsoleExporter exporter(options, path.string());
  exporter.export_batch(*GoldenTrace::get().batch());
  exporter.shutdown(1s);
  EXPECT_EQ(read_file(path), golden_in_one_batch()) << "a file gets no colors on kAuto";
}

TEST(ConsoleAssembly, AFileThatCannotBeOpenedOrWrittenIsOneLineOnStderr) {
  ::testing::internal::CaptureStderr();
  ConsoleExporter unopened(ConsoleOptions{}, (temp_path("no such directory") / "console.txt").string());
  EXPECT_EQ(unopened.export_batch(*GoldenTrace::get().batch()).code, ExportResult::Code::kSuccess);
  std::FILE* read_only = std::fopen("/dev/null", "r");
  ConsoleExporter unwritable(ConsoleOptions{}, read_only);
  unwritable.export_batch(*GoldenTrace::get().batch());
  unwritable.flush(1s);
  const std::string stderr_text = ::testing::internal::GetCapturedStderr();
  std::fclose(read_only);
  EXPECT_NE(stderr_text.find("zspan: the console exporter could not open its file"), std::string::npos) << stderr_text;
  EXPECT_NE(stderr_text.find("zspan: the console exporter could not write its output"), std::string::npos) << stderr_text;
}

TEST(ConsoleAssembly, ATracersSpansPrintAsAWaterfall) {
  const auto path = temp_path("tracer.txt");
  {
    ConsoleOptions options;
    options.width = 80;
    Tracer<AlwaysOnSampler, ConsoleExporter> tracer{"checkout", {}, options, path.string()};
    {
      TRACE_SCOPE_WITH(tracer, "handle order");
      { TRACE_SCOPE("reserve stock"); }
      TRACE_SCOPE_FOLLOWS_FROM("send receipt");
    }
    ASSERT_TRUE(tracer.flush());
    const std::vector<std::string> lines = lines_of(read_file(path));
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_TRUE(lines[0].starts_with("trace ") && lines[0].ends_with(" · 3 spans · 1 service")) << lines[0];
    EXPECT_TRUE(lines[2].starts_with("handle order      checkout ")) << lines[2];
    EXPECT_TRUE(lines[3].starts_with("  ↳ reserve stock checkout ")) << lines[3];
    EXPECT_TRUE(lines[4].starts_with("  ⤷ send receipt  checkout ")) << lines[4];
  }
}

}  // namespace
}  // namespace zspan
