// The Chrome trace exporter, read as its specification: the golden trace exported, the
// file decoded with nlohmann::json (strict: it also rejects invalid UTF-8) and compared
// event by event with the golden SpanData and the OpenTelemetry mapping; a file valid after
// every batch and after a kill; arrows across batches; failures.
#include "zspan/exporters/chrome/chrome_trace_exporter.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <map>
#include <set>
#include <sstream>

#include "tests/exporters/chrome/chrome_trace_test_util.hpp"
#include "tests/exporters/golden/golden_json.hpp"
#include "tests/exporters/golden/golden_trace.hpp"

namespace zspan::testing {
namespace {

const GoldenTrace& golden() { return GoldenTrace::get(); }
const SpanData& expected(std::size_t i) { return golden().expected()[i]; }

// 1'700'000'000 s is 80'000 s after a UTC midnight.
constexpr std::uint64_t kOrigin = GoldenTrace::kStartUnixNanos - 80'000'000'000'000;

const json& golden_document() {
  static const json doc = [] {
    std::ostringstream out;
    ChromeTraceExporter exporter(out);
    EXPECT_EQ(exporter.export_batch(*golden().batch()).code, ExportResult::Code::kSuccess);
    return parse_document(out.str());
  }();
  return doc;
}

const json& span_event(std::size_t i) {
  static const std::vector<json> spans = events_of_phase(golden_document(), "X");
  EXPECT_EQ(spans.size(), GoldenTrace::kSpans);
  return spans.at(i);
}

TEST(ChromeTrace, TheProcessIsNamedWithTheTimeOrigin) {
  const auto process = metadata_named(golden_document(), "process_name");
  ASSERT_EQ(process.size(), 1u);
  EXPECT_EQ(process[0]["pid"], ::getpid());
  EXPECT_EQ(process[0]["args"]["name"], program_invocation_short_name);
  EXPECT_EQ(process[0]["args"]["zspan.time_origin_unix_nanos"].get<std::uint64_t>(), kOrigin);
}

TEST(ChromeTrace, EachSpanIsACompleteEventAtItsExactTime) {
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    const json& e = span_event(i);
    const SpanData& want = expected(i);
    EXPECT_EQ(e["name"], want.name);
    EXPECT_EQ(e["cat"], want.service);
    EXPECT_EQ(e["pid"], ::getpid());
    EXPECT_EQ(nanos(e["ts"]), static_cast<std::int64_t>(want.start_unix_nanos - kOrigin));
    EXPECT_EQ(nanos(e["dur"]), static_cast<std::int64_t>(want.end_unix_nanos - want.start_unix_nanos));
  }
  EXPECT_EQ(span_event(0)["ts"], 80'000'000'000) << "microseconds";
  EXPECT_EQ(span_event(0)["dur"], 5'000);
  EXPECT_EQ(span_event(1)["ts"], 80'000'000'100);
}

TEST(ChromeTrace, ArgsCarryTheAttributesUnderTheirOpenTelemetryNames) {
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    const json& args = span_event(i)["args"];
    for (const GoldenAttribute& a : golden_attributes(i)) {
      ASSERT_TRUE(args.contains(a.key)) << a.key;
      expect_json_value(args[a.key], a.tag->value, a.key);
    }
  }
  EXPECT_EQ(span_event(0)["args"]["http.response.status_code"], 200);
  EXPECT_FALSE(span_event(0)["args"].contains("span.kind"));
  EXPECT_EQ(span_event(1)["args"]["auth.token_bits"].get<std::uint64_t>(), 18'446'744'073'709'551'615u);
  EXPECT_EQ(span_event(1)["args"]["auth.weights"], json::array({0.5, -2.25}));
}

TEST(ChromeTrace, ArgsCarryIdsKindStatusAndWhatWasLost) {
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    const json& args = span_event(i)["args"];
    EXPECT_EQ(args["trace_id"], hex(expected(i).trace_id));
    EXPECT_EQ(args["span_id"], hex(expected(i).span_id));
    if (expected(i).parent_id.valid()) EXPECT_EQ(args["parent_id"], hex(expected(i).parent_id));
    else EXPECT_FALSE(args.contains("parent_id"));
    EXPECT_EQ(args.contains("parent_is_remote"), expected(i).remote_parent);
    EXPECT_EQ(args.contains("status"), expected(i).error);
    EXPECT_EQ(args.contains("dropped_attributes"), expected(i).dropped_fields > 0);
  }
  EXPECT_EQ(span_event(4)["args"]["parent_is_remote"], true);
  EXPECT_EQ(span_event(4)["args"]["parent_id"], hex(GoldenTrace::kRemoteParent));
  EXPECT_EQ(span_event(0)["args"]["kind"], "SERVER");
  EXPECT_FALSE(span_event(1)["args"].contains("kind")) << "INTERNAL is left out";
  EXPECT_EQ(span_event(2)["args"]["kind"], "CLIENT");
  EXPECT_EQ(span_event(3)["args"]["kind"], "PRODUCER");
  EXPECT_EQ(span_event(2)["args"]["status"], "ERROR");
  EXPECT_EQ(span_event(2)["args"]["status_message"], "upstream returned 503");
  EXPECT_EQ(span_event(2)["args"]["truncated"], json::array({"db.query.text"}));
  EXPECT_EQ(span_event(2)["args"]["db.query.text"].get<std::string>().size(), 128u);
  EXPECT_EQ(span_event(4)["args"]["dropped_attributes"], 3);
  EXPECT_EQ(span_event(4)["args"]["links"],
            json::array({{{"trace_id", hex(GoldenTrace::kOtherTraceId)},
                          {"span_id", hex(SpanId{0x5555555555555555})},
                          {"ref_type", "follows_from"}}}));
  EXPECT_EQ(span_event(3)["args"]["links"][0]["span_id"], hex(expected(0).span_id));
}

TEST(ChromeTrace, LogsAreInstantEventsOnTheirSpansTrack) {
  const auto instants = events_of_phase(golden_document(), "i");
  std::size_t next = 0;
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    for (const GoldenEvent& want : golden_events(i)) {
      SCOPED_TRACE(want.name);
      ASSERT_LT(next, instants.size());
      const json& e = instants[next++];
      EXPECT_EQ(e["name"], want.name);
      EXPECT_EQ(e["s"], "t");
      EXPECT_EQ(e["cat"], expected(i).service);
      EXPECT_EQ(e["tid"], span_event(i)["tid"]);
      EXPECT_EQ(nanos(e["ts"]), static_cast<std::int64_t>(want.unix_nanos - kOrigin));
      EXPECT_EQ(e["args"].size(), want.attributes.size()) << e;
      for (const GoldenAttribute& a : want.attributes) expect_json_value(e["args"][a.key], a.tag->value, a.key);
    }
  }
  EXPECT_EQ(next, instants.size());
  EXPECT_EQ(instants.at(0)["args"], (json{{"cache.key", "users:42"}}));
}

TEST(ChromeTrace, NonAsciiAndControlCharactersRoundTripExactly) {
  EXPECT_EQ(span_event(5)["name"], "naïve \"quoted\"\n\ttab");
  EXPECT_EQ(span_event(5)["args"]["note"], "héllo \"ünïcode\" ✓\\ \x01\x1f\n\r\t end");
  const auto instants = events_of_phase(golden_document(), "i");
  const json* odd_log = nullptr;  // the last log with a message is the odd span's
  for (const json& e : instants)
    if (e["args"].contains("message")) odd_log = &e;
  ASSERT_NE(odd_log, nullptr);
  EXPECT_EQ((*odd_log)["args"]["message"], "line1\nline2 \"q\" \x7f ✓");
}

TEST(ChromeTrace, RunTimeNamesAndKeysShowAsStaticOnesDo) {
  EXPECT_EQ(span_event(6)["name"], "POST /orders/:id");
  EXPECT_EQ(span_event(6)["args"]["config.tier"], "gold");
  EXPECT_EQ(span_event(6)["args"]["config.quota"], 42);
  const auto instants = events_of_phase(golden_document(), "i");
  EXPECT_EQ(instants.back()["args"]["retry.reason"], "route not matched yet");
}

TEST(ChromeTrace, OverlappingSpansOfAServiceGoOnSeparateNamedTracks) {
  const json& doc = golden_document();
  EXPECT_EQ(crossing_events(doc), std::vector<std::string>{});
  EXPECT_NE(span_event(0)["tid"], span_event(3)["tid"]) << "send email outlives the request it follows from";
  EXPECT_EQ(span_event(0)["tid"], span_event(1)["tid"]) << "a child shares its parent's track";
  EXPECT_EQ(thread_name(doc, span_event(0)["tid"]), "frontend");
  EXPECT_EQ(thread_name(doc, span_event(2)["tid"]), "backend");
  EXPECT_EQ(thread_name(doc, span_event(3)["tid"]), "frontend (2)");
  std::set<std::uint64_t> used;
  for (const json& e : events_of_phase(doc, "X")) used.insert(e["tid"].get<std::uint64_t>());
  EXPECT_EQ(metadata_named(doc, "thread_name").size(), used.size()) << "each track named once";
  EXPECT_EQ(metadata_named(doc, "thread_sort_index").size(), used.size());
}

TEST(ChromeTrace, FollowsFromIsAnArrowFromTheLinkedSpan) {
  const json& doc = golden_document();
  const auto starts = events_of_phase(doc, "s"), ends = events_of_phase(doc, "f");
  ASSERT_EQ(ends.size(), 2u) << "send email's parent, handle's reference";
  ASSERT_EQ(starts.size(), 1u) << "handle's reference is to a span not in the file";

  const json& end = ends[0];
  EXPECT_EQ(end["tid"], span_event(3)["tid"]);
  EXPECT_EQ(end["ts"], span_event(3)["ts"]);
  EXPECT_EQ(end["bp"], "e");
  EXPECT_EQ(end["name"], "follows_from");
  EXPECT_EQ(end["cat"], "link");
  const json& start = starts[0];
  EXPECT_EQ(start["id"], end["id"]);
  EXPECT_EQ(start["name"], end["name"]);
  EXPECT_EQ(start["cat"], end["cat"]);
  EXPECT_EQ(start["tid"], span_event(0)["tid"]);
  EXPECT_EQ(start["ts"], span_event(0)["ts"]);

  EXPECT_EQ(ends[1]["tid"], span_event(4)["tid"]);
  EXPECT_NE(ends[1]["id"], end["id"]);
}

// A batch of some golden spans, in the order given.
class PartialBatch {
 public:
  explicit PartialBatch(std::initializer_list<std::size_t> indices) {
    auto all = golden().batch();
    for (std::size_t i : indices) spans_.push_back({&(*all)[i].record(), (*all)[i].service()});
    batch_ = std::make_unique<SpanBatch>(spans_, golden().clock());
  }
  const SpanBatch& operator*() const { return *batch_; }

