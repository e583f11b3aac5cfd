// Server spans for cpp-httplib: register routes through HttplibRoutes instead of the
// server, and each request they match runs under a span named after its route.
// (Bazel: //instrument/http:httplib.)
//
//   httplib::Server server;
//   zspan::http::HttplibRoutes routes(server, tracer);          // or (server, tracer, peers)
//   routes.Get(R"(/users/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
//     TRACE_SCOPE("load");                                     // a child of "GET /users/(\d+)"
//     res.set_content("...", "text/plain");
//   });
//   server.listen("0.0.0.0", 8080);
//
// The span, its attributes, its parent and the trust rule are HttpServerSpan's
// (http/server_span.hpp); the peer is the request's remote_addr. httplib 0.11 routes are
// regular expressions, so http.route and the name hold the pattern as registered.
// Headers are read with the propagator given, by default the one configure() chose
// (ConfiguredPropagator::installed()). The status recorded is the response's, or the 200
// (206 for a range request) httplib answers with when the handler sets none. Requests no route
// matches get no span. An exception out of a handler marks its span failed and goes on
// to httplib, which answers 500 (or calls its exception handler).
//
// HttplibRoutes needs not outlive the server: each handler keeps what it needs (the
// tracer, which must, the propagator, which must, and a copy of the whitelist).
#pragma once

#include <httplib.h>

#include <string>
#include <utility>

#include "zspan/trace/propagation/configured_propagator.hpp"
#include "zspan/instrument/http/server_span.hpp"

namespace zspan::http {

template <class TracerT, class P = ConfiguredPropagator>
class HttplibRoutes {
 public:
  HttplibRoutes(httplib::Server& server, TracerT& tracer, PeerWhitelist peers = PeerWhitelist::configured(),
                const P& propagator = ConfiguredPropagator::installed())
      : server_(server), tracer_(tracer), peers_(std::move(peers)), propagator_(propagator) {}

  HttplibRoutes& Get(const std::string& pattern, httplib::Server::Handler handler) {
    server_.Get(pattern, traced("GET", pattern, std::move(handler)));
    return *this;
  }
  HttplibRoutes& Post(const std::string& pattern, httplib::Server::Handler handler) {
    server_.Post(pattern, traced("POST", pattern, std::move(handler)));
    return *this;
  }
  HttplibRoutes& Put(const std::string& pattern, httplib::Server::Handler handler) {
    server_.Put(pattern, traced("PUT", pattern, std::move(handler)));
    return *this;
  }
  HttplibRoutes& Patch(const std::string& pattern, httplib::Server::Handler handler) {
    server_.Patch(pattern, traced("PATCH", pattern, std::move(handler)));
    return *this;
  }
  HttplibRoutes& Delete(const std::string& pattern, httplib::Server::Handler handler) {
    server_.Delete(pattern, traced("DELETE", pattern, std::move(handler)));
    return *this;
  }
  HttplibRoutes& Options(const std::string& pattern, httplib::Server::Handler handler) {
    server_.Options(pattern, traced("OPTIONS", pattern, std::move(handler)));
    return *this;
  }

 private:
  httplib::Server::Handler traced(std::string_view method, const std::string& pattern,
                                  httplib::Server::Handler handler) const {
    return [route = Route(method, pattern), tracer = &tracer_, peers = peers_, propagator = &propagator_,
            handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
      const auto user_agent = req.headers.find("User-Agent");
      const ServerRequest request{
          .method = req.method,
          .path = req.path,
          .peer_address = req.remote_addr,
          .peer_port = static_cast<std::uint16_t>(req.remote_port > 0 ? req.remote_port : 0),
          .user_agent = user_agent == req.headers.end() ? std::string_view() : std::string_view(user_agent->second),
      };
      HttpServerSpan span(*tracer, route, request, req.headers, *propagator, peers);
      span.run([&] { handler(req, res); });
      span.set_status(res.status != -1 ? res.status : req.ranges.empty() ? 200 : 206);
    };
  }

  httplib::Server& server_;
  TracerT& tracer_;
  PeerWhitelist peers_;
  const P& propagator_;
};

}  // namespace zspan::http
