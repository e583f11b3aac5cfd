// OtlpHttpExporter: sends spans to an OpenTelemetry collector (or any OTLP backend) over
// OTLP/HTTP: one POST {endpoint}/v1/traces per batch, carrying one ExportTraceServiceRequest
// as protobuf (the default) or JSON (exporters/otlp/otlp_encoding.hpp says how spans map;
// exporters/otlp/otlp_wire.hpp and exporters/otlp/otlp_json.hpp write that message's
// protobuf bytes and its JSON directly, without libprotobuf).
//
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::OtlpHttpExporter> tracer{"checkout"};  // settings from the environment
//
//   zspan::OtlpHttpExporter::Options o = zspan::OtlpHttpExporter::Options::from_env();
//   o.endpoint = "https://otel.example.com:4318/v1/traces";
//   auto otlp = zspan::share_exporter<zspan::OtlpHttpExporter>(zspan::ExportOptions::from_env(), o);
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::OtlpHttpExporter> frontend{"frontend", {}, otlp};
//
// Settings (the OTLP exporter specification; each OTEL_EXPORTER_OTLP_TRACES_* form wins
// over its OTEL_EXPORTER_OTLP_* form; an empty value counts as unset):
//
//   variable                              default                  Options field
//   OTEL_EXPORTER_OTLP_ENDPOINT           http://localhost:4318    endpoint = it + "/v1/traces"
//   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT    -                        endpoint = it, used as is
//   OTEL_EXPORTER_OTLP_PROTOCOL           http/protobuf            protocol: http/protobuf or
//                                                                   http/json (grpc: not supported
//                                                                   yet, http/protobuf is used)
//   OTEL_EXPORTER_OTLP_HEADERS            -                        headers: k=v,k2=v2, values
//                                                                   percent-decoded
//   OTEL_EXPORTER_OTLP_TIMEOUT            10000 (ms)               timeout
//   OTEL_EXPORTER_OTLP_COMPRESSION        none                     compression: gzip or none
//   OTEL_EXPORTER_OTLP_CERTIFICATE        system CAs               certificate (PEM, verifies
//                                                                   the server for https)
//   OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE -                        client_certificate (PEM)
//   OTEL_EXPORTER_OTLP_CLIENT_KEY         -                        client_key (PEM)
//
// A bad value (a timeout that is not a positive whole number, an unknown compression or
// protocol, a malformed header, an endpoint that is not http:// or https://) prints one
// line naming the variable, its value and what is used instead (trace/env.hpp).
//
// Failures: the OTLP specification's "Failures and retries", as exporters/http/http_sender.hpp
// carries them out within `timeout` (429, 502, 503, 504 and connection failures retried
// with backoff honoring Retry-After, then retryable() for the pipeline; any other status
// permanent()), plus: a 2xx answer with a partial success (rejected_spans, error_message)
// is partial(rejected_spans), with one rate-limited line saying why. Nothing is thrown.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zspan/exporters/http/http_sender.hpp"
#include "zspan/exporters/otlp/otlp_json.hpp"
#include "zspan/exporters/otlp/otlp_wire.hpp"
#include "zspan/trace/export/exporter.hpp"

namespace zspan {

class OtlpHttpExporter {
 public:
  enum class Compression { kNone, kGzip };
  enum class Protocol { kHttpProtobuf, kHttpJson };

  struct Options {
    std::string endpoint = "http://localhost:4318/v1/traces";  // the full URL requests go to
    Protocol protocol = Protocol::kHttpProtobuf;
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds timeout{10000};
    Compression compression = Compression::kNone;
    std::string certificate;
    std::string client_certificate;
    std::string client_key;

    // The defaults above, overridden by the variables that are set (the table above).
    static Options from_env() noexcept;
  };

  OtlpHttpExporter() : OtlpHttpExporter(Options::from_env()) {}
  explicit OtlpHttpExporter(Options options);

  std::string_view name() const noexcept { return "otlp"; }  // in zspan::stats().exporters
  ExportResult export_batch(const SpanBatch& batch) noexcept;
  void on_fork_child() noexcept { sender_.on_fork_child(); }

  const Options& options() const noexcept { return options_; }

 private:
  std::uint32_t rejected_by(const std::string& response_body) const;

  Options options_;
  HttpSender sender_;
  otlp::WireEncoder wire_;  // http/protobuf bodies, written without building messages
  otlp::JsonEncoder json_;  // http/json bodies, the same
  std::string body_;        // reused from batch to batch
};

}  // namespace zspan
