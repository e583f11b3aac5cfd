// JaegerAgentExporter: sends spans to a Jaeger agent (or jaegertracing/all-in-one) over UDP,
// as Jaeger's own clients did: Thrift `Agent.emitBatch` oneway calls, compact protocol on
// port 6831, binary on 6832 (exporters/jaeger/jaeger_encoding.hpp says how spans map).
//
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::JaegerAgentExporter> tracer{"checkout"};  // settings from the environment
//
//   zspan::JaegerAgentExporter::Options o = zspan::JaegerAgentExporter::Options::from_env();
//   o.host = "jaeger-agent.internal";
//   auto jaeger = zspan::share_exporter<zspan::JaegerAgentExporter>(zspan::ExportOptions::from_env(), o);
//
// Settings (OpenTelemetry's SDK environment variables for Jaeger, read by trace/env.hpp's
// rules: an empty value counts as unset, a bad one prints one line naming the variable, its
// value and what is used instead):
//
//   variable                          default     Options field
//   OTEL_EXPORTER_JAEGER_AGENT_HOST   localhost   host (a name or an IPv4/IPv6 address)
//   OTEL_EXPORTER_JAEGER_AGENT_PORT   6831        port (1 to 65535)
//   OTEL_EXPORTER_JAEGER_PROTOCOL     from port   protocol: udp/thrift.compact or
//                                                 udp/thrift.binary; unset (or the
//                                                 collector's http/thrift.binary, grpc):
//                                                 binary when the port is 6832, else compact
//   -                                 65000       max_packet_size: the largest datagram, the
//                                                 agent's own limit (its
//                                                 --processor.*.server-max-packet-size)
//
// Datagrams: one Batch per service (a Batch has one Process), split so that no datagram,
// emitBatch call and Process included, exceeds max_packet_size. A span too big to fit a
// datagram alone is trimmed: its attributes (tags) are left out from the last, as few as
// needed, then its logs likewise; its otel.dropped_attributes_count and
// otel.dropped_events_count tags say how many. A span that does not fit even so is not sent:
// counted as rejected (ExportResult::partial). Nothing is ever sent cut in the middle.
// stats() counts datagrams, trimmed spans, tags and logs, and send failures.
//
// Failures (UDP says little: a datagram that leaves the host may still be lost):
//  - The socket is opened (the host resolved, the socket connect()ed) on the first export,
//    on the exporter's worker thread, and again after a failure. A host that does not
//    resolve, or a socket that cannot open: the batch is retryable() (kept queued). Resolving
//    waits at most the system resolver's timeout.
//  - ECONNREFUSED (an earlier datagram met a closed port: no agent listening) is reported by
//    the next send; that datagram is sent once more, and what UDP lost cannot be counted.
//  - EMSGSIZE (max_packet_size above what the system allows): that datagram's spans are
//    rejected; the next datagrams go on.
//  - Any other send error (no route, no buffer, a send blocked for 1 s): the socket is
//    closed; if nothing of the batch was sent it is retryable(), else the spans not sent are
//    rejected (partial), so that none is sent twice.
//  - Each kind of failure prints at most one line every 10 s (trace/diagnostics.hpp) naming
//    the agent's host:port and why. Nothing is thrown; a send never waits more than 1 s.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zspan/exporters/jaeger/jaeger_encoding.hpp"
#include "zspan/trace/export/exporter.hpp"

namespace zspan {

class JaegerAgentExporter {
 public:
  static constexpr std::size_t kMaxPacketSize = 65000;

  struct Options {
    std::string host = "localhost";
    std::uint16_t port = 6831;
    std::optional<jaeger::Protocol> protocol;  // unset: binary on port 6832, else compact
    std::size_t max_packet_size = kMaxPacketSize;

    // The defaults above, overridden by the variables that are set (the table above).
    static Options from_env() noexcept;
    // `protocol`, or the one the agent listens to on `port`.
    jaeger::Protocol protocol_or_default() const noexcept {
      return protocol.value_or(port == 6832 ? jaeger::Protocol::kBinary : jaeger::Protocol::kCompact);
    }
  };

  struct Stats {
    std::uint64_t datagrams = 0;      // sent
    std::uint64_t spans_trimmed = 0;  // sent with tags or logs left out
    std::uint64_t tags_trimmed = 0;
    std::uint64_t logs_trimmed = 0;
    std::uint64_t spans_too_big = 0;  // not sent: too big even without tags and logs
    std::uint64_t refused = 0;        // sends that reported ECONNREFUSED
    std::uint64_t send_failures = 0;  // sends that failed otherwise, and failures to open
  };

  JaegerAgentExporter() : JaegerAgentExporter(Options::from_env()) {}
  explicit JaegerAgentExporter(Options options);
  ~JaegerAgentExporter();
  JaegerAgentExporter(const JaegerAgentExporter&) = delete;
  JaegerAgentExporter& operator=(const JaegerAgentExporter&) = delete;

  std::string_view name() const noexcept { return "jaeger-agent"; }  // in zspan::stats().exporters
  ExportResult export_batch(const SpanBatch& batch) noexcept;
  // The child closes its copy of the parent's socket and opens its own when it exports.
  // Its Process tags get the child's process.pid.
  void on_fork_child() noexcept {
    close_socket();
    encoder_.forget_processes();
  }

  const Options& options() const noexcept { return options_; }
  // Read from any thread.
  Stats stats() const noexcept;

 private:
  // What became of a datagram.
  enum class Sent { kOk, kRejected, kFailed };

  bool open_socket();
  void close_socket() noexcept;
  std::string endpoint() const;
  bool export_service(const SpanBatch& batch, std::string_view service, std::uint32_t& sent, std::uint32_t& rejected);
  bool append_trimmed(const SpanView& span, std::size_t size, std::size_t budget);
  Sent send(std::string_view spans, std::uint32_t count);

  Options options_;
  jaeger::Encoder encoder_;
  int socket_ = -1;
  std::int32_t sequence_ = 0;
  std::string_view process_;  // the current service's Process (in encoder_)
  std::string head_;     // the current datagram's emitBatch call, Process and list header
  std::string pending_;  // the spans of the datagram being filled

  struct Counters {
    std::atomic<std::uint64_t> datagrams{0}, spans_trimmed{0}, tags_trimmed{0}, logs_trimmed{0}, spans_too_big{0},
        refused{0}, send_failures{0};
  };
  Counters counters_;
};

}  // namespace zspan
