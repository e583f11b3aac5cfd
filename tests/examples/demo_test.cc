// The demo as a new user runs it, with a few requests: it answers them all and exits; its
// waterfall shows the three services and the failed step; inventory's log line carries the
// baggage frontend set and the ids of its own span; the Chrome trace file parses, with one
// complete event per span and, for each request, the trace of demo_trace.hpp. A longer run
// prints a summary instead of waterfalls, and --help the flags.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/examples/demo_trace.hpp"

namespace zspan::testing {
namespace {

const char* g_demo = nullptr;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// One run of the demo: its exit status, its output and the Chrome file's events.
struct DemoOutput {
  int status = -1;
  std::string out;
  nlohmann::json events;

  DemoOutput(std::vector<std::string> args, const std::string& name) {
    const std::string dir = ::testing::TempDir();
    args.push_back("--chrome=" + dir + name + ".trace.json");
    status = run_demo(g_demo, args, {}, dir + name + ".out");
    out = read_file(dir + name + ".out");
    events = nlohmann::json::parse(read_file(dir + name + ".trace.json"), nullptr, false);
  }

  std::vector<nlohmann::json> spans() const {
    std::vector<nlohmann::json> spans;
    if (events.is_array())
      for (const nlohmann::json& e : events)
        if (e.value("ph", "") == "X") spans.push_back(e);
    return spans;
  }

  // The spans of each trace, by trace id.
  std::map<std::string, std::vector<Arrived>> traces() const {
    std::map<std::string, std::vector<Arrived>> traces;
    for (const nlohmann::json& s : spans()) {
      const nlohmann::json& args = s["args"];
      traces[args["trace_id"]].push_back(
          {s["cat"], s["name"], args["span_id"], args.value("parent_id", ""), args["trace_id"]});
    }
    return traces;
  }

  bool has_line(const std::regex& pattern) const {
    for (const std::string& line : lines_of(out))
      if (std::regex_search(line, pattern)) return true;
    return false;
  }
};

class Demo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { run_ = new DemoOutput({"--requests=3", "--concurrency=2"}, "three"); }
  static void TearDownTestSuite() { delete run_; }
  static const DemoOutput& run() { return *run_; }

