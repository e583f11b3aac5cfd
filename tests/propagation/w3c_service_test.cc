// Drives //examples:w3c_service over loopback, as the W3C Trace Context test suite does,
// and checks the headers it sends out, with a capture server standing for the suite.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "zspan/trace/propagation/header_text.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr auto kTimeout = std::chrono::seconds(10);

std::string find(const Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers)
    if (zspan::header_name_equals(n, name)) return v;
  return "<absent>";
}

// Records the headers of every request it receives and answers 200.
class CaptureServer {
 public:
  CaptureServer() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] {
      while (true) {
        beast::error_code ec;
        tcp::socket socket = acceptor_.accept(ec);
        if (ec || stopping_) return;
        beast::tcp_stream stream(std::move(socket));
        stream.expires_after(kTimeout);
        beast::flat_buffer buffer;
        http::request_parser<http::string_body> parser;
        parser.header_limit(64 << 10);  // as the service: room for baggage at the W3C limit
        http::read(stream, buffer, parser, ec);
        if (ec) continue;
        const http::request<http::string_body>& request = parser.get();
        Headers headers;
        for (const auto& f : request) headers.emplace_back(f.name_string(), f.value());
        {
          std::lock_guard lock(mutex_);
          requests_.push_back({std::move(headers), request.body()});
        }
        http::response<http::string_body> response{http::status::ok, 11};
        response.keep_alive(false);
        http::write(stream, response, ec);
      }
    });
  }
  ~CaptureServer() {
    stopping_ = true;
    beast::error_code ec;
    tcp::socket wake(io_);
    wake.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::pair<Headers, std::string>> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<std::pair<Headers, std::string>> requests_;
  std::thread thread_;
};

// Runs w3c_service with `env` (name, value) set, on a free port.
class Service {
 public:
  Service(std::map<std::string, std::string> env, std::vector<std::string> args = {}) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
      std::vector<const char*> argv{"examples/w3c_service", "--port", "0"};
      for (const std::string& a : args) argv.push_back(a.c_str());
      argv.push_back(nullptr);
      execv(argv[0], const_cast<char* const*>(argv.data()));
      _exit(127);
    }
    close(out[1]);
    pollfd fd{out[0], POLLIN, 0};
    char line[128] = {};
    std::size_t n = 0;
    while (n + 1 < sizeof(line) && poll(&fd, 1, 10'000) == 1) {
      if (read(out[0], line + n, 1) != 1 || line[n] == '\n') break;
      ++n;
    }
    close(out[0]);
    const std::string_view text(line, n);
    const std::size_t colon = text.rfind(':');
    if (colon != std::string_view::npos) port_ = std::string(text.substr(colon + 1));
  }
  ~Service() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  const std::string& port() const { return port_; }

 private:
  pid_t pid_ = -1;
  std::string port_;
};

int post(const std::string& port, const Headers& headers, const std::string& body) {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(kTimeout);
  stream.connect(tcp::resolver(io).resolve("127.0.0.1", port));
  http::request<http::string_body> request{http::verb::post, "/test", 11};
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [n, v] : headers) request.insert(n, v);
  request.body() = body;
  request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  return response.result_int();
}

// Two calls to the capture server through a service configured by `env`.
std::vector<std::pair<Headers, std::string>> run(std::map<std::string, std::string> env, const Headers& incoming,
                                                 std::vector<std::string> args = {},
                                                 std::string callback_host = "127.0.0.1") {
  CaptureServer capture;
  env.emplace("OTEL_TRACES_SAMPLER", "always_on");
  Service service(env, std::move(args));
  EXPECT_FALSE(service.port().empty());
  const std::string url = "http://" + callback_host + ":" + std::to_string(capture.port()) + "/callback";
  EXPECT_EQ(post(service.port(), incoming,
                 R"([{"url": ")" + url + R"(", "arguments": [1]}, {"url": ")" + url + R"(", "arguments": [2]}])"),
            200);
  return capture.requests();
}

constexpr const char* kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
const std::string kTraceparent = std::string("00-") + kTrace + "-00f067aa0ba902b7-01";

TEST(W3CService, TraceContextAndBaggageByDefault) {
  auto calls = run({}, {{"traceparent", kTraceparent}, {"tracestate", "congo=t61"}, {"baggage", "user=alice"}});
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].second, "[1]");
  EXPECT_EQ(calls[1].second, "[2]");
  for (const auto& [headers, body] : calls) {
    const std::string traceparent = find(headers, "traceparent");
    ASSERT_EQ(traceparent.size(), 55u) << traceparent;
    EXPECT_EQ(traceparent.substr(3, 32), kTrace);
    EXPECT_NE(traceparent.substr(36, 16), "00f067aa0ba902b7");
    EXPECT_EQ(traceparent.substr(53), "01");
    EXPECT_EQ(find(headers, "tracestate"), "congo=t61");
    EXPECT_EQ(find(headers, "baggage"), "user=alice");
  }
  // Each call is its own child span.
  EXPECT_NE(find(calls[0].first, "traceparent"), find(calls[1].first, "traceparent"));
}

