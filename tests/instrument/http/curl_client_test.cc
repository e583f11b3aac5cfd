#include "zspan/instrument/http/curl_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <string>

#include "zspan/instrument/http/httplib_server.hpp"
#include "zspan/instrument/macros.hpp"
#include "tests/support/memory_tracer.hpp"
#include "tests/support/span_lookup.hpp"
#include "tests/instrument/http/test_server.hpp"

namespace {

using zspan::testing::flushed;
using zspan::testing::int_tag;
using zspan::testing::MemoryTracer;
using zspan::testing::span_named;
using zspan::testing::string_tag;

constexpr std::string_view kRoute = R"(GET /items/(\d+))";

// A port of 127.0.0.1 nothing listens on: bound, then closed.
int unused_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), size), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
  close(fd);
  return ntohs(address.sin_port);
}

class CurlClient : public testing::Test {
 protected:
  void SetUp() override {
    zspan::http::HttplibRoutes routes(server_.server, backend_);
    routes.Get(R"(/items/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      const std::lock_guard lock(mutex_);
      received_traceparent_ = req.get_header_value("traceparent");
      received_user_header_ = req.get_header_value("X-User");
      res.set_content("item", "text/plain");
    });
    routes.Get("/broken", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    server_.start();
    curl_ = curl_easy_init();
    ASSERT_NE(curl_, nullptr);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
  }
  void TearDown() override { curl_easy_cleanup(curl_); }

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + std::string(path);
  }
  std::vector<zspan::SpanData> spans(MemoryTracer& tracer) {
    return flushed(tracer);
  }

  MemoryTracer frontend_{"frontend"};
  MemoryTracer backend_{"backend"};
  TestServer server_;
  CURL* curl_ = nullptr;
  std::mutex mutex_;
  std::string received_traceparent_;
  std::string received_user_header_;
};

TEST_F(CurlClient, TheServerSpanIsAChildOfTheClientSpan) {
  const zspan::http::CurlClient client(zspan::PeerWhitelist::compile({R"(127\.0\.0\.1)"}).peers);
  {
    TRACE_SCOPE_WITH(frontend_, "checkout");
    ASSERT_EQ(client.perform(curl_, "GET", url("/items/7").c_str()), CURLE_OK);
  }
  const auto front = spans(frontend_);
  const zspan::SpanData& checkout = span_named(front, "checkout");
  const zspan::SpanData& call = span_named(front, "GET");
  const auto served_spans = spans(backend_);
  const zspan::SpanData& served = span_named(served_spans, kRoute);
  EXPECT_EQ(call.parent_id, checkout.span_id);
  EXPECT_EQ(served.trace_id, checkout.trace_id);
  EXPECT_EQ(served.parent_id, call.span_id);
  EXPECT_TRUE(served.remote_parent);

  EXPECT_EQ(string_tag(call, "span.kind"), "client");
  EXPECT_EQ(string_tag(call, "http.method"), "GET");
  EXPECT_EQ(string_tag(call, "http.url"), url("/items/7"));
  EXPECT_EQ(string_tag(call, "server.address"), "127.0.0.1");
  EXPECT_EQ(int_tag(call, "server.port"), server_.port());
  EXPECT_EQ(int_tag(call, "http.status_code"), 200);
  EXPECT_FALSE(call.error);
}

TEST_F(CurlClient, AnUntrustedHostGetsNoTraceHeadersAndTheCallersStay) {
  const zspan::http::CurlClient client(zspan::PeerWhitelist::compile({R"(.*\.example\.com)"}).peers);
  curl_slist* headers = curl_slist_append(nullptr, "X-User: 42");
  {
    TRACE_SCOPE_WITH(frontend_, "checkout");
    ASSERT_EQ(client.perform(curl_, "GET", url("/items/7").c_str(), headers), CURLE_OK);
  }
  EXPECT_EQ(headers->next, nullptr);  // the caller's list is as it was
  curl_slist_free_all(headers);
  const std::lock_guard lock(mutex_);
  EXPECT_EQ(received_traceparent_, "");
  EXPECT_EQ(received_user_header_, "42");
}

