// The golden trace through jaeger::Encoder in both protocols, decoded with Apache Thrift's
// TCompactProtocol and TBinaryProtocol and compared field by field with the objects
// jaeger_test_support builds from GoldenTrace::expected(); then the rules that decide a
// field, as literals; then the Thrift writers alone against Thrift's generic reader.
#include <gtest/gtest.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <unistd.h>

#include <limits>
#include <map>

#include "zspan/exporters/jaeger/jaeger_encoding.hpp"
#include "zspan/exporters/jaeger/thrift_writer.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/jaeger/jaeger_test_support.hpp"
#include "zspan/trace/version.hpp"

namespace zspan::testing {
namespace {

using jaeger::Protocol;

class GoldenJaeger : public ::testing::TestWithParam<Protocol> {
 protected:
  // The golden batch encoded as one Batch per service and decoded, by service.
  std::map<std::string, jt::Batch> decoded() {
    const auto batch = GoldenTrace::get().batch();
    jaeger::Encoder encoder(GetParam());
    std::map<std::string, jt::Batch> out;
    for (std::string_view service : jaeger::services_of(*batch)) {
      std::string bytes;
      encoder.append_batch(*batch, service, jaeger::Envelope::kNone, bytes);
      out[std::string(service)] = decode_batch(bytes, GetParam());
    }
    return out;
  }
  // The decoded span with this id.
  jt::Span span(std::uint64_t id) {
    for (const auto& [service, batch] : decoded())
      for (const jt::Span& s : batch.spans)
        if (static_cast<std::uint64_t>(s.spanId) == id) return s;
    ADD_FAILURE() << "no span " << std::hex << id;
    return {};
  }
  static std::map<std::string, jt::Tag> tags_by_key(const std::vector<jt::Tag>& tags) {
    std::map<std::string, jt::Tag> out;
    for (const jt::Tag& t : tags) out[t.key] = t;
    return out;
  }
};

TEST_P(GoldenJaeger, OneBatchPerServiceInOrderOfAppearance) {
  const auto batch = GoldenTrace::get().batch();
  EXPECT_EQ(jaeger::services_of(*batch), (std::vector<std::string_view>{"frontend", "backend"}));
  const auto got = decoded();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got.at("frontend").spans.size(), 6u);
  EXPECT_EQ(got.at("backend").spans.size(), 1u);
}

TEST_P(GoldenJaeger, EveryFieldOfEverySpanAndProcess) {
  const auto got = decoded();
  for (const std::string service : {"frontend", "backend"}) {
    SCOPED_TRACE(service);
    const jt::Batch want = expected_batch(GoldenTrace::get().expected(), golden_status_messages(), service);
    const jt::Batch& have = got.at(service);
    EXPECT_EQ(have.process, want.process);
    ASSERT_EQ(have.spans.size(), want.spans.size());
    for (std::size_t i = 0; i < want.spans.size(); ++i) {
      SCOPED_TRACE(want.spans[i].operationName);
      const jt::Span& h = have.spans[i];
      const jt::Span& w = want.spans[i];
      EXPECT_EQ(h.traceIdLow, w.traceIdLow);
      EXPECT_EQ(h.traceIdHigh, w.traceIdHigh);
      EXPECT_EQ(h.spanId, w.spanId);
      EXPECT_EQ(h.parentSpanId, w.parentSpanId);
      EXPECT_EQ(h.operationName, w.operationName);
      EXPECT_EQ(h.__isset.references, w.__isset.references);
      EXPECT_EQ(h.references, w.references);
      EXPECT_EQ(h.flags, w.flags);
      EXPECT_EQ(h.startTime, w.startTime);
      EXPECT_EQ(h.duration, w.duration);
      ASSERT_EQ(h.tags.size(), w.tags.size());
      for (std::size_t t = 0; t < w.tags.size(); ++t) EXPECT_EQ(h.tags[t], w.tags[t]);
      EXPECT_EQ(h.__isset.logs, w.__isset.logs);
      EXPECT_EQ(h.logs, w.logs);
      EXPECT_FALSE(h.__isset.incomplete);
      EXPECT_EQ(h, w);  // nothing else differs
    }
  }
}

// The same facts as literals, where a rule of the mapping decides them.
TEST_P(GoldenJaeger, TraceIdSplitsIntoSignedHighAndLow) {
  const jt::Span root = span(0x00f067aa0ba902b7);
  EXPECT_EQ(root.traceIdHigh, 0x0af7651916cd43dd);
  EXPECT_EQ(static_cast<std::uint64_t>(root.traceIdLow), 0x8448eb211c80319cu);
  EXPECT_LT(root.traceIdLow, 0);  // the same 64 bits as a signed i64, as the IDL says
  EXPECT_EQ(root.parentSpanId, 0);
  EXPECT_FALSE(root.__isset.references);
  EXPECT_EQ(root.flags, 1);
  EXPECT_EQ(root.startTime, 1'700'000'000'000'000);
  EXPECT_EQ(root.duration, 5'000);
}

TEST_P(GoldenJaeger, AForcedSpanCarriesTheDebugFlag) {
  zspan::detail::SpanRecord record = (*GoldenTrace::get().batch())[0].record();
  record.size_bytes = sizeof(zspan::detail::SpanRecord);  // no fields
  for (const auto& [flags, jaeger_flags] : std::vector<std::pair<std::uint8_t, std::int32_t>>{
           {zspan::detail::SpanRecord::kSampled, 1}, {zspan::detail::SpanRecord::kSampled | zspan::detail::SpanRecord::kForced, 3}, {zspan::detail::SpanRecord::kForced, 2}}) {
    record.flags = flags;
    const BatchedSpan one{&record, "svc"};
    const SpanBatch batch({&one, 1}, GoldenTrace::get().clock());
    std::string bytes;
    jaeger::Encoder(GetParam()).append_batch(batch, "svc", jaeger::Envelope::kNone, bytes);
    EXPECT_EQ(decode_batch(bytes, GetParam()).spans.at(0).flags, jaeger_flags) << int{flags};
  }
}

TEST_P(GoldenJaeger, ParentIsAReferenceOfItsKindAndLinksFollow) {
  const jt::Span auth = span(0x1000000000000001);
  EXPECT_EQ(auth.parentSpanId, 0x00f067aa0ba902b7);
  ASSERT_EQ(auth.references.size(), 1u);
  EXPECT_EQ(auth.references[0].refType, jt::SpanRefType::CHILD_OF);
  EXPECT_EQ(auth.references[0].spanId, 0x00f067aa0ba902b7);

  const jt::Span email = span(0x3000000000000003);
  ASSERT_EQ(email.references.size(), 1u);
  EXPECT_EQ(email.references[0].refType, jt::SpanRefType::FOLLOWS_FROM);
  EXPECT_EQ(email.references[0].spanId, 0x00f067aa0ba902b7);
  EXPECT_EQ(email.parentSpanId, 0x00f067aa0ba902b7);

  const jt::Span handle = span(0x4000000000000004);
  EXPECT_EQ(static_cast<std::uint64_t>(handle.parentSpanId), 0xb7ad6b7169203331u);
  ASSERT_EQ(handle.references.size(), 2u);
  EXPECT_EQ(handle.references[0].refType, jt::SpanRefType::CHILD_OF);
  EXPECT_EQ(static_cast<std::uint64_t>(handle.references[0].spanId), 0xb7ad6b7169203331u);
  EXPECT_EQ(handle.references[1].refType, jt::SpanRefType::FOLLOWS_FROM);
  EXPECT_EQ(handle.references[1].traceIdHigh, 0x1111111111111111);
  EXPECT_EQ(handle.references[1].traceIdLow, 0x2222222222222222);
  EXPECT_EQ(handle.references[1].spanId, 0x5555555555555555);
  EXPECT_EQ(tags_by_key(handle.tags).at("otel.dropped_attributes_count"), long_tag("otel.dropped_attributes_count", 3));
}

TEST_P(GoldenJaeger, EveryTagType) {
  const auto tags = tags_by_key(span(0x1000000000000001).tags);
  EXPECT_EQ(tags.at("auth.ok"), bool_tag("auth.ok", true));
  EXPECT_EQ(tags.at("auth.attempts"), long_tag("auth.attempts", -3));
  EXPECT_EQ(tags.at("auth.token_bits"), string_tag("auth.token_bits", "18446744073709551615"));
  EXPECT_EQ(tags.at("auth.score"), double_tag("auth.score", 0.875));
  EXPECT_EQ(tags.at("auth.user"), string_tag("auth.user", "bob"));
  EXPECT_EQ(tags.at("auth.flags"), string_tag("auth.flags", "[true,false]"));
  EXPECT_EQ(tags.at("auth.codes"), string_tag("auth.codes", "[-1,0,42]"));
  EXPECT_EQ(tags.at("auth.masks"), string_tag("auth.masks", "[18446744073709551615,7]"));
  EXPECT_EQ(tags.at("auth.weights"), string_tag("auth.weights", "[0.5,-2.25]"));
  EXPECT_EQ(tags.at("auth.roles"), string_tag("auth.roles", R"(["admin","a role longer than seven"])"));
  EXPECT_EQ(tags.at("otel.scope.name"), string_tag("otel.scope.name", "zspan"));
  EXPECT_EQ(tags.at("otel.scope.version"), string_tag("otel.scope.version", std::string(kVersion)));
  EXPECT_EQ(tags.count("span.kind"), 0u);  // internal
  EXPECT_EQ(tags.count("error"), 0u);
}

TEST_P(GoldenJaeger, KindStatusAndError) {
  const auto select = tags_by_key(span(0x2000000000000002).tags);
  EXPECT_EQ(select.at("span.kind"), string_tag("span.kind", "client"));
  EXPECT_EQ(select.at("otel.status_code"), string_tag("otel.status_code", "ERROR"));
  EXPECT_EQ(select.at("otel.status_description"), string_tag("otel.status_description", "upstream returned 503"));
  EXPECT_EQ(select.at("error"), bool_tag("error", true));
  EXPECT_EQ(select.at("db.query.text").vStr.size(), 128u);  // the kept part of a cut string
  EXPECT_EQ(tags_by_key(span(0x00f067aa0ba902b7).tags).at("span.kind"), string_tag("span.kind", "server"));
  EXPECT_EQ(tags_by_key(span(0x3000000000000003).tags).at("span.kind"), string_tag("span.kind", "producer"));
}

TEST_P(GoldenJaeger, LogsCarryTheEventNameFirst) {
  const jt::Span root = span(0x00f067aa0ba902b7);
  ASSERT_EQ(root.logs.size(), 1u);
  EXPECT_EQ(root.logs[0].timestamp, 1'700'000'000'001'000);
  EXPECT_EQ(root.logs[0].fields,
            (std::vector<jt::Tag>{string_tag("event", "cache miss"), string_tag("cache.key", "users:42")}));
  const jt::Span odd = span(0x6000000000000006);
  ASSERT_EQ(odd.logs.size(), 1u);
  EXPECT_EQ(odd.logs[0].fields[0], string_tag("event", "log"));  // a log without an event field
  EXPECT_EQ(odd.logs[0].fields[1], string_tag("message", "line1\nline2 \"q\" \x7f ✓"));
  EXPECT_EQ(odd.operationName, "naïve \"quoted\"\n\ttab");
}

TEST_P(GoldenJaeger, ProcessHasTheClientTagsThenTheResource) {
  const jt::Process p = decoded().at("backend").process;
  EXPECT_EQ(p.serviceName, "backend");
  ASSERT_GE(p.tags.size(), 2u);
  EXPECT_EQ(p.tags[0], string_tag("jaeger.version", "zspan-C++-" + std::string(kVersion)));
  const auto tags = tags_by_key(p.tags);
  EXPECT_EQ(tags.at("process.pid"), long_tag("process.pid", ::getpid()));
  EXPECT_EQ(tags.at("telemetry.sdk.name"), string_tag("telemetry.sdk.name", "zspan"));
  EXPECT_EQ(tags.count("service.name"), 0u);
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  EXPECT_EQ(tags.at("hostname"), string_tag("hostname", host));
  if (!jaeger::host_ip().empty()) {
    EXPECT_EQ(tags.at("ip"), string_tag("ip", jaeger::host_ip()));
    EXPECT_NE(jaeger::host_ip(), "127.0.0.1");
  }
}

INSTANTIATE_TEST_SUITE_P(Protocols, GoldenJaeger, ::testing::Values(Protocol::kCompact, Protocol::kBinary),
                         [](const auto& info) { return info.param == Protocol::kCompact ? "Compact" : "Binary"; });

// The writers alone: every field type, field id deltas of both forms, a long list, and a
// message header, read back with Thrift's generic protocol reader.
template <class Writer, class Reader>
void writers_round_trip() {
  using apache::thrift::protocol::TType;
  std::string out;
  {  // the string holds the text once the writer is gone
    Writer w(out);
    w.message_begin("emitBatch", thrift::MessageType::kOneway, 77);
    w.struct_begin();
    w.field_i32(1, -5);
    w.field_i64(20, std::numeric_limits<std::int64_t>::min());  // delta > 15: the long form
    w.field_string(3, std::string("a\0b", 3));                  // delta < 0: the long form
    w.field_double(4, -0.1);
    w.field_bool(5, true);
    w.field_bool(6, false);
    w.field_struct_list(7, 20);  // more than 14 elements: the long list header
    for (int i = 0; i < 20; ++i) {
      w.struct_begin();
      w.field_i32(1, i);
      w.struct_end();
    }
    w.field_struct(8);
    w.field_bool(1, true);
    w.struct_end();
    w.struct_end();
  }

  auto buffer = std::make_shared<apache::thrift::transport::TMemoryBuffer>(
      reinterpret_cast<std::uint8_t*>(out.data()), static_cast<std::uint32_t>(out.size()));
  Reader in(buffer);
  std::string name;
  apache::thrift::protocol::TMessageType type;
  std::int32_t sequence = 0;
  in.readMessageBegin(name, type, sequence);
  EXPECT_EQ(name, "emitBatch");
  EXPECT_EQ(type, apache::thrift::protocol::T_ONEWAY);
  EXPECT_EQ(sequence, 77);
  in.readStructBegin(name);
  TType field_type;
  std::int16_t id = 0;
  auto field = [&](std::int16_t want_id, TType want_type) {
    in.readFieldBegin(name, field_type, id);
    EXPECT_EQ(id, want_id);
    EXPECT_EQ(field_type, want_type);
  };
  std::int32_t i32 = 0;
  std::int64_t i64 = 0;
  std::string s;
  double d = 0;
  bool b = false;
  field(1, apache::thrift::protocol::T_I32);
  in.readI32(i32);
  EXPECT_EQ(i32, -5);
  field(20, apache::thrift::protocol::T_I64);
  in.readI64(i64);
  EXPECT_EQ(i64, std::numeric_limits<std::int64_t>::min());
  field(3, apache::thrift::protocol::T_STRING);
  in.readString(s);
  EXPECT_EQ(s, std::string("a\0b", 3));
  field(4, apache::thrift::protocol::T_DOUBLE);
  in.readDouble(d);
  EXPECT_EQ(d, -0.1);
  field(5, apache::thrift::protocol::T_BOOL);
  in.readBool(b);
  EXPECT_TRUE(b);
  field(6, apache::thrift::protocol::T_BOOL);
  in.readBool(b);
  EXPECT_FALSE(b);
  field(7, apache::thrift::protocol::T_LIST);
  TType element;
  std::uint32_t size = 0;
  in.readListBegin(element, size);
  EXPECT_EQ(element, apache::thrift::protocol::T_STRUCT);
  ASSERT_EQ(size, 20u);
  for (int i = 0; i < 20; ++i) {
    in.readStructBegin(name);
    field(1, apache::thrift::protocol::T_I32);
    in.readI32(i32);
    EXPECT_EQ(i32, i);
    in.readFieldBegin(name, field_type, id);
    EXPECT_EQ(field_type, apache::thrift::protocol::T_STOP);
    in.readStructEnd();
  }
  in.readListEnd();
  field(8, apache::thrift::protocol::T_STRUCT);
  in.readStructBegin(name);
  field(1, apache::thrift::protocol::T_BOOL);
  in.readBool(b);
  EXPECT_TRUE(b);
  in.readFieldBegin(name, field_type, id);
  EXPECT_EQ(field_type, apache::thrift::protocol::T_STOP);
  in.readStructEnd();
  in.readFieldBegin(name, field_type, id);
  EXPECT_EQ(field_type, apache::thrift::protocol::T_STOP);
  in.readStructEnd();
  EXPECT_EQ(buffer->available_read(), 0u);
}

TEST(ThriftWriters, CompactReadsBackWithTCompactProtocol) {
  writers_round_trip<thrift::CompactWriter, apache::thrift::protocol::TCompactProtocol>();
}

TEST(ThriftWriters, BinaryReadsBackWithTBinaryProtocol) {
  writers_round_trip<thrift::BinaryWriter, apache::thrift::protocol::TBinaryProtocol>();
}

}  // namespace
}  // namespace zspan::testing
