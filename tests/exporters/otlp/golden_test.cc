// The golden trace through OtlpHttpExporter to a receiver, decoded with libprotobuf and
// compared field by field with GoldenTrace::expected() under the rules of
// trace/export/otel.hpp and exporters/otlp/otlp_encoding.hpp. The expected messages are
// built here from the SpanData, independently of the encoder.
#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <limits>
#include <map>

#include "zspan/exporters/otlp/otlp_encoding.hpp"
#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"
#include "zspan/trace/export/otel.hpp"
#include "zspan/trace/version.hpp"

namespace zspan::testing {
namespace {

using google::protobuf::util::MessageDifferencer;
using pb::common::v1::AnyValue;
using pb::common::v1::KeyValue;
using pb::trace::v1::Span;

std::string bytes_of(std::string_view hex_digits) {
  std::string out;
  for (std::size_t i = 0; i < hex_digits.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex_digits.substr(i, 2)), nullptr, 16)));
  return out;
}
std::string bytes_of(TraceId id) {
  char h[32];
  id.to_hex(h);
  return bytes_of({h, 32});
}
std::string bytes_of(SpanId id) {
  char h[16];
  id.to_hex(h);
  return bytes_of({h, 16});
}

// The OpenTelemetry names of the golden trace's keys that have one of their own.
std::string otel_name(const std::string& key) {
  for (const zspan::detail::FieldKey* k : {&tags::http_method.field, &tags::http_status_code.field, &tags::db_statement.field,
                            &logs::error_kind.field, &logs::error_object.field, &logs::stack.field})
    if (k->name == key) return std::string(k->otel());
  return key;
}

constexpr std::uint64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

struct ToAny {
  AnyValue& out;
  void operator()(bool v) { out.set_bool_value(v); }
  void operator()(std::int64_t v) { out.set_int_value(v); }
  void operator()(std::uint64_t v) {  // the documented rule: above INT64_MAX, a decimal string
    if (v > kInt64Max) out.set_string_value(std::to_string(v));
    else out.set_int_value(static_cast<std::int64_t>(v));
  }
  void operator()(double v) { out.set_double_value(v); }
  void operator()(const std::string& v) { out.set_string_value(v); }
  void operator()(const std::vector<std::uint64_t>& v) {
    const bool strings = std::any_of(v.begin(), v.end(), [](std::uint64_t e) { return e > kInt64Max; });
    auto* array = out.mutable_array_value();
    for (std::uint64_t e : v) {
      if (strings) array->add_values()->set_string_value(std::to_string(e));
      else array->add_values()->set_int_value(static_cast<std::int64_t>(e));
    }
  }
  template <class T>
  void operator()(const std::vector<T>& v) {
    auto* array = out.mutable_array_value();
    for (const T& e : v) ToAny{*array->add_values()}(static_cast<T>(e));
  }
};

void add(google::protobuf::RepeatedPtrField<KeyValue>* list, const std::string& key, const SpanData::TagValue& value) {
  KeyValue& kv = *list->Add();
  kv.set_key(key);
  std::visit(ToAny{*kv.mutable_value()}, value);
}

// The span as OTLP must carry it, from the golden facts: kinds and the status message are
// the golden trace's (golden_trace.hpp), the rest is read from the SpanData.
Span expected_span(const SpanData& d, Span::SpanKind kind) {
  Span s;
  s.set_trace_id(bytes_of(d.trace_id));
  s.set_span_id(bytes_of(d.span_id));
  if (d.parent_id.valid()) s.set_parent_span_id(bytes_of(d.parent_id));
  s.set_flags(0x01 | 0x100 | (d.remote_parent ? 0x200 : 0));  // sampled; the parent's remoteness known
  s.set_name(d.name);
  s.set_kind(kind);
  s.set_start_time_unix_nano(d.start_unix_nanos);
  s.set_end_time_unix_nano(d.end_unix_nanos);
  for (const SpanData::Tag& t : d.tags)
    if (t.key != "span.kind") add(s.mutable_attributes(), otel_name(t.key), t.value);
  s.set_dropped_attributes_count(d.dropped_fields);
  for (const SpanData::Log& log : d.logs) {
    Span::Event& e = *s.add_events();
    e.set_time_unix_nano(log.unix_nanos);
    const SpanData::Tag* event = log.field("event");
    e.set_name(event ? std::get<std::string>(event->value) : "log");
    for (const SpanData::Tag& f : log.fields)
      if (f.key != "event") add(e.mutable_attributes(), otel_name(f.key), f.value);
  }
  auto link = [&](TraceId trace, SpanId span, const char* ref_type) {
    Span::Link& l = *s.add_links();
    l.set_trace_id(bytes_of(trace));
    l.set_span_id(bytes_of(span));
    add(l.mutable_attributes(), "opentracing.ref_type", std::string(ref_type));
  };
  if (d.parent_id.valid() && d.parent_reference == Reference::kFollowsFrom) link(d.trace_id, d.parent_id, "follows_from");
  for (const auto& r : d.references)
    link(r.trace_id, r.span_id, r.kind == Reference::kFollowsFrom ? "follows_from" : "child_of");
  if (d.error) {
    s.mutable_status()->set_code(pb::trace::v1::Status::STATUS_CODE_ERROR);
    s.mutable_status()->set_message("upstream returned 503");
  }
  return s;
}