TEST_F(CurlClient, TrustedHostGetsTheCallersHeadersAndTraceHeaders) {
  const zspan::http::CurlClient client;
  curl_slist* headers = curl_slist_append(nullptr, "X-User: 7");
  {
    TRACE_SCOPE_WITH(frontend_, "checkout");
    ASSERT_EQ(client.perform(curl_, "GET", url("/items/7").c_str(), headers), CURLE_OK);
  }
  EXPECT_EQ(headers->next, nullptr);
  curl_slist_free_all(headers);
  const std::lock_guard lock(mutex_);
  EXPECT_EQ(received_traceparent_.size(), 55u);
  EXPECT_EQ(received_user_header_, "7");
  EXPECT_EQ(zspan::http::http_drops().headers_lost, 0u);
}

TEST_F(CurlClient, ErrorStatusFailsTheSpan) {
  const zspan::http::CurlClient client;
  {
    TRACE_SCOPE_WITH(frontend_, "checkout");
    ASSERT_EQ(client.perform(curl_, "GET", url("/broken").c_str()), CURLE_OK);
  }
  const auto call_spans = spans(frontend_);
  const zspan::SpanData& call = span_named(call_spans, "GET");
  EXPECT_TRUE(call.error);
  EXPECT_EQ(int_tag(call, "http.status_code"), 500);
  EXPECT_EQ(string_tag(call, "error.type"), "500");
  const auto served = spans(backend_);
  EXPECT_TRUE(span_named(served, "GET /broken").error);
}

TEST_F(CurlClient, TransportFailureFailsTheSpan) {
  zspan::set_default_tracer(&frontend_);
  const int closed_port = unused_port();
  const zspan::http::CurlClient client;
  const std::string to = "http://127.0.0.1:" + std::to_string(closed_port) + "/";
  EXPECT_EQ(client.perform(curl_, "POST", to.c_str()), CURLE_COULDNT_CONNECT);
  const auto call_spans = spans(frontend_);
  const zspan::SpanData& call = span_named(call_spans, "POST");
  EXPECT_TRUE(call.error);
  EXPECT_EQ(string_tag(call, "error.type"), curl_easy_strerror(CURLE_COULDNT_CONNECT));
  zspan::set_default_tracer(nullptr);
}

TEST_F(CurlClient, BadInputIsRefusedBeforeAnythingIsSent) {
  const zspan::http::CurlClient client;
  const std::uint64_t refused = zspan::http::http_drops().requests_refused;
  EXPECT_EQ(client.perform(curl_, "GE T", url("/items/1").c_str()), CURLE_BAD_FUNCTION_ARGUMENT);
  EXPECT_EQ(client.perform(curl_, "GET\r\nX: y", url("/items/1").c_str()), CURLE_BAD_FUNCTION_ARGUMENT);
  EXPECT_EQ(client.perform(curl_, "GET", "ftp://127.0.0.1/"), CURLE_UNSUPPORTED_PROTOCOL);
  EXPECT_EQ(client.perform(curl_, "GET", "http://[::1"), CURLE_URL_MALFORMAT);
  EXPECT_EQ(client.perform(curl_, "GET", nullptr), CURLE_URL_MALFORMAT);
  EXPECT_EQ(client.perform(nullptr, "GET", url("/items/1").c_str()), CURLE_BAD_FUNCTION_ARGUMENT);
  EXPECT_EQ(zspan::http::http_drops().requests_refused, refused + 6);
  EXPECT_TRUE(spans(backend_).empty());
}

TEST_F(CurlClient, AnUnknownMethodIsSentAndNamedHttp) {
  zspan::set_default_tracer(&frontend_);
  const zspan::http::CurlClient client;
  EXPECT_EQ(client.perform(curl_, "PURGE", url("/items/1").c_str()), CURLE_OK);
  const auto call_spans = spans(frontend_);
  const zspan::SpanData& call = span_named(call_spans, "HTTP");
  EXPECT_EQ(string_tag(call, "http.method"), "_OTHER");
  EXPECT_EQ(string_tag(call, "http.request.method_original"), "PURGE");
  EXPECT_GE(int_tag(call, "http.status_code"), 400);  // httplib refuses methods it does not know
  EXPECT_TRUE(call.error);
  zspan::set_default_tracer(nullptr);
}

}  // namespace