 private:
  static inline DemoOutput* run_ = nullptr;
};

TEST_F(Demo, AnswersEveryRequestAndExits) {
  EXPECT_EQ(run().status, 0) << run().out;
  EXPECT_TRUE(run().has_line(std::regex(R"(^requests: 3 sent, 3 answered 2xx)"))) << run().out;
  EXPECT_TRUE(run().has_line(std::regex(R"(^spans: 33 recorded, 0 dropped$)"))) << run().out;
  EXPECT_TRUE(run().has_line(std::regex(R"(^exporter console: 33 spans exported, 0 dropped$)"))) << run().out;
  EXPECT_TRUE(run().has_line(std::regex(R"(^overhead: \d+ ns per span)"))) << run().out;
}

TEST_F(Demo, TheWaterfallShowsTheThreeServices) {
  EXPECT_TRUE(run().has_line(std::regex(R"(^GET /checkout +frontend )"))) << run().out;
  EXPECT_TRUE(run().has_line(std::regex(R"(⇢ POST /orders +orders )"))) << run().out;
  EXPECT_TRUE(run().has_line(std::regex(R"(⇢ GET /stock +inventory )"))) << run().out;
  EXPECT_TRUE(run().has_line(std::regex(R"(⤷ audit +orders )"))) << run().out;  // follows from the order
  EXPECT_TRUE(run().has_line(std::regex(R"(^trace [0-9a-f]{32} .* 11 spans · 3 services · 1 error)"))) << run().out;
}

TEST_F(Demo, TheFailedStepIsMarkedAndLogged) {
  EXPECT_TRUE(run().has_line(std::regex(R"(↳ SELECT +inventory +\S+ ✗)"))) << run().out;
  EXPECT_TRUE(run().has_line(std::regex(R"(✗ no such table: reservations)"))) << run().out;
  EXPECT_TRUE(run().has_line(std::regex(
      R"(^inventory ERROR reservations of item \d unknown: no such table: reservations trace_id=[0-9a-f]{32})")))
      << run().out;
  int failed = 0;
  for (const nlohmann::json& s : run().spans()) {
    if (s["args"].value("status", "") != "ERROR") continue;
    ++failed;
    EXPECT_EQ(s["cat"], "inventory");
    EXPECT_EQ(s["name"], "SELECT");
    EXPECT_EQ(s["args"]["db.query.text"], "SELECT SUM(quantity) FROM reservations WHERE item = ?");
    EXPECT_EQ(s["args"]["status_message"], "no such table: reservations");
  }
  EXPECT_EQ(failed, 3);
}

TEST_F(Demo, TheChromeFileHasOneEventPerSpanAndTheTraceOfEachRequest) {
  ASSERT_TRUE(run().events.is_array()) << "the Chrome file does not parse";
  EXPECT_EQ(run().spans().size(), 33u);
  const auto traces = run().traces();
  EXPECT_EQ(traces.size(), 3u);
  for (const auto& [id, spans] : traces) {
    SCOPED_TRACE(id);
    expect_the_demo_trace(spans);
  }
}

// Inventory's log line has the tenant frontend put in the baggage, two hops before, and the
// ids of the span it was written in: inventory's GET /stock of the same trace.
TEST_F(Demo, TheBaggageArrivesInInventorysLogLine) {
  const std::regex logged(R"(^inventory INFO  item \d: \d+ in stock for tenant acme trace_id=([0-9a-f]{32}) span_id=([0-9a-f]{16})$)");
  std::map<std::string, std::string> stock_span_of_trace;
  for (const auto& [id, spans] : run().traces())
    for (const Arrived& s : spans)
      if (s.service == "inventory" && s.name == "GET /stock") stock_span_of_trace[id] = s.id;
  int lines = 0;
  for (const std::string& line : lines_of(run().out)) {
    std::smatch ids;
    if (!std::regex_match(line, ids, logged)) continue;
    ++lines;
    EXPECT_EQ(stock_span_of_trace[ids[1]], ids[2]) << line;
  }
  EXPECT_EQ(lines, 3) << run().out;
}

TEST(DemoRun, ManyRequestsShowASummaryInsteadOfWaterfalls) {
  const DemoOutput run({"--requests=40", "--concurrency=4"}, "forty");
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_TRUE(run.has_line(std::regex(R"(^requests: 40 sent, 40 answered 2xx in [0-9.]+ s \(\d+ per second, 4 at a time\)$)")))
      << run.out;
  EXPECT_TRUE(run.has_line(std::regex(R"(^spans: 440 recorded, 0 dropped$)"))) << run.out;
  EXPECT_FALSE(run.has_line(std::regex(R"(^trace [0-9a-f]{32})"))) << run.out;
  EXPECT_FALSE(run.has_line(std::regex(R"(trace_id=)"))) << run.out;
  EXPECT_EQ(run.spans().size(), 440u);
  EXPECT_EQ(run.traces().size(), 40u);
}

TEST(DemoRun, HelpListsTheFlagsAndABadFlagIsRefused) {
  const std::string out = ::testing::TempDir() + "help.out";
  EXPECT_EQ(run_demo(g_demo, {"--help"}, {}, out), 0);
  const std::string help = read_file(out);
  for (const char* flag : {"--requests=N", "--concurrency=N", "--chrome=PATH", "--details", "OTEL_TRACES_EXPORTER"})
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  EXPECT_EQ(run_demo(g_demo, {"--requests=0"}, {}), 2);
  EXPECT_EQ(run_demo(g_demo, {"--bogus"}, {}), 2);
}

}  // namespace
}  // namespace zspan::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: demo_test PATH_TO_DEMO\n");
    return 2;
  }
  zspan::testing::g_demo = argv[1];
  return RUN_ALL_TESTS();
}
