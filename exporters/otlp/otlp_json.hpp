// A batch of spans written straight as the OTLP/JSON text of an ExportTraceServiceRequest,
// without building the messages: the http/json body of OtlpHttpExporter. It writes the
// request otlp::encode builds (exporters/otlp/otlp_encoding.hpp has the rules) as the OTLP
// specification's JSON Protobuf Encoding spells it, with exporters/json/json_writer.hpp.
//
//   zspan::otlp::JsonEncoder encoder;    // keep it: it reuses its buffers
//   std::string body;
//   encoder.encode(batch, body);         // appends the request's JSON
//
// The rules (protobuf's JSON mapping, as its own printer writes the message, but for ids):
//  - Names in lowerCamelCase: resourceSpans, scopeSpans, startTimeUnixNano, ...
//  - Trace and span ids as lower-case hex (32 and 16 digits), not base64.
//  - Enums (kind, status.code) as integers; uint32 numbers (flags, the dropped counts) as
//    JSON numbers; 64-bit integers (times, intValue) as strings of their decimal digits.
//  - A field that holds its default (0, "", no element) is omitted, as protobuf omits it
//    from the wire: a root has no parentSpanId, an event without attributes no
//    "attributes". A value's member (stringValue, intValue, ...) is always written, even
//    "" or "0": it is one of a oneof, present once set. An empty array is {"arrayValue":{}}.
//  - Doubles: the shortest text that reads back as the same double; NaN and the
//    infinities as the strings "NaN", "Infinity" and "-Infinity".
//  - Strings are valid UTF-8, each invalid byte U+FFFD (as otlp::valid_utf8 makes them);
//    control characters, `"` and `\` escaped.
//  - Members in field-number order, as protobuf's printer writes them.
//
// The resource attributes every service shares (all but service.name and process.pid) are
// written once, when the encoder is made, and copied into each request.
//
// tests/exporters/otlp/json_test.cc compares its output, as parsed JSON values, with
// libprotobuf's JSON printer's (ids turned to hex) on the golden batch and on random ones
// (under tight span limits too: json_test_limited), and reads the golden request back
// with libprotobuf's JSON parser; bench/export_bench.cc measures both (BM_EncodeOtlpJson,
// BM_EncodeOtlpJsonLibrary).
#pragma once

#include <string>

#include "zspan/exporters/otlp/resource_groups.hpp"
#include "zspan/trace/export/exporter.hpp"

namespace zspan::otlp {

class JsonEncoder {
 public:
  JsonEncoder();
  // Appends the batch's ExportTraceServiceRequest in OTLP/JSON to `out`.
  void encode(const SpanBatch& batch, std::string& out);

 private:
  ResourceGroups groups_;
  std::string common_resource_;  // the resource attributes every service shares, written once
};

}  // namespace zspan::otlp