 private:
  std::vector<BatchedSpan> spans_;
  std::unique_ptr<SpanBatch> batch_;
};

TEST(ChromeTrace, AnArrowWaitsForTheSpanItStartsFrom) {
  std::ostringstream out;
  ChromeTraceExporter exporter(out);
  ASSERT_EQ(exporter.export_batch(*PartialBatch({3})).code, ExportResult::Code::kSuccess);
  const json first = parse_document(out.str());
  ASSERT_EQ(events_of_phase(first, "f").size(), 1u);
  EXPECT_EQ(events_of_phase(first, "s").size(), 0u) << "the root is not in the file yet";

  ASSERT_EQ(exporter.export_batch(*PartialBatch({0})).code, ExportResult::Code::kSuccess);
  const json both = parse_document(out.str());
  const auto starts = events_of_phase(both, "s");
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0]["id"], events_of_phase(both, "f")[0]["id"]);
  const auto spans = events_of_phase(both, "X");
  EXPECT_EQ(starts[0]["tid"], spans[1]["tid"]);
  EXPECT_EQ(starts[0]["ts"], spans[1]["ts"]);
  EXPECT_EQ(crossing_events(both), std::vector<std::string>{});
}

TEST(ChromeTrace, TheFileIsValidJsonAfterEveryBatch) {
  const std::string path = temp_path("every_batch.json");
  {
    ChromeTraceExporter exporter(path);
    EXPECT_EQ(parse_document(contents(path)), json::array()) << "valid before any span";
    for (std::size_t batch = 1; batch <= 3; ++batch) {
      ASSERT_EQ(exporter.export_batch(*golden().batch()).code, ExportResult::Code::kSuccess);
      const json doc = parse_document(contents(path));
      EXPECT_EQ(events_of_phase(doc, "X").size(), batch * GoldenTrace::kSpans);
      EXPECT_EQ(metadata_named(doc, "process_name").size(), 1u);
    }
  }  // closed without shutdown
  EXPECT_EQ(events_of_phase(parse_document(contents(path)), "X").size(), 3 * GoldenTrace::kSpans);
}