TEST(W3CService, InvalidTraceparentStartsANewTrace) {
  auto calls = run({}, {{"traceparent", std::string("ff-") + kTrace + "-00f067aa0ba902b7-01"}});
  ASSERT_EQ(calls.size(), 2u);
  const std::string traceparent = find(calls[0].first, "traceparent");
  ASSERT_EQ(traceparent.size(), 55u);
  EXPECT_NE(traceparent.substr(3, 32), kTrace);
}

TEST(W3CService, B3Single) {
  auto calls = run({{"OTEL_PROPAGATORS", "b3"}}, {{"b3", std::string(kTrace) + "-00f067aa0ba902b7-1"}});
  ASSERT_EQ(calls.size(), 2u);
  const std::string b3 = find(calls[0].first, "b3");
  EXPECT_EQ(b3.substr(0, 32), kTrace);
  EXPECT_EQ(b3.substr(49), "-1");
  EXPECT_EQ(find(calls[0].first, "traceparent"), "<absent>");
}

TEST(W3CService, B3Multi) {
  auto calls = run({{"OTEL_PROPAGATORS", "b3multi"}},
                   {{"X-B3-TraceId", kTrace}, {"X-B3-SpanId", "00f067aa0ba902b7"}, {"X-B3-Sampled", "1"}});
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(find(calls[0].first, "x-b3-traceid"), kTrace);
  EXPECT_EQ(find(calls[0].first, "x-b3-sampled"), "1");
}

TEST(W3CService, Jaeger) {
  auto calls = run({{"OTEL_PROPAGATORS", "jaeger"}},
                   {{"uber-trace-id", std::string(kTrace) + ":00f067aa0ba902b7:0:1"}, {"uberctx-user", "bob"}});
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(find(calls[0].first, "uber-trace-id").substr(0, 33), std::string(kTrace) + ":");
  EXPECT_EQ(find(calls[0].first, "uberctx-user"), "bob");
}

TEST(W3CService, UntrustedCallerStartsANewTrace) {
  // Callers arrive as 127.0.0.1, which is not trusted; the callback host "localhost" is.
  auto calls = run({}, {{"traceparent", kTraceparent}, {"baggage", "role=admin"}}, {"--trust", "localhost"},
                   "localhost");
  ASSERT_EQ(calls.size(), 2u);
  const std::string traceparent = find(calls[0].first, "traceparent");
  ASSERT_EQ(traceparent.size(), 55u);
  EXPECT_NE(traceparent.substr(3, 32), kTrace);
  EXPECT_EQ(find(calls[0].first, "baggage"), "<absent>");
}

TEST(W3CService, NothingSentToUntrustedHosts) {
  auto calls = run({}, {{"traceparent", kTraceparent}}, {"--trust", R"(127\.0\.0\.1)"}, "localhost");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(find(calls[0].first, "traceparent"), "<absent>");
}

// A header section over the service's limit (here 64 uberctx-* headers of 60 KiB: 4 MiB
// of baggage, were it kept) is answered 431 (RFC 6585 §5), and the service serves the
// next connection as before.
TEST(W3CService, OversizedHeadersAreAnswered431) {
  Service service({});
  Headers oversized;
  for (int i = 0; i < 64; ++i) oversized.emplace_back("uberctx-k" + std::to_string(i), std::string(60 * 1024, 'v'));
  EXPECT_EQ(post(service.port(), oversized, "[]"), 431);
  EXPECT_EQ(post(service.port(), {}, "[]"), 200);
}

TEST(W3CService, OversizedBodyIsAnswered413) {
  Service service({});
  EXPECT_EQ(post(service.port(), {}, std::string(2 << 20, ' ')), 413);
  EXPECT_EQ(post(service.port(), {}, "[]"), 200);
}

// W3C Baggage §3.3.2: a platform must propagate a baggage-string of 8192 bytes, so the
// header limit leaves room for one beside the other headers.
TEST(W3CService, ServesBaggageAtTheW3CLimit) {
  const std::string baggage = "a=" + std::string(4094, 'v') + ",b=" + std::string(4093, 'v');
  ASSERT_EQ(baggage.size(), 8192u);
  auto calls = run({}, {{"traceparent", kTraceparent}, {"baggage", baggage}});
  ASSERT_EQ(calls.size(), 2u);
  const std::string sent = find(calls[0].first, "baggage");
  EXPECT_TRUE(sent == baggage) << sent.size() << " bytes sent";
}

}  // namespace
