#include "zspan/instrument/http/httplib_server.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "zspan/instrument/macros.hpp"
#include "tests/support/memory_tracer.hpp"
#include "tests/support/span_lookup.hpp"
#include "tests/instrument/http/test_server.hpp"

namespace {

using zspan::testing::error_message;
using zspan::testing::flushed;
using zspan::testing::int_tag;
using zspan::testing::MemoryTracer;
using zspan::testing::span_named;
using zspan::testing::string_tag;

constexpr const char* kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr zspan::TraceId kTraceId{0x4bf92f3577b34da6, 0xa3ce929d0e0e4736};
constexpr zspan::SpanId kCallerId{0x00f067aa0ba902b7};

class HttplibServer : public testing::Test {
 protected:
  void serve(zspan::PeerWhitelist peers) {
    zspan::http::HttplibRoutes routes(server_.server, tracer_, std::move(peers));
    routes.Get(R"(/users/(\d+))", [](const httplib::Request&, httplib::Response& res) {
      TRACE_SCOPE("load");
      res.set_content("ok", "text/plain");
    });
    routes.Post("/fail", [](const httplib::Request&, httplib::Response& res) { res.status = 503; });
    routes.Delete("/throw", [](const httplib::Request&, httplib::Response&) { throw std::runtime_error("boom"); });
    server_.start();
  }
  httplib::Client client() { return httplib::Client("127.0.0.1", server_.port()); }
  std::vector<zspan::SpanData> spans() {
    return flushed(tracer_);
  }

  MemoryTracer tracer_{"users"};
  TestServer server_;
};

TEST_F(HttplibServer, TrustedPeerContinuesTheCallersTrace) {
  serve(zspan::PeerWhitelist::compile({R"(127\.0\.0\.1)"}).peers);
  const auto response = client().Get("/users/7", {{"traceparent", kTraceparent}, {"User-Agent", "test-agent/1"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);

  const auto all = spans();
  const zspan::SpanData& server = span_named(all, R"(GET /users/(\d+))");
  EXPECT_EQ(server.trace_id, kTraceId);
  EXPECT_EQ(server.parent_id, kCallerId);
  EXPECT_TRUE(server.remote_parent);
  EXPECT_FALSE(server.error);
  EXPECT_EQ(string_tag(server, "span.kind"), "server");
  EXPECT_EQ(string_tag(server, "http.method"), "GET");
  EXPECT_EQ(string_tag(server, "http.route"), R"(/users/(\d+))");
  EXPECT_EQ(string_tag(server, "url.path"), "/users/7");
  EXPECT_EQ(string_tag(server, "client.address"), "127.0.0.1");
  EXPECT_GT(int_tag(server, "peer.port"), 0);
  EXPECT_EQ(string_tag(server, "user_agent.original"), "test-agent/1");
  EXPECT_EQ(int_tag(server, "http.status_code"), 200);
  EXPECT_EQ(span_named(all, "load").parent_id, server.span_id);
}

TEST_F(HttplibServer, UntrustedPeerStartsANewTraceThatFollowsFromTheCaller) {
  serve(zspan::PeerWhitelist::compile({R"(10\.0\.0\.1)"}).peers);
  ASSERT_TRUE(client().Get("/users/7", {{"traceparent", kTraceparent}}));

  const auto server_spans = spans();
  const zspan::SpanData& server = span_named(server_spans, R"(GET /users/(\d+))");
  EXPECT_NE(server.trace_id, kTraceId);
  EXPECT_FALSE(server.parent_id.valid());
  ASSERT_EQ(server.references.size(), 1u);
  EXPECT_EQ(server.references[0].span_id, kCallerId);
}

TEST_F(HttplibServer, WithoutTraceparentTheRequestIsARoot) {
  serve(zspan::PeerWhitelist::everyone());
  ASSERT_TRUE(client().Get("/users/8"));
  const auto server_spans = spans();
  const zspan::SpanData& server = span_named(server_spans, R"(GET /users/(\d+))");
  EXPECT_FALSE(server.parent_id.valid());
  EXPECT_TRUE(server.trace_id.valid());
}

TEST_F(HttplibServer, AServerErrorStatusFailsTheSpan) {
  serve(zspan::PeerWhitelist::everyone());
  const auto response = client().Post("/fail", "", "text/plain");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  const auto server_spans = spans();
  const zspan::SpanData& server = span_named(server_spans, "POST /fail");
  EXPECT_TRUE(server.error);
  EXPECT_EQ(int_tag(server, "http.status_code"), 503);
}

TEST_F(HttplibServer, AnExceptionFailsTheSpanAndReachesHttplib) {
  serve(zspan::PeerWhitelist::everyone());
  const auto response = client().Delete("/throw");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);  // httplib's answer to a handler that threw
  const auto server_spans = spans();
  const zspan::SpanData& server = span_named(server_spans, "DELETE /throw");
  EXPECT_TRUE(server.error);
  EXPECT_EQ(error_message(server), "boom");
}

TEST_F(HttplibServer, UnmatchedRequestsHaveNoSpan) {
  serve(zspan::PeerWhitelist::everyone());
  const auto response = client().Get("/nowhere");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_TRUE(spans().empty());
}

}  // namespace