TEST(ChromeTrace, AProgramKilledBetweenBatchesLeavesAValidFile) {
  const std::string path = temp_path("killed.json");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ChromeTraceExporter exporter(path);
    exporter.export_batch(*golden().batch());
    exporter.export_batch(*golden().batch());
    ::kill(::getpid(), SIGKILL);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  const json doc = parse_document(contents(path));
  EXPECT_EQ(events_of_phase(doc, "X").size(), 2 * GoldenTrace::kSpans);
  EXPECT_EQ(metadata_named(doc, "process_name")[0]["pid"], child);
}

// A stream that cannot seek: the array is closed at shutdown only.
class UnseekableBuffer : public std::stringbuf {
 protected:
  pos_type seekoff(off_type, std::ios_base::seekdir, std::ios_base::openmode) override { return pos_type(-1); }
  pos_type seekpos(pos_type, std::ios_base::openmode) override { return pos_type(-1); }
};

TEST(ChromeTrace, AStreamThatCannotSeekIsClosedAtShutdown) {
  UnseekableBuffer buffer;
  std::ostream out(&buffer);
  ChromeTraceExporter exporter(out);
  ASSERT_EQ(exporter.export_batch(*golden().batch()).code, ExportResult::Code::kSuccess);
  ASSERT_EQ(exporter.export_batch(*golden().batch()).code, ExportResult::Code::kSuccess);
  EXPECT_EQ(buffer.str().substr(0, 2), "[\n");
  exporter.shutdown(std::chrono::seconds(1));
  EXPECT_EQ(events_of_phase(parse_document(buffer.str()), "X").size(), 2 * GoldenTrace::kSpans);
}

