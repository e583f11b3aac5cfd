// otlp::WireEncoder against libprotobuf: its bytes, decoded by libprotobuf, are the message
// otlp::encode builds (MessageDifferencer::Equals) and are that message's own
// serialization byte for byte, on the golden batch and on random batches
// (tests/exporters/otlp/random_batch.hpp: every tag type, invalid UTF-8, spans large enough
// to need long lengths, ...).
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "zspan/exporters/otlp/otlp_encoding.hpp"
#include "zspan/exporters/otlp/otlp_wire.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"
#include "tests/exporters/otlp/random_batch.hpp"

namespace zspan::testing {
namespace {

using google::protobuf::util::MessageDifferencer;
using Request = pb::collector::trace::v1::ExportTraceServiceRequest;

// The batch through both encoders: the wire bytes decode to the library's message, and
// are its serialization.
void expect_same_request(const SpanBatch& batch) {
  Request library;
  otlp::encode(batch, library);
  std::string wire = "prefix";  // appended to, not replaced
  otlp::WireEncoder().encode(batch, wire);
  ASSERT_EQ(wire.substr(0, 6), "prefix");
  Request decoded;
  ASSERT_TRUE(decoded.ParseFromString(wire.substr(6)));
  std::string diff;
  MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(library, decoded)) << diff;
  EXPECT_TRUE(MessageDifferencer::Equals(library, decoded));
  EXPECT_EQ(wire.substr(6), library.SerializeAsString()) << "the same bytes";
}

TEST(OtlpWire, TheGoldenBatchIsTheLibrarysRequest) { expect_same_request(*GoldenTrace::get().batch()); }

TEST(OtlpWire, AnEncoderReusedForAnotherBatchWritesOnlyThatBatch) {
  otlp::WireEncoder encoder;
  std::string first, second;
  encoder.encode(*GoldenTrace::get().batch(), first);
  encoder.encode(*GoldenTrace::get().batch(), second);
  EXPECT_EQ(first, second);
}

TEST(OtlpWire, RandomBatchesAreTheLibrarysRequests) {
  for (std::uint32_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE(seed);
    const RandomBatch random(seed);
    expect_same_request(random.batch());
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace zspan::testing
