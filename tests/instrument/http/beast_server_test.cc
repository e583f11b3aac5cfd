#include "zspan/instrument/http/beast_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <exception>
#include <stdexcept>

#include "zspan/instrument/macros.hpp"
#include "tests/support/memory_tracer.hpp"
#include "tests/support/span_lookup.hpp"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using zspan::testing::error_message;
using zspan::testing::flushed;
using zspan::testing::int_tag;
using zspan::testing::MemoryTracer;
using zspan::testing::span_named;
using zspan::testing::string_tag;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr zspan::TraceId kTraceId{0x4bf92f3577b34da6, 0xa3ce929d0e0e4736};
constexpr zspan::SpanId kCallerId{0x00f067aa0ba902b7};

Request request(http::verb verb, std::string_view target) {
  Request r{verb, boost::beast::string_view(target.data(), target.size()), 11};
  r.set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  r.set(http::field::user_agent, "beast-test");
  return r;
}

Response respond(const Request& r, http::status status) {
  TRACE_SCOPE("respond");
  return Response{status, r.version()};
}

class BeastServer : public testing::Test {
 protected:
  std::vector<zspan::SpanData> spans() {
    return flushed(tracer_);
  }
  MemoryTracer tracer_{"beast"};
};

TEST_F(BeastServer, ARouteNamesTheSpanUnderTheTrustedCallersContext) {
  zspan::http::BeastServer tracing(tracer_, zspan::PeerWhitelist::compile({R"(10\.1\.\d+\.\d+)"}).peers);
  static const zspan::http::Route kGetUser("GET", "/users/:id");
  const Request r = request(http::verb::get, "/users/7?full=1");
  const Response response =
      tracing.serve(kGetUser, r, {"10.1.2.3", 40000}, [&] { return respond(r, http::status::ok); });
  EXPECT_EQ(response.result(), http::status::ok);

  const auto all = spans();
  const zspan::SpanData& server = span_named(all, "GET /users/:id");
  EXPECT_EQ(server.trace_id, kTraceId);
  EXPECT_EQ(server.parent_id, kCallerId);
  EXPECT_EQ(string_tag(server, "http.route"), "/users/:id");
  EXPECT_EQ(string_tag(server, "url.path"), "/users/7");
  EXPECT_EQ(string_tag(server, "client.address"), "10.1.2.3");
  EXPECT_EQ(int_tag(server, "peer.port"), 40000);
  EXPECT_EQ(string_tag(server, "user_agent.original"), "beast-test");
  EXPECT_EQ(int_tag(server, "http.status_code"), 200);
  EXPECT_EQ(span_named(all, "respond").parent_id, server.span_id);
}

TEST_F(BeastServer, AnUntrustedPeerStartsANewTrace) {
  zspan::http::BeastServer tracing(tracer_, zspan::PeerWhitelist::compile({R"(10\.1\.\d+\.\d+)"}).peers);
  const Request r = request(http::verb::get, "/x");
  tracing.serve(r, {"192.168.0.9", 1}, [&] { return respond(r, http::status::ok); });
  const auto server_spans = spans();
  const zspan::SpanData& server = span_named(server_spans, "GET");
  EXPECT_NE(server.trace_id, kTraceId);
  EXPECT_FALSE(server.parent_id.valid());
  EXPECT_EQ(string_tag(server, "http.route"), "<none>");
}

TEST_F(BeastServer, ServerErrorsAndExceptionsFailTheSpan) {
  zspan::http::BeastServer tracing(tracer_);
  const Request r = request(http::verb::post, "/pay");
  tracing.serve(r, {"127.0.0.1", 2}, [&] { return respond(r, http::status::bad_gateway); });
  EXPECT_THROW(tracing.serve(r, {"127.0.0.1", 2}, [&]() -> Response { throw std::runtime_error("no funds"); }),
               std::runtime_error);
  const auto all = spans();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(all[1].error);
  EXPECT_EQ(int_tag(all[1], "http.status_code"), 502);
  EXPECT_TRUE(all[2].error);
  EXPECT_EQ(error_message(all[2]), "no funds");
}

TEST_F(BeastServer, AnUnknownMethodIsOther) {
  zspan::http::BeastServer tracing(tracer_);
  Request r = request(http::verb::unknown, "/");
  r.method_string("BREW");
  tracing.serve(r, {"127.0.0.1", 2}, [&] { return respond(r, http::status::ok); });
  const auto server_spans = spans();
  const zspan::SpanData& server = span_named(server_spans, "HTTP");
  EXPECT_EQ(string_tag(server, "http.method"), "_OTHER");
  EXPECT_EQ(string_tag(server, "http.request.method_original"), "BREW");
}

// A coroutine handler: waits on a timer, during which the thread runs another handler
// (which must not see the request's span), then responds, or throws.
struct Order {
  Order(zspan::http::BeastServer<MemoryTracer>& t, const Request& r, bool f = false)
      : tracing(t), request(r), fail(f) {}

  zspan::http::BeastServer<MemoryTracer>& tracing;
  const Request& request;
  const bool fail;
  zspan::SpanId seen_by_other_handler{1};
  Response response;
  std::exception_ptr error;

  asio::awaitable<Response> handle() {
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(2));
    asio::post(timer.get_executor(), [this] { seen_by_other_handler = zspan::current_context().span_id; });
    co_await zspan::traced(timer.async_wait(asio::use_awaitable));
    if (fail) throw std::runtime_error("out of stock");
    co_return respond(request, http::status::created);
  }
  asio::awaitable<void> serve() {
    static const zspan::http::Route kPostOrder("POST", "/orders");
    try {
      response = co_await tracing.co_serve(kPostOrder, request, {"127.0.0.1", 5}, [this] { return handle(); });
    } catch (...) {
      error = std::current_exception();
    }
  }
  void run() {
    asio::io_context ioc;
    zspan::co_spawn(ioc, serve(), asio::detached);
    ioc.run();
  }
};

TEST_F(BeastServer, ACoroutineHandlerRunsUnderTheSpanAcrossItsWaits) {
  zspan::http::BeastServer tracing(tracer_, zspan::PeerWhitelist::compile({R"(127\.0\.0\.1)"}).peers);
  const Request r = request(http::verb::post, "/orders");
  Order order(tracing, r);
  order.run();
  EXPECT_EQ(order.response.result(), http::status::created);
  EXPECT_FALSE(order.seen_by_other_handler.valid());
  EXPECT_EQ(zspan::current_node(), nullptr);

  const auto all = spans();
  const zspan::SpanData& server = span_named(all, "POST /orders");
  EXPECT_EQ(server.trace_id, kTraceId);
  EXPECT_EQ(server.parent_id, kCallerId);
  EXPECT_EQ(int_tag(server, "http.status_code"), 201);
  EXPECT_GE(server.duration_nanos, 2'000'000u);
  EXPECT_EQ(span_named(all, "respond").parent_id, server.span_id);
}

TEST_F(BeastServer, ACoroutineHandlersExceptionFailsTheSpanAndGoesOn) {
  zspan::http::BeastServer tracing(tracer_);
  const Request r = request(http::verb::post, "/orders");
  Order order(tracing, r, true);
  order.run();
  EXPECT_TRUE(order.error);
  const auto all = spans();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].error);
  EXPECT_EQ(error_message(all[0]), "out of stock");
}

}  // namespace
