// What the Jaeger tests share: Thrift bytes decoded with Apache Thrift's own protocols, and
// the Thrift objects the golden spans must come out as, built from zspan::SpanData under
// the rules of exporters/jaeger/jaeger_encoding.hpp, independently of its encoder (JSON of
// arrays by nlohmann::json, not by zspan's JsonWriter). The benchmark of the library
// encoder (bench/export_bench.cc) builds its objects with the same functions.
//
//   jaegertracing::thrift::Batch got = decode_batch(body, jaeger::Protocol::kBinary);
//   jaegertracing::thrift::Batch got = decode_emit_batch(datagram, jaeger::Protocol::kCompact);
//   EXPECT_EQ(got.spans[0], expected_span(golden.expected()[0], ""));
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "zspan/exporters/jaeger/jaeger_encoding.hpp"
#include "tests/exporters/jaeger/jaeger_types.h"
#include "zspan/trace/export/span_data.hpp"

namespace zspan::testing {

namespace jt = ::jaegertracing::thrift;

// A Batch, fully read (a required field missing or bytes left over fail the test).
jt::Batch decode_batch(std::string_view bytes, jaeger::Protocol protocol);
// An agent datagram: the oneway emitBatch call's header, then its arguments.
jt::Batch decode_emit_batch(std::string_view datagram, jaeger::Protocol protocol);

// The span as Jaeger must receive it. `status_message`: the message of an error span's
// status (otel.status_description), "" for none. `kept_tags`/`kept_logs`: a trimmed span's.
jt::Span expected_span(const SpanData& span, const std::string& status_message, std::size_t kept_tags = SIZE_MAX,
                       std::size_t kept_logs = SIZE_MAX);
// The Process of `service`: Jaeger's client tags, then the resource's attributes.
jt::Process expected_process(const std::string& service);
// A Batch of the spans of `service`, in order; status messages by span, as expected_span.
jt::Batch expected_batch(const std::vector<SpanData>& spans, const std::vector<std::string>& status_messages,
                         const std::string& service);
// The golden spans' status messages, by span (golden_trace.hpp: only "SELECT users" failed).
std::vector<std::string> golden_status_messages();

// Tag constructors, for literal expectations.
jt::Tag string_tag(const std::string& key, const std::string& value);
jt::Tag long_tag(const std::string& key, std::int64_t value);
jt::Tag bool_tag(const std::string& key, bool value);
jt::Tag double_tag(const std::string& key, double value);

}  // namespace zspan::testing
