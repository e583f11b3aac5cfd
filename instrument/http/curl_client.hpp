// Client spans for libcurl: perform a request through CurlClient and it runs under a span
// named after its method, carrying the trace to the server in the configured headers.
// (Bazel: //instrument/http:curl.)
//
//   const zspan::http::CurlClient client;                     // or (peers, propagator)
//   CURL* curl = curl_easy_init();
//   curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, ...);       // everything but URL, method
//   CURLcode rc = client.perform(curl, "GET", "http://inventory:8080/items/7", my_headers);
//
// perform() sets the URL, the method (GET, HEAD, POST: their own options; any other token:
// CURLOPT_CUSTOMREQUEST, with whatever body options the handle has) and CURLOPT_HTTPHEADER
// (`headers`, which stays the caller's, followed by the trace headers) on the handle, then
// calls curl_easy_perform. The span is a child of the current span, of SpanKind client,
// named "{method}" as the OpenTelemetry HTTP conventions want, with http.request.method,
// url.full (without user and password), server.address, server.port and
// http.response.status_code. A transport failure (its curl_easy_strerror text is the error
// message and error.type) or a status of 400 and above (error.type is the status; the
// conventions fail client spans on 4xx too) marks it failed.
//
// Trust: the URL is parsed once, by curl's own parser (the handle is given that parsed
// URL, so what is checked is where curl connects), and the trace headers are added only
// when its host (an IPv6 address without brackets) passes the whitelist. So that they
// never follow a redirect to another host, perform() turns CURLOPT_FOLLOWLOCATION off: to
// follow one, perform the CURLINFO_REDIRECT_URL (each hop is then its own span, as the
// conventions want). Headers the caller already sent (its own traceparent) are left as
// they are.
//
// A method that is not an RFC 9110 token, a URL curl rejects or whose scheme is not http
// or https, and a null handle are refused before anything is sent (CURLE_BAD_FUNCTION_
// ARGUMENT, CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL), with a failed span, and
// counted (http_drops().requests_refused); a trace header curl has no memory for is
// counted too (headers_lost). perform() never throws; it allocates only what curl does
// (its URL parts and header list) and, for a trace header over 512 bytes (a long
// baggage), its line. The handle is left with the URL set.
#pragma once

#include <curl/curl.h>

#include <string_view>

#include "zspan/instrument/http/route.hpp"
#include "zspan/trace/propagation/configured_propagator.hpp"
#include "zspan/trace/propagation/peer_whitelist.hpp"

namespace zspan::http {

class CurlClient {
 public:
  // The whitelist and the propagator default to the ones configure() chose
  // (PeerWhitelist::configured(): every host until one is configured); the propagator
  // must outlive the client.
  CurlClient() noexcept;
  explicit CurlClient(PeerWhitelist peers) noexcept;
  CurlClient(PeerWhitelist peers, const ConfiguredPropagator& propagator) noexcept;

  CURLcode perform(CURL* curl, std::string_view method, const char* url, curl_slist* headers = nullptr) const noexcept;

 private:
  PeerWhitelist peers_;
  const ConfiguredPropagator& propagator_;
};

}  // namespace zspan::http
