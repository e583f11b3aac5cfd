// Server spans for Boost.Beast: a handler that turns a request into a response runs
// under a span named after the route your router matched. (Bazel: //instrument/http:beast.)
//
//   zspan::http::BeastServer tracing(tracer);                 // or (tracer, peers, propagator)
//   static const zspan::http::Route kGetUser("GET", "/users/:id");
//   auto response = tracing.serve(kGetUser, request, peer, [&] { return get_user(request); });
//   auto other = tracing.serve(request, peer, [&] { return not_found(request); });  // "GET"
//
// `peer` is the connection's remote endpoint (socket.remote_endpoint()), given as its address
// text (computed once per connection) and port. The span, its attributes, its parent and
// the trust rule are HttpServerSpan's (http/server_span.hpp); headers are read with the
// propagator given, by default the one configure() chose (ConfiguredPropagator::
// installed()). The status recorded is the returned response's result(). An exception
// out of the handler marks the span failed and goes on to the caller.
//
// A handler that is a coroutine (Boost.Asio awaitable) is served by co_serve, awaited from
// a coroutine started with zspan::co_spawn (instrument/asio.hpp):
//
//   boost::asio::awaitable<Response> handle(tcp::socket& socket, Parser& parser, Peer peer) {
//     co_return co_await tracing.co_serve(kPostOrder, parser.get(), peer, [&]() -> awaitable<Response> {
//       co_await zspan::traced(http::async_read(socket, buffer, parser, use_awaitable));  // the body
//       co_return place_order(parser.get());               // its spans are children of "POST /orders"
//     });
//   }
//
// The span starts before handler() and ends when the response it co_returns is back, so its
// duration covers the waits; the handler's co_awaits of asio operations go through
// zspan::traced, so that the span is current in the coroutine only, on whichever thread
// resumes it. `request` must stay alive until co_serve is done (its headers are read when
// the span starts).
#pragma once

#include "zspan/instrument/asio.hpp"  // before any asio header: it enables asio's coroutines under clang

#include <boost/beast/http/message.hpp>

#include <string_view>
#include <type_traits>
#include <utility>

#include "zspan/instrument/current_exception.hpp"
#include "zspan/instrument/http/server_span.hpp"
#include "zspan/trace/propagation/configured_propagator.hpp"

namespace zspan::http {

struct Peer {
  std::string_view address;
  std::uint16_t port = 0;
};

template <class TracerT, class P = ConfiguredPropagator>
class BeastServer {
 public:
  explicit BeastServer(TracerT& tracer, PeerWhitelist peers = PeerWhitelist::configured(),
                       const P& propagator = ConfiguredPropagator::installed())
      : tracer_(tracer), peers_(std::move(peers)), propagator_(propagator) {}

  // handler() returns a boost::beast::http::response.
  template <class Body, class Fields, class Handler>
  auto serve(const Route& route, const boost::beast::http::request<Body, Fields>& request, const Peer& peer,
             Handler&& handler) {
    HttpServerSpan span = start(route, request, peer);
    auto response = span.run(std::forward<Handler>(handler));
    span.set_status(static_cast<int>(response.result_int()));
    return response;
  }

  template <class Body, class Fields, class Handler>
  auto serve(const boost::beast::http::request<Body, Fields>& request, const Peer& peer, Handler&& handler) {
    const auto method = request.method_string();
    return serve(Route::of_method({method.data(), method.size()}), request, peer, std::forward<Handler>(handler));
  }

  // handler() returns a boost::asio::awaitable of a boost::beast::http::response.
  template <class Body, class Fields, class Handler>
  std::invoke_result_t<Handler&> co_serve(const Route& route, const boost::beast::http::request<Body, Fields>& request,
                                          Peer peer, Handler handler) {
    HttpServerSpan span = start(route, request, peer);
    try {
      auto response = co_await handler();
      span.set_status(static_cast<int>(response.result_int()));
      co_return response;
    } catch (...) {
      record_current_exception(span.span());
      throw;
    }
  }

 private:
  template <class Body, class Fields>
  HttpServerSpan start(const Route& route, const boost::beast::http::request<Body, Fields>& request,
                       const Peer& peer) {
    const auto sv = [](boost::beast::string_view s) { return std::string_view(s.data(), s.size()); };
    const std::string_view target = sv(request.target());
    const ServerRequest info{
        .method = sv(request.method_string()),
        .path = target.substr(0, target.find('?')),
        .peer_address = peer.address,
        .peer_port = peer.port,
        .user_agent = sv(request[boost::beast::http::field::user_agent]),
    };
    const auto headers = callback_carrier([&](auto&& on_header) {
      for (const auto& field : request) on_header(sv(field.name_string()), sv(field.value()));
    });
    return HttpServerSpan(tracer_, route, info, headers, propagator_, peers_);
  }

  TracerT& tracer_;
  PeerWhitelist peers_;
  const P& propagator_;
};

}  // namespace zspan::http
