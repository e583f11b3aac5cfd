// JsonLinesExporter: one finished span per line, a JSON object carrying every field of the
// OpenTelemetry mapping (trace/export/otel.hpp), appended to a file or written to a stream.
// For machines and tests: jq, a log shipper, a test decoding each line with a JSON parser.
//
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::JsonLinesExporter> tracer{"checkout", {}, "spans.jsonl"};
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::JsonLinesExporter> to_stdout{"checkout", {}, std::cout};
//
// A line (one line; wrapped here), every key always present:
//
//   {"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"00f067aa0ba902b7",
//    "parent_span_id":"","parent_is_remote":false,"name":"GET /users","service":"frontend",
//    "kind":"SERVER","start_time_unix_nano":1700000000000000000,"end_time_unix_nano":1700000000005000000,
//    "status":{"code":"UNSET","message":""},
//    "attributes":{"http.request.method":"GET","http.response.status_code":200},
//    "truncated_attributes":[],"dropped_attributes_count":0,
//    "events":[{"time_unix_nano":1700000000001000000,"name":"cache miss",
//               "attributes":{"cache.key":"users:42"},"truncated_attributes":[]}],
//    "links":[{"trace_id":"...","span_id":"...","attributes":{"opentracing.ref_type":"follows_from"}}]}
//
// The rules:
//  - Field names are OTLP's (the protobuf names); values follow exporters/json/json_writer.hpp:
//    ids as lower-case hex strings (parent_span_id "" for a root), times as integer Unix
//    nanoseconds, kind and status code by their OTLP names ("SERVER", "ERROR").
//  - attributes is an object keyed by OpenTelemetry name, in the order the tags were set; a
//    key set twice appears twice (parsers keep the last, as SpanData::tag does). JSON types
//    carry the value types: true/false, integers (int64 and uint64 alike, exact to 64 bits:
//    18446744073709551615 is written as that integer), numbers with a fraction or exponent
//    (double; NaN and the infinities as the strings "NaN", "Infinity", "-Infinity"), strings,
//    arrays of one of those.
//  - A string cut at the size limit is what was kept (invalid UTF-8 where the cut split a
//    character becomes U+FFFD); its key is listed in truncated_attributes.
//  - dropped_attributes_count: the fields that did not fit the span (tags, logs, references).
//  - A file is created or appended to, one write(2) per batch: whole lines, never half of
//    one, even with a fork()ed child appending to the same file. A stream is flushed after
//    each batch and not written by a fork()ed child.
//  - A failed write (a path that cannot be opened, a full disk) never reaches the program:
//    one rate-limited line on stderr, and the batch is counted as rejected
//    (ExportResult::permanent()). The file is tried again with the next batch.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "zspan/exporters/json/json_writer.hpp"
#include "zspan/exporters/json/output_sink.hpp"
#include "zspan/trace/export/exporter.hpp"

namespace zspan {

// The encoding alone: a span's line, with its '\n', written by `json` (one writer for a
// batch of lines).
class JsonLinesEncoder {
 public:
  void encode(const SpanView& span, JsonWriter& json);

 private:
  std::vector<std::string_view> cut_keys_;  // reused from span to span
};

class JsonLinesExporter {
 public:
  explicit JsonLinesExporter(std::string path);
  explicit JsonLinesExporter(std::ostream& out);

  std::string_view name() const noexcept { return "jsonl"; }  // in zspan::stats().exporters
  ExportResult export_batch(const SpanBatch& batch);
  void on_fork_child() noexcept;

 private:
  OutputSink sink_;
  JsonLinesEncoder encoder_;
  std::string buffer_;
};

}  // namespace zspan