TEST(ChromeTrace, AnUnwritablePathRejectsBatchesWithOneLineOnStderr) {
  ::testing::internal::CaptureStderr();
  ChromeTraceExporter exporter("/nonexistent-directory/trace.json");
  const ExportResult first = exporter.export_batch(*golden().batch());
  const ExportResult second = exporter.export_batch(*golden().batch());
  exporter.shutdown(std::chrono::seconds(1));
  const std::string stderr_text = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(first.code, ExportResult::Code::kPermanent);
  EXPECT_EQ(second.code, ExportResult::Code::kPermanent);
  EXPECT_EQ(stderr_text,
            "zspan: Chrome trace exporter could not write spans: /nonexistent-directory/trace.json: No such file or "
            "directory\n")
      << "one line: the rest are held back by the rate limit";
}

TEST(ChromeTrace, AForkedChildWritesItsOwnFile) {
  const std::string path = temp_path("forked.json");
  ChromeTraceExporter exporter(path);
  ASSERT_EQ(exporter.export_batch(*golden().batch()).code, ExportResult::Code::kSuccess);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    exporter.on_fork_child();
    const bool ok = exporter.export_batch(*PartialBatch({1})).code == ExportResult::Code::kSuccess;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(events_of_phase(parse_document(contents(path)), "X").size(), GoldenTrace::kSpans) << "the parent's file";
  const json child_doc = parse_document(contents(temp_path("forked." + std::to_string(child) + ".json")));
  const auto spans = events_of_phase(child_doc, "X");
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0]["pid"], child);
  EXPECT_EQ(thread_name(child_doc, spans[0]["tid"]), "frontend") << "the child names its own tracks";
}

}  // namespace
}  // namespace zspan::testing
