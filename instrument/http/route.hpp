// Route: the name of an HTTP span, "{method} {route}" as the OpenTelemetry HTTP conventions
// want ("GET /users/:id"), or "{method}" alone when the route is not known. The server
// integrations (httplib_server.hpp, beast_server.hpp) and the client (curl_client.hpp) use
// it; a Beast program makes one per route of its own router, once:
//
//   static const zspan::http::Route kGetUser("GET", "/users/:id");
//   zspan::http::Route::of_method("GET");      // "GET": no route
//
// A span points to its name until it is exported, so names live as long as the process:
// each (method, route) is stored once, in a table of at most kMaxRoutes. A route beyond
// it (routes made from request data, which they should not be) gets the method's name
// and no http.route, and is counted (http_drops().routes_not_named). Methods are
// normalized as the conventions say: the nine of RFC 9110 and PATCH keep their name,
// any other is "_OTHER" and its span is named "HTTP".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "zspan/trace/callsite.hpp"

namespace zspan::http {

class Route {
 public:
  static constexpr std::size_t kMaxRoutes = 4096;

  // Safe for any input; the table takes a lock, so make routes ahead of requests.
  Route(std::string_view method, std::string_view route) noexcept;
  static Route of_method(std::string_view method) noexcept;

  const Callsite& callsite() const noexcept { return *callsite_; }
  // "GET", ..., or "_OTHER" for a method the conventions do not list.
  std::string_view method() const noexcept { return method_; }
  bool known_method() const noexcept { return method_ != "_OTHER"; }
  // Empty when not known.
  std::string_view route() const noexcept { return route_; }

 private:
  Route(const Callsite* callsite, std::string_view method, std::string_view route) noexcept
      : callsite_(callsite), method_(method), route_(route) {}

  const Callsite* callsite_;
  std::string_view method_;
  std::string_view route_;
};

struct HttpDrops {
  std::uint64_t routes_not_named = 0;   // over Route::kMaxRoutes, or out of memory
  std::uint64_t requests_refused = 0;   // client requests with a method or URL curl must not send
  std::uint64_t headers_lost = 0;       // trace headers a client request went without (out of memory)
};

HttpDrops http_drops() noexcept;

namespace detail {
void count_refused_request() noexcept;
void count_lost_header() noexcept;
}  // namespace detail

}  // namespace zspan::http
