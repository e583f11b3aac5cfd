// JaegerCollectorExporter: sends spans to a Jaeger collector (or jaegertracing/all-in-one)
// over HTTP: each Jaeger Batch (one per service of the batch) POSTed as Thrift binary to
// the collector's /api/traces, as Jaeger's clients did (exporters/jaeger/jaeger_encoding.hpp
// says how spans map).
//
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::JaegerCollectorExporter> tracer{"checkout"};  // settings from the environment
//
//   zspan::JaegerCollectorExporter::Options o = zspan::JaegerCollectorExporter::Options::from_env();
//   o.endpoint = "https://jaeger.example.com:14268/api/traces";
//   auto jaeger = zspan::share_exporter<zspan::JaegerCollectorExporter>(zspan::ExportOptions::from_env(), o);
//
// Settings (OpenTelemetry's SDK environment variables for Jaeger, read by trace/env.hpp's
// rules: an empty value counts as unset, a bad one prints one line naming the variable, its
// value and what is used instead):
//
//   variable                        default                              Options field
//   OTEL_EXPORTER_JAEGER_ENDPOINT   http://localhost:14268/api/traces    endpoint (http:// or https://)
//   OTEL_EXPORTER_JAEGER_USER       -                                    user     } HTTP basic
//   OTEL_EXPORTER_JAEGER_PASSWORD   -                                    password } authentication
//   OTEL_EXPORTER_JAEGER_TIMEOUT    10000 (ms)                           timeout
//
// Requests: POST, Content-Type application/x-thrift, the body one Thrift binary Batch;
// with a user, Authorization: Basic base64(user:password). One connection kept alive.
//
// Failures (exporters/http/http_sender.hpp, the policy every HTTP exporter shares):
//  - 429, 502, 503, 504 and failures to connect or to get an answer are retried within
//    `timeout` per request (backoff with jitter, honoring Retry-After); once time is up the
//    batch is retryable() if none of its Batches was delivered. Other statuses (400, 401,
//    413, ...) reject that Batch's spans at once.
//  - A batch of several services is several requests: once one was delivered, a later one
//    that fails either way rejects its spans (partial), and one out of time the spans of
//    the requests after it too, which are not tried: no span is sent twice.
//  - At most one line every 10 s per kind of failure, naming the URL and why. Nothing is
//    thrown.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "zspan/exporters/http/http_sender.hpp"
#include "zspan/exporters/jaeger/jaeger_encoding.hpp"
#include "zspan/trace/export/exporter.hpp"

namespace zspan {

class JaegerCollectorExporter {
 public:
  struct Options {
    std::string endpoint = "http://localhost:14268/api/traces";
    std::string user;      // basic authentication when not empty
    std::string password;
    std::chrono::milliseconds timeout{10000};  // bounds one request, retries included

    // The defaults above, overridden by the variables that are set (the table above).
    static Options from_env() noexcept;
  };

  JaegerCollectorExporter() : JaegerCollectorExporter(Options::from_env()) {}
  explicit JaegerCollectorExporter(Options options);

  std::string_view name() const noexcept { return "jaeger-collector"; }  // in zspan::stats().exporters
  ExportResult export_batch(const SpanBatch& batch) noexcept;
  // The child opens its own connection, and its Process tags get its process.pid.
  void on_fork_child() noexcept {
    sender_.on_fork_child();
    encoder_.forget_processes();
  }

  const Options& options() const noexcept { return options_; }

 private:
  Options options_;
  jaeger::Encoder encoder_{jaeger::Protocol::kBinary};
  HttpSender sender_;
  std::string body_;  // reused
};

}  // namespace zspan
