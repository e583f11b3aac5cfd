// HttpServerSpan: the span of one request a server handles, whatever its HTTP library; what
// httplib_server.hpp and beast_server.hpp are made of. For another library, fill a
// ServerRequest from what it knows and wrap the handler:
//
//   zspan::http::HttpServerSpan span(tracer, route, request, headers, propagator, peers);
//   Response response = span.run([&] { return handler(req); });   // throws what it throws
//   span.set_status(response.status);
//
// The span is named after the route (http/route.hpp), continues the trace the request's
// headers carry when the peer is trusted (instrument/remote.hpp: otherwise a new root that
// follows from it), and records the OpenTelemetry HTTP server attributes: span.kind server,
// http.request.method, http.route, url.path, client.address and network.peer.port (the TCP
// peer: no proxy header is believed), user_agent.original, http.response.status_code. A
// 5xx status, or an exception out of the handler, marks it failed.
//
// Trust is decided on the TCP peer's address, the one thing a client cannot forge in its
// request (a Host or X-Forwarded-For header it can): whitelist peers by address
// (PeerWhitelist::compile({R"(10\.1\.\d+\.\d+)", R"(127\.0\.0\.1)"}).peers). The default is the
// configured whitelist (PeerWhitelist::configured(): Config::trusted_peers,
// ZSPAN_TRUSTED_PEERS), which trusts everyone until one is configured, as OpenTelemetry
// SDKs do.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

#include "zspan/instrument/current_exception.hpp"
#include "zspan/instrument/http/route.hpp"
#include "zspan/instrument/remote.hpp"
#include "zspan/instrument/semconv.hpp"
#include "zspan/trace/propagation/peer_whitelist.hpp"

namespace zspan::http {

// Room for the attributes above with a user agent of ZSPAN_MAX_STRING_BYTES and an
// exception message.
inline constexpr unsigned kHttpSpanFieldBytes = 768;

// What the HTTP layer knows of a request: views valid for the constructor's call.
struct ServerRequest {
  std::string_view method;        // as received
  std::string_view path;          // the target without its query
  std::string_view peer_address;  // the TCP peer: the trust check's host
  std::uint16_t peer_port = 0;
  std::string_view user_agent;    // empty when not sent
};

class HttpServerSpan {
 public:
  template <class T, ReadableCarrier C, class P>
  HttpServerSpan(T& tracer, const Route& route, const ServerRequest& request, const C& headers, const P& propagator,
                 const PeerWhitelist& peers) noexcept
      : span_(tracer, route.callsite(), headers, propagator, peers.trust(request.peer_address)) {
    if (!span_.recording()) return;
    auto& s = span_.span();
    s.tag(tags::span_kind, "server");
    s.tag(tags::http_method, route.method());
    if (!route.known_method()) s.tag(semconv::http_request_method_original, request.method);
    if (!route.route().empty()) s.tag(semconv::http_route, route.route());
    s.tag(semconv::url_path, request.path);
    s.tag(semconv::client_address, request.peer_address);
    s.tag(tags::peer_port, request.peer_port);
    if (!request.user_agent.empty()) s.tag(semconv::user_agent_original, request.user_agent);
  }

  HttpServerSpan(const HttpServerSpan&) = delete;
  HttpServerSpan& operator=(const HttpServerSpan&) = delete;

  // Calls `handler()`; an exception out of it marks the span failed and goes on.
  template <class Handler>
  decltype(auto) run(Handler&& handler) {
    try {
      return std::forward<Handler>(handler)();
    } catch (...) {
      record_current_exception(span_.span());
      throw;
    }
  }

  void set_status(int status) noexcept {
    auto& s = span_.span();
    s.tag(tags::http_status_code, status);
    if (status >= 500) s.set_error();
  }

  SpanContext context() const noexcept { return span_.context(); }
  BasicScopedSpan<kHttpSpanFieldBytes>& span() noexcept { return span_.span(); }

 private:
  BasicServerSpan<kHttpSpanFieldBytes> span_;
};

}  // namespace zspan::http
