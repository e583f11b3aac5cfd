// Spans as Jaeger's Thrift model (jaeger.thrift: Batch, Process, Span, Tag, Log, SpanRef),
// in the compact or the binary protocol, after the mapping of trace/export/otel.hpp. The
// encoder of JaegerAgentExporter and JaegerCollectorExporter; tests and benchmarks call it
// directly.
//
//   zspan::jaeger::Encoder encoder(zspan::jaeger::Protocol::kBinary);
//   std::string body;
//   for (std::string_view service : zspan::jaeger::services_of(batch))
//     encoder.append_batch(batch, service, zspan::jaeger::Envelope::kNone, body);  // a Batch
//
// A Batch carries one Process, so a zspan batch is one Jaeger Batch per service, in the
// order services first appear. The agent's datagrams are built from the pieces:
// append_batch_head (the emitBatch call, the Batch and its Process, the span list's header),
// spans from append_span, then batch_tail.
//
// The mapping (OpenTelemetry's "Jaeger" exporter specification, with otel.hpp's model):
//  - Process: serviceName is the tracer's service; tags are Jaeger's client tags
//    jaeger.version = "zspan-C++-<kVersion>", hostname (the resource's host.name), ip (the
//    first IPv4 address of an interface that is up and not loopback, when there is one),
//    then every resource attribute but service.name (otel::Resource: process.pid,
//    telemetry.sdk.*, host.name, OTEL_RESOURCE_ATTRIBUTES).
//  - Ids: the 128-bit trace id as traceIdHigh and traceIdLow, span ids as spanId and
//    parentSpanId (0 for a root), each the i64 with the same 64 bits (ids above INT64_MAX
//    are negative, as Jaeger's clients send them).
//  - references: the parent, as CHILD_OF or FOLLOWS_FROM after its kind (Jaeger's clients
//    send it even though parentSpanId says it), then every extra reference (otel links),
//    CHILD_OF or FOLLOWS_FROM after its opentracing.ref_type; absent when there are none.
//  - flags: 0x1 when sampled, 0x2 (debug) when forced (SpanView::forced(): a debug
//    trace from a peer, or ForceTracing).
//  - startTime, duration: microseconds (since the epoch; nanoseconds divided down).
//  - tags, in this order: the attributes (otel::for_each_attribute, OpenTelemetry names):
//    bool BOOL, int64 LONG, uint64 LONG up to INT64_MAX and its decimal STRING above,
//    double DOUBLE, string STRING (the kept part of a cut one), arrays a STRING of JSON
//    ([1,2], ["a","b"]: exporters/json/json_writer.hpp's rules); then span.kind (server,
//    client, producer, consumer; none for internal); otel.status_code ERROR or OK,
//    otel.status_description (the status message, when there is one) and error = true for
//    an error; otel.scope.name "zspan", otel.scope.version kVersion;
//    otel.dropped_attributes_count and otel.dropped_events_count when not zero (fields
//    that did not fit the span, plus what trimming left out).
//    zspan has no binary values: vBinary is never written.
//  - logs: one per event: timestamp in microseconds, fields "event" = the event's name
//    first, then its attributes as tags.
//
// Trimming (for a span that alone does not fit the agent's datagram): Trim keeps the first
// `tags` attributes and the first `logs` logs; what it leaves out is counted in the dropped
// counts above. The mapped tags (kind, status, scope, counts) are always kept.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zspan/trace/export/exporter.hpp"

namespace zspan::jaeger {

enum class Protocol : std::uint8_t { kCompact, kBinary };

// What surrounds a Batch: nothing (the collector's HTTP body), or the agent's oneway
// emitBatch call (agent.thrift: `oneway void emitBatch(1: jaeger.Batch batch)`).
enum class Envelope : std::uint8_t { kNone, kEmitBatch };

inline constexpr std::string_view kEmitBatch = "emitBatch";

struct Trim {
  std::uint32_t tags = std::numeric_limits<std::uint32_t>::max();  // attributes kept, in order
  std::uint32_t logs = std::numeric_limits<std::uint32_t>::max();  // logs kept, in order
};

// The services of the batch's spans, in the order they first appear.
std::vector<std::string_view> services_of(const SpanBatch& batch);

// Whether `span` is of `service` (a tracer's spans share its name's very characters: those
// are compared first).
inline bool is_of(const SpanView& span, std::string_view service) noexcept {
  const std::string_view own = span.service();
  return (own.data() == service.data() && own.size() == service.size()) || own == service;
}

// How many of the batch's spans are of `service`.
std::uint32_t count_of(const SpanBatch& batch, std::string_view service) noexcept;

// The Process's ip tag: this host's first IPv4 address that is up and not loopback
// ("" when there is none), looked up once.
const std::string& host_ip();

// The client version Jaeger shows for the process: "zspan-C++-" + kVersion.
const std::string& client_version();

class Encoder {
 public:
  explicit Encoder(Protocol protocol);

  Protocol protocol() const noexcept { return protocol_; }

  // Appends a Span struct (its fields and stop: a list element, or a field's value).
  void append_span(const SpanView& span, std::string& out, Trim trim = {});
  // The Process struct of `service`, encoded on first use and kept (valid until the next
  // call): its tags do not change but for process.pid, after fork(): forget_processes().
  std::string_view process(std::string_view service);
  void forget_processes() noexcept { processes_.clear(); }
  // Appends what comes before a Batch's spans: the envelope's header, the Batch's Process
  // (`process`, from process()) and the header of its list of `spans` spans.
  void append_batch_head(Envelope envelope, std::string_view process, std::uint32_t spans, std::int32_t sequence_id,
                         std::string& out) const;
  // What comes after the spans: the stops of the Batch and of the envelope.
  static std::string_view batch_tail(Envelope envelope) noexcept {
    return std::string_view("\0\0", envelope == Envelope::kEmitBatch ? 2 : 1);
  }
  // Appends a whole Batch (in its envelope) of the batch's spans of `service`.
  void append_batch(const SpanBatch& batch, std::string_view service, Envelope envelope, std::string& out);

 private:
  static constexpr std::size_t kMaxProcesses = 64;  // services kept; more start the cache afresh

  // Tags that are the same in every span that has them, encoded once.
  struct FixedTags {
    std::string scope;     // otel.scope.name, otel.scope.version
    std::string kinds[6];  // span.kind, by otel::SpanKind ("" for internal and unspecified)
  };

  Protocol protocol_;
  FixedTags fixed_;
  std::string scratch_;  // an array tag's JSON text, reused
  std::vector<std::pair<std::string, std::string>> processes_;  // service, Process
};

}  // namespace zspan::jaeger
