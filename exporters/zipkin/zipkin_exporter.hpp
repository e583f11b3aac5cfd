// ZipkinExporter: sends spans to Zipkin (or any backend that speaks its v2 API: Jaeger's
// Zipkin port, the OpenTelemetry Collector's zipkin receiver): one POST per batch of a JSON
// array of Zipkin v2 spans, mapped as the OpenTelemetry specification's "OpenTelemetry to
// Zipkin Transformation" says, after trace/export/otel.hpp.
//
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::ZipkinExporter> tracer{"checkout"};  // settings from the environment
//
//   zspan::ZipkinExporter::Options o = zspan::ZipkinExporter::Options::from_env();
//   o.endpoint = "http://zipkin.example.com:9411/api/v2/spans";
//   auto zipkin = zspan::share_exporter<zspan::ZipkinExporter>(zspan::ExportOptions::from_env(), o);
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::ZipkinExporter> frontend{"frontend", {}, zipkin};
//
// To see the traces: `docker run -p 9411:9411 openzipkin/zipkin`, then http://localhost:9411.
//
// Settings (the OpenTelemetry Zipkin exporter's; an empty value counts as unset):
//
//   variable                        default                               Options field
//   OTEL_EXPORTER_ZIPKIN_ENDPOINT   http://localhost:9411/api/v2/spans    endpoint, used as is
//   OTEL_EXPORTER_ZIPKIN_TIMEOUT    10000 (ms)                            timeout
//
// A bad value (an endpoint that is not http:// or https://, a timeout that is not a positive
// whole number) prints one line naming the variable, its value and what is used instead
// (trace/env.hpp).
//
// A span, as ZipkinEncoder writes it (one line; wrapped here; absent fields are omitted):
//
//   {"traceId":"0af7651916cd43dd8448eb211c80319c","parentId":"00f067aa0ba902b7",
//    "id":"2000000000000002","kind":"CLIENT","name":"SELECT users",
//    "timestamp":1700000000001200,"duration":3000,"localEndpoint":{"serviceName":"backend"},
//    "annotations":[{"timestamp":1700000000002500,"value":"\"error\":{\"message\":\"upstream returned 503\"}"}],
//    "tags":{"db.query.text":"SELECT xxx...","otel.status_code":"ERROR","error":"upstream returned 503",
//            "otel.scope.name":"zspan","otel.scope.version":"0.3.0",
//            "otel.library.name":"zspan","otel.library.version":"0.3.0"}}
//
// The rules (the specification's, and what it leaves open decided here):
//  - Ids: traceId 32 lower-case hex digits, id and parentId 16; parentId is absent for a
//    root. A parent from another process is the parentId too.
//  - kind: CLIENT, SERVER, PRODUCER or CONSUMER; absent for an internal span.
//  - timestamp: the start in whole Unix microseconds; duration: (end - start) in whole
//    microseconds, cut as the specification says (1234 ns is 1 µs), but at least 1: Zipkin
//    reads a duration of 0 as "unknown" (its API: "durations of less than one are rounded up").
//  - localEndpoint.serviceName: the span's service (its resource's service.name). The other
//    resource attributes are not sent (the specification leaves them open; Zipkin has no
//    resource, and repeating process.pid and host.name on every span buys nothing).
//  - tags: every attribute as a string: strings as they are, booleans "true"/"false",
//    integers in decimal (uint64 exactly, above INT64_MAX too), doubles in their shortest
//    exact form ("0.875", "2.0", "NaN", "Infinity"), arrays as a JSON list
//    ("[\"admin\",\"x\"]", "[18446744073709551615,7]"). Then:
//      otel.status_code "ERROR" and error = the status message ("" if none) for a failed
//      span; neither for an unset status (zspan has no OK status);
//      otel.scope.name "zspan", otel.scope.version, and their deprecated aliases
//      otel.library.name and otel.library.version (the specification's non-OTLP mapping);
//      otel.dropped_attributes_count when fields did not fit the span or its limits
//      (trace/export/span_limits.hpp), otel.dropped_events_count for logs past them;
//      otel.dropped_links_count when the span had links (see links), as the number of them.
//  - annotations: one per event (log), timestamp in microseconds, value
//    `"<event name>":{<its attributes as JSON, values typed>}` as the specification shows;
//    absent when the span has no log.
//  - links: Zipkin has none (the specification's mapping is "TBD"). A followsFrom parent is
//    the parentId (its follows-from meaning is lost); every other reference is not sent and
//    is counted in the span's otel.dropped_links_count tag.
//  - shared: never set. Zipkin's shared span is a server span reusing its client's span id
//    (B3 "join"); zspan gives every server span an id of its own, whose parentId is the
//    client's span, so no zspan span is shared.
//  - debug: true for a forced span (SpanView::forced(): Jaeger's debug flag or B3's from a
//    peer, or ForceTracing), so that Zipkin keeps it whatever its own sampling.
//  - remoteEndpoint (CLIENT and PRODUCER spans only, so that Zipkin draws the dependency):
//    serviceName is the value of the best ranked of these attributes (the specification's
//    ranks) that the span has as a non-empty string:
//      1 peer.service           5 server.socket.domain      9 peer.hostname
//      2 server.address         6 server.socket.address    10 peer.address
//      3 net.peer.name          7 net.sock.peer.name       11 db.name
//      4 network.peer.address   8 net.sock.peer.addr
//    (zspan's tags::peer_hostname is server.address, tags::peer_ipv4 and peer_ipv6
//    network.peer.address, tags::peer_port network.peer.port). An address (ranks 4, 6 and
//    8) is also ipv4 or ipv6 when it is an IP address, and comes with the port of its pair
//    (network.peer.port, server.socket.port, net.sock.peer.port) when that is a whole
//    number from 1 to 65535 (an integer, or a string of one). The attributes are the ones
//    exported (within the span limits); of two with one name, the later counts. They stay
//    tags too. No such attribute, no remoteEndpoint.
//  - Strings are written as valid UTF-8 (exporters/json/json_writer.hpp): control
//    characters escaped, each invalid byte replaced by U+FFFD.
//
// Failures: exporters/http/http_sender.hpp's policy, within `timeout` (429, 502, 503, 504
// and connection failures retried with backoff, then retryable() for the pipeline; any
// other status, such as Zipkin's 400 for a malformed span, permanent()), with one
// rate-limited line per kind of failure. Out of memory while encoding keeps the batch for
// a retry. Nothing is thrown.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "zspan/exporters/http/http_sender.hpp"
#include "zspan/exporters/json/json_writer.hpp"
#include "zspan/trace/export/exporter.hpp"

