// HttpClient: the HTTP transport of zspan's collector exporters (OTLP/HTTP, Zipkin, the
// Jaeger collector; exporters/http/http_sender.hpp adds their retry policy) and of the
// jaeger_remote sampler: POSTs a body to, or GETs, one URL over one libcurl handle kept
// for the client's life, so consecutive requests reuse the connection.
//
//   zspan::HttpClient client({.url = "http://localhost:4318/v1/traces",
//                             .content_type = "application/x-protobuf",
//                             .gzip = true});
//   zspan::HttpResponse r = client.post(body, std::chrono::seconds(10));
//   if (r.status == 200) ...; else if (r.status == 0) ... r.error ...
//   zspan::HttpResponse s = HttpClient({.url = "http://localhost:5778/sampling?service=a"}).get(timeout);
//
// The rules:
//  - One call at a time per client (an exporter's worker thread); clients are independent.
//    curl_global_init runs once per process, when the first client is made: libcurl's
//    TLS library then registers its exit handler before the collector's flush at exit
//    and the jaeger_remote sampler's stop (made later), so those run first, while TLS
//    still works.
//  - `timeout` bounds the whole request, connecting included (connecting is bounded by
//    connect_timeout too). Redirects are not followed. Only http:// and https:// URLs.
//  - https uses the system's CA store, or ca_file; client_certificate_file and
//    client_key_file (PEM) authenticate this client for mutual TLS.
//  - With gzip, a POST's body is compressed (zlib) and sent with Content-Encoding: gzip.
//    Content-Type is sent when set.
//  - Never throws: a failure to allocate or to reach the server is a response with
//    status 0 and `error` saying why.
//  - After fork(), the child calls forget_connection(): it leaves the parent's connection
//    (a socket both processes hold) untouched and opens its own on the next post.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zspan {

struct HttpResponse {
  long status = 0;                                   // 0: no HTTP response, see `error`
  std::string body;                                  // the first kMaxBodyBytes of it
  std::optional<std::chrono::seconds> retry_after;   // the Retry-After header (seconds or a date)
  std::string error;                                 // why there is no response
  bool retryable_error = false;                      // status 0 and trying again may help

  static constexpr std::size_t kMaxBodyBytes = 1 << 20;
};

class HttpClient {
 public:
  struct Options {
    std::string url;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;  // sent with every request
    bool gzip = false;
    std::chrono::milliseconds connect_timeout{10000};
    std::string ca_file;                  // PEM CA bundle for https; empty: the system's
    std::string client_certificate_file;  // PEM, for mutual TLS
    std::string client_key_file;          // PEM
    std::string user_agent;
  };

  explicit HttpClient(Options options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse post(std::string_view body, std::chrono::milliseconds timeout) noexcept;
  HttpResponse get(std::chrono::milliseconds timeout) noexcept;
  void forget_connection() noexcept;

  const Options& options() const noexcept { return options_; }

 private:
  struct Handle;
  // A POST of *body, or a GET when body is null.
  HttpResponse request(const std::string_view* body, std::chrono::milliseconds timeout) noexcept;
  HttpResponse perform(const std::string_view* body, std::chrono::milliseconds timeout);

  Options options_;
  std::unique_ptr<Handle> handle_;
};

// gzip (RFC 1952) of `data`; nullopt if zlib fails (out of memory).
std::optional<std::string> gzip_compress(std::string_view data) noexcept;

}  // namespace zspan
