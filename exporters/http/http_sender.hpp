// HttpSender: delivers one export request to a collector over HTTP, retrying as the OTLP
// specification's "Failures and retries" says. The transport of every exporter that POSTs
// its batches (OTLP/HTTP, Zipkin, the Jaeger collector): the exporter encodes, the sender
// delivers and decides what a failure means.
//
//   zspan::HttpSender sender({.client = {.url = "http://localhost:9411/api/v2/spans",
//                                        .content_type = "application/json"},
//                             .timeout = std::chrono::seconds(10),
//                             .backend = "Zipkin"});
//   zspan::HttpSender::Delivery d = sender.send(body);
//   return d.result;     // or, on success, read d.response.body (OTLP's partial success)
//
// The policy:
//  - 2xx is success; the answer is in `response`.
//  - 429, 502, 503, 504 and failures to connect or to get an answer are retried within
//    `timeout`, which bounds the whole send() call: exponential backoff with jitter (0.5 s
//    doubling, at most 5 s, each wait drawn in [backoff/2, backoff]), never sooner than
//    the server's Retry-After. Once time is up the result is ExportResult::retryable(hint):
//    the pipeline keeps the batch at the head of its queue and offers it again after its
//    own backoff.
//  - Any other status (400 a malformed request, 401, 413, ...) is permanent(): the batch is
//    dropped and counted as rejected, at once.
//  - Each kind of failure prints at most one line every 10 s per sender, naming the backend,
//    the URL and why ("zspan: Zipkin backend unavailable: http://...: HTTP 503 ..."), not a
//    line per batch. Nothing is thrown.
//  - One connection is kept alive across sends (exporters/http/http_client.hpp); after
//    fork() the child calls on_fork_child().
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "zspan/exporters/http/http_client.hpp"
#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/export/exporter.hpp"

namespace zspan {

class HttpSender {
 public:
  struct Options {
    HttpClient::Options client;
    std::chrono::milliseconds timeout{10000};  // bounds one send(), retries included
    std::string backend;                       // names the backend in messages: "OTLP", "Zipkin"
  };

  struct Delivery {
    ExportResult result;    // success(), retryable(hint) or permanent()
    HttpResponse response;  // the last answer; with success, the backend's 2xx answer
  };

  explicit HttpSender(Options options);
  HttpSender(const HttpSender&) = delete;
  HttpSender& operator=(const HttpSender&) = delete;

  Delivery send(std::string_view body) noexcept;
  void on_fork_child() noexcept { client_.forget_connection(); }

  const std::string& url() const noexcept { return options_.client.url; }
  const std::string& backend() const noexcept { return options_.backend; }

 private:
  Options options_;
  HttpClient client_;
  std::string refused_title_;
  std::string unavailable_title_;
  RateLimitedWarning refused_;
  RateLimitedWarning unavailable_;
};

// At most 200 bytes of `text` with every byte that is not printable ASCII as '.', for a
// diagnostic line quoting what a server said.
std::string printable(std::string_view text);

}  // namespace zspan