namespace zspan {

// The encoding alone: a batch as the JSON array a Zipkin v2 POST carries.
class ZipkinEncoder {
 public:
  ZipkinEncoder();
  // Appends the batch's JSON array to `out`.
  void encode(const SpanBatch& batch, std::string& out);

 private:
  void encode(const SpanView& span, JsonWriter& json);

  std::string scope_tags_;  // the otel.scope.* and otel.library.* members, written once
  std::string scratch_;     // a value's JSON text before it becomes a string
};

class ZipkinExporter {
 public:
  struct Options {
    std::string endpoint = "http://localhost:9411/api/v2/spans";
    std::chrono::milliseconds timeout{10000};

    // The defaults above, overridden by the variables that are set (the table above).
    static Options from_env() noexcept;
  };

  ZipkinExporter() : ZipkinExporter(Options::from_env()) {}
  explicit ZipkinExporter(Options options);

  std::string_view name() const noexcept { return "zipkin"; }  // in zspan::stats().exporters
  ExportResult export_batch(const SpanBatch& batch) noexcept;
  void on_fork_child() noexcept { sender_.on_fork_child(); }

  const Options& options() const noexcept { return options_; }

 private:
  Options options_;
  HttpSender sender_;
  ZipkinEncoder encoder_;
  std::string body_;  // reused from batch to batch
};

}  // namespace zspan