class GoldenOtlp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static Receiver receiver;
    OtlpHttpExporter exporter(options_for(receiver, std::chrono::seconds(5)));
    result_ = exporter.export_batch(*GoldenTrace::get().batch());
    requests_ = receiver.requests();
  }
  const pb::collector::trace::v1::ExportTraceServiceRequest& request() {
    static const auto decoded = decode(requests_.at(0));
    return decoded;
  }
  // Decoded spans by span id, with the service of their resource.
  std::map<std::string, std::pair<std::string, Span>> spans() {
    std::map<std::string, std::pair<std::string, Span>> out;
    for (const auto& rs : request().resource_spans())
      for (const auto& ss : rs.scope_spans())
        for (const Span& s : ss.spans()) out[s.span_id()] = {rs.resource().attributes(0).value().string_value(), s};
    return out;
  }

  static inline ExportResult result_;
  static inline std::vector<Receiver::Request> requests_;
};

TEST_F(GoldenOtlp, OnePostOfProtobufToTheTracesPath) {
  EXPECT_EQ(result_.code, ExportResult::Code::kSuccess);
  EXPECT_EQ(result_.rejected, 0u);
  ASSERT_EQ(requests_.size(), 1u);
  EXPECT_EQ(requests_[0].method, "POST");
  EXPECT_EQ(requests_[0].path, "/v1/traces");
  EXPECT_EQ(requests_[0].header("content-type"), "application/x-protobuf");
  EXPECT_EQ(requests_[0].header("content-encoding"), "");
  EXPECT_EQ(requests_[0].header("user-agent"), "zspan-otlp/" + std::string(kVersion));
}

TEST_F(GoldenOtlp, SpansAreGroupedByServiceUnderTheZspanScope) {
  ASSERT_EQ(request().resource_spans_size(), 2);
  const std::vector<std::pair<std::string, int>> services = {{"frontend", 6}, {"backend", 1}};
  for (int i = 0; i < 2; ++i) {
    const auto& rs = request().resource_spans(i);
    SCOPED_TRACE(services[i].first);
    ASSERT_EQ(rs.scope_spans_size(), 1);
    EXPECT_EQ(rs.scope_spans(0).scope().name(), "zspan");
    EXPECT_EQ(rs.scope_spans(0).scope().version(), kVersion);
    EXPECT_EQ(rs.scope_spans(0).spans_size(), services[i].second);

    pb::resource::v1::Resource want;
    otel::Resource::get().for_each_attribute(services[i].first, [&](std::string_view key, const auto& value) {
      KeyValue& kv = *want.add_attributes();
      kv.set_key(std::string(key));
      if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::int64_t>) kv.mutable_value()->set_int_value(value);
      else kv.mutable_value()->set_string_value(std::string(value));
    });
    EXPECT_TRUE(MessageDifferencer::Equals(want, rs.resource())) << want.DebugString() << "\n" << rs.resource().DebugString();
    EXPECT_EQ(rs.resource().attributes(0).key(), "service.name");
    EXPECT_EQ(rs.resource().attributes(0).value().string_value(), services[i].first);
    EXPECT_EQ(rs.resource().attributes(1).key(), "process.pid");
    EXPECT_EQ(rs.resource().attributes(1).value().int_value(), ::getpid());
  }
}

TEST_F(GoldenOtlp, EverySpanCarriesEveryFieldOfTheMapping) {
  const std::vector<Span::SpanKind> kinds = {Span::SPAN_KIND_SERVER,   Span::SPAN_KIND_INTERNAL, Span::SPAN_KIND_CLIENT,
                                             Span::SPAN_KIND_PRODUCER, Span::SPAN_KIND_INTERNAL, Span::SPAN_KIND_INTERNAL,
                                             Span::SPAN_KIND_INTERNAL};
  auto got = spans();
  ASSERT_EQ(got.size(), GoldenTrace::kSpans);
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    const SpanData& want = GoldenTrace::get().expected()[i];
    SCOPED_TRACE(want.name);
    const auto it = got.find(bytes_of(want.span_id));
    ASSERT_NE(it, got.end());
    EXPECT_EQ(it->second.first, want.service);
    const Span expected = expected_span(want, kinds[i]);
    MessageDifferencer differ;
    std::string diff;
    differ.ReportDifferencesToString(&diff);
    EXPECT_TRUE(differ.Compare(expected, it->second.second)) << diff;
  }
}

