// OTLP/JSON (OTEL_EXPORTER_OTLP_PROTOCOL=http/json): otlp::JsonEncoder writes the JSON
// libprotobuf's printer writes for otlp::encode's message (ids in hex: protobuf_json.hpp),
// parsed and compared as JSON values, on the golden batch and on random batches
// (random_batch.hpp, NaN included); the golden trace's request, as the exporter sends it,
// carries the message of its protobuf form, spelled as the OTLP specification's JSON rules
// say: lowerCamelCase names, hex ids, enums as integers, 64-bit integers as strings.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "zspan/exporters/otlp/otlp_encoding.hpp"
#include "zspan/exporters/otlp/otlp_json.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"
#include "tests/exporters/otlp/random_batch.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string base64_of_hex(const std::string& hex_digits) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  for (std::size_t i = 0; i < hex_digits.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex_digits.substr(i, 2), nullptr, 16)));
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t chunk = 0;
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    for (std::size_t k = 0; k < 3; ++k) chunk = chunk << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0);
    for (std::size_t k = 0; k < 4; ++k) out.push_back(k <= n ? kAlphabet[(chunk >> (18 - 6 * k)) & 63] : '=');
  }
  return out;
}

json attribute(const json& attributes, const std::string& key) {
  for (const json& kv : attributes)
    if (kv["key"] == key) return kv["value"];
  return nullptr;
}

// The batch through JsonEncoder and through libprotobuf: the same JSON values.
void expect_library_json(const SpanBatch& batch) {
  pb::collector::trace::v1::ExportTraceServiceRequest library;
  otlp::encode(batch, library);
  std::string direct = "prefix";  // appended to, not replaced
  otlp::JsonEncoder().encode(batch, direct);
  ASSERT_EQ(direct.substr(0, 6), "prefix");
  const json written = json::parse(direct.substr(6), nullptr, false);
  ASSERT_FALSE(written.is_discarded()) << direct.substr(6);
  const json printed = json::parse(protobuf_json(library));
  EXPECT_TRUE(written == printed) << "from protobuf's to JsonEncoder's: " << json::diff(printed, written);
}

TEST(OtlpJsonEncoder, TheGoldenBatchIsTheLibrarysJson) { expect_library_json(*GoldenTrace::get().batch()); }

TEST(OtlpJsonEncoder, RandomBatchesAreTheLibrarysJson) {
  for (std::uint32_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE(seed);
    const RandomBatch random(seed, RandomBatch::NaN::kSometimes);
    expect_library_json(random.batch());
    if (::testing::Test::HasFailure()) break;
  }
}

TEST(OtlpJsonEncoder, AnEmptyBatchIsAnEmptyRequest) {
  const SpanBatch empty({}, GoldenTrace::get().clock());
  std::string direct;
  otlp::JsonEncoder().encode(empty, direct);
  EXPECT_EQ(direct, "{}");
  expect_library_json(empty);
}

TEST(OtlpJsonEncoder, AnEncoderReusedForAnotherBatchWritesOnlyThatBatch) {
  otlp::JsonEncoder encoder;
  std::string first, second;
  encoder.encode(*GoldenTrace::get().batch(), first);
  encoder.encode(*GoldenTrace::get().batch(), second);
  EXPECT_EQ(first, second);
}

class OtlpJson : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static Receiver receiver;
    auto o = options_for(receiver, 5s);
    o.protocol = OtlpHttpExporter::Protocol::kHttpJson;
    OtlpHttpExporter exporter(o);
    result_ = exporter.export_batch(*GoldenTrace::get().batch());
    requests_ = receiver.requests();
  }
  static inline ExportResult result_;
  static inline std::vector<Receiver::Request> requests_;
};

TEST_F(OtlpJson, OnePostOfJson) {
  EXPECT_EQ(result_.code, ExportResult::Code::kSuccess);
  ASSERT_EQ(requests_.size(), 1u);
  EXPECT_EQ(requests_[0].header("content-type"), "application/json");
}

TEST_F(OtlpJson, TheSpecificationsSpelling) {
  const json body = json::parse(requests_.at(0).body);
  const json& frontend = body["resourceSpans"][0];
  EXPECT_EQ(attribute(frontend["resource"]["attributes"], "service.name"), json({{"stringValue", "frontend"}}));
  EXPECT_EQ(frontend["scopeSpans"][0]["scope"]["name"], "zspan");
  const json& root = frontend["scopeSpans"][0]["spans"][0];
  EXPECT_EQ(root["traceId"], "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(root["spanId"], "00f067aa0ba902b7");
  EXPECT_FALSE(root.contains("parentSpanId"));
  EXPECT_EQ(root["kind"], 2);
  EXPECT_EQ(root["startTimeUnixNano"], "1700000000000000000");
  EXPECT_EQ(attribute(root["attributes"], "http.response.status_code"), json({{"intValue", "200"}}));
  EXPECT_EQ(root["events"][0]["name"], "cache miss");
  const json& auth = frontend["scopeSpans"][0]["spans"][1];
  EXPECT_EQ(auth["parentSpanId"], "00f067aa0ba902b7");
  EXPECT_EQ(attribute(auth["attributes"], "auth.token_bits"), json({{"stringValue", "18446744073709551615"}}));
  const json& handle = frontend["scopeSpans"][0]["spans"][3];
  EXPECT_EQ(handle["links"][0]["traceId"], "11111111111111112222222222222222");
  EXPECT_EQ(handle["links"][0]["spanId"], "5555555555555555");
  const json& select = body["resourceSpans"][1]["scopeSpans"][0]["spans"][0];
  EXPECT_EQ(select["status"], json({{"code", 2}, {"message", "upstream returned 503"}}));
}

TEST_F(OtlpJson, TheSameMessageAsProtobuf) {
  json body = json::parse(requests_.at(0).body);
  for (json& resource_spans : body["resourceSpans"])
    for (json& scope_spans : resource_spans["scopeSpans"])
      for (json& span : scope_spans["spans"]) {
        for (const char* id : {"traceId", "spanId", "parentSpanId"})
          if (span.contains(id)) span[id] = base64_of_hex(span[id]);
        if (span.contains("links"))
          for (json& link : span["links"]) {
            link["traceId"] = base64_of_hex(link["traceId"]);
            link["spanId"] = base64_of_hex(link["spanId"]);
          }
      }
  pb::collector::trace::v1::ExportTraceServiceRequest from_json, from_protobuf;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(body.dump(), &from_json).ok());
  otlp::encode(*GoldenTrace::get().batch(), from_protobuf);
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(from_protobuf, from_json)) << diff;
}

TEST(OtlpJsonResponse, PartialSuccessIsReadFromJson) {
  Receiver receiver;
  receiver.script({{.status = 200, .body = R"({"partialSuccess":{"rejectedSpans":"3","errorMessage":"too old"},"x":1})"}});
  auto o = options_for(receiver, 5s);
  o.protocol = OtlpHttpExporter::Protocol::kHttpJson;
  OtlpHttpExporter exporter(o);
  ::testing::internal::CaptureStderr();
  const ExportResult r = exporter.export_batch(*GoldenTrace::get().batch());
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("too old"), std::string::npos);
  EXPECT_EQ(r.code, ExportResult::Code::kSuccess);
  EXPECT_EQ(r.rejected, 3u);
}

}  // namespace
}  // namespace zspan::testing