// The same facts as literals, where a rule of the encoder decides them.
TEST_F(GoldenOtlp, RunTimeNamesAndKeysAreWrittenAsStaticOnesAre) {
  auto got = spans();
  const Span& dispatch = got.at(bytes_of("7000000000000007")).second;
  EXPECT_EQ(dispatch.name(), "POST /orders/:id");
  ASSERT_EQ(dispatch.attributes_size(), 2);
  EXPECT_EQ(dispatch.attributes(0).key(), "config.tier");
  EXPECT_EQ(dispatch.attributes(0).value().string_value(), "gold");
  EXPECT_EQ(dispatch.attributes(1).key(), "config.quota");
  EXPECT_EQ(dispatch.attributes(1).value().int_value(), 42);
  ASSERT_EQ(dispatch.events_size(), 1);
  EXPECT_EQ(dispatch.events(0).name(), "retry");
  ASSERT_EQ(dispatch.events(0).attributes_size(), 1);
  EXPECT_EQ(dispatch.events(0).attributes(0).key(), "retry.reason");
}

TEST_F(GoldenOtlp, FlagsCarryTheW3CTraceFlags) {
  zspan::detail::SpanRecord record = (*GoldenTrace::get().batch())[0].record();
  record.size_bytes = sizeof(zspan::detail::SpanRecord);  // no fields
  for (const auto& [flags, otlp_flags] : std::vector<std::pair<std::uint8_t, std::uint32_t>>{
           {zspan::detail::SpanRecord::kSampled, 0x101},
           {zspan::detail::SpanRecord::kSampled | zspan::detail::SpanRecord::kRandom, 0x103},
           {zspan::detail::SpanRecord::kSampled | zspan::detail::SpanRecord::kForced, 0x101},
           {zspan::detail::SpanRecord::kSampled | zspan::detail::SpanRecord::kRemoteParent, 0x301}}) {
    record.flags = flags;
    const zspan::BatchedSpan one{&record, "svc"};
    const zspan::SpanBatch batch({&one, 1}, GoldenTrace::get().clock());
    EXPECT_EQ(zspan::otlp::span_flags(*batch.begin()), otlp_flags) << int{flags};
  }
}

TEST_F(GoldenOtlp, IdsAreBigEndianBytes) {
  auto got = spans();
  const Span& root = got.at(bytes_of("00f067aa0ba902b7")).second;
  EXPECT_EQ(hex(root.trace_id()), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(root.parent_span_id(), "");
  const Span& handle = got.at(bytes_of("4000000000000004")).second;
  EXPECT_EQ(hex(handle.parent_span_id()), "b7ad6b7169203331");
  EXPECT_EQ(handle.flags(), 0x301u);  // sampled, remote parent
  EXPECT_EQ(handle.dropped_attributes_count(), 3u);
  ASSERT_EQ(handle.links_size(), 1);
  EXPECT_EQ(hex(handle.links(0).trace_id()), "11111111111111112222222222222222");
  EXPECT_EQ(handle.links(0).attributes(0).value().string_value(), "follows_from");
}

TEST_F(GoldenOtlp, Uint64AboveInt64MaxIsADecimalString) {
  const Span auth = spans().at(bytes_of("1000000000000001")).second;
  std::map<std::string, AnyValue> attributes;
  for (const KeyValue& kv : auth.attributes()) attributes[kv.key()] = kv.value();
  EXPECT_EQ(attributes["auth.token_bits"].string_value(), "18446744073709551615");
  const auto& masks = attributes["auth.masks"].array_value();
  ASSERT_EQ(masks.values_size(), 2);
  EXPECT_EQ(masks.values(0).string_value(), "18446744073709551615");
  EXPECT_EQ(masks.values(1).string_value(), "7");  // the array keeps one type
  EXPECT_EQ(attributes["auth.codes"].array_value().values(0).int_value(), -1);
}

TEST_F(GoldenOtlp, ErrorStatusCarriesTheFirstErrorMessage) {
  const Span select = spans().at(bytes_of("2000000000000002")).second;
  EXPECT_EQ(select.status().code(), pb::trace::v1::Status::STATUS_CODE_ERROR);
  EXPECT_EQ(select.status().message(), "upstream returned 503");
  EXPECT_EQ(select.kind(), Span::SPAN_KIND_CLIENT);
}

TEST(OtlpEncoding, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(otlp::valid_utf8("naïve ✓ 😀"), "naïve ✓ 😀");
  EXPECT_EQ(otlp::valid_utf8("cut \xe2\x9c"), "cut \xef\xbf\xbd\xef\xbf\xbd");  // half of ✓
  EXPECT_EQ(otlp::valid_utf8("\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xff"),
            "\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd");  // overlong, surrogate, > U+10FFFF
}

}  // namespace
}  // namespace zspan::testing
