// HttpSender: the retry policy of every exporter that POSTs its batches (the OTLP
// specification's "Failures and retries"), each case against a fresh scripted receiver on
// loopback, with exact request counts and bounded times.
#include "zspan/exporters/http/http_sender.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "tests/exporters/http/receiver.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;
using Code = ExportResult::Code;

constexpr std::string_view kBody = "a batch";

HttpSender::Options options_for(std::string url, std::chrono::milliseconds timeout) {
  HttpSender::Options o;
  o.client.url = std::move(url);
  o.client.content_type = "text/plain";
  o.timeout = timeout;
  o.backend = "Test";
  return o;
}
HttpSender::Options options_for(const Receiver& receiver, std::chrono::milliseconds timeout) {
  return options_for(receiver.url("/v1/traces"), timeout);
}

struct Timed {
  ExportResult result;
  std::chrono::milliseconds took;
};
Timed send_timed(HttpSender& sender) {
  const auto start = Clock::now();
  const ExportResult r = sender.send(kBody).result;
  return {r, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)};
}

TEST(HttpSender, SuccessCarriesTheAnswer) {
  Receiver receiver;
  receiver.script({{.status = 202, .body = "accepted"}});
  HttpSender sender(options_for(receiver, 5s));
  const HttpSender::Delivery d = sender.send(kBody);
  EXPECT_EQ(d.result.code, Code::kSuccess);
  EXPECT_EQ(d.response.status, 202);
  EXPECT_EQ(d.response.body, "accepted");
  ASSERT_EQ(receiver.request_count(), 1u);
  EXPECT_EQ(receiver.requests()[0].body, kBody);
  EXPECT_EQ(receiver.requests()[0].header("content-type"), "text/plain");
}

TEST(HttpSender, BatchesReuseOneConnection) {
  Receiver receiver;
  HttpSender sender(options_for(receiver, 5s));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send_timed(sender).result.code, Code::kSuccess);
  EXPECT_EQ(receiver.request_count(), 3u);
  EXPECT_EQ(receiver.connections(), 1u);
}

TEST(HttpSender, Unavailable503IsRetriedAndDeliveredOnce) {
  Receiver receiver;
  receiver.script({{.status = 503}, {.status = 200}});
  HttpSender sender(options_for(receiver, 10s));
  const Timed t = send_timed(sender);
  EXPECT_EQ(t.result.code, Code::kSuccess);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, requests[1].body);
  EXPECT_GE(t.took, 250ms);  // the first backoff: 0.5 s with jitter down to half
}

TEST(HttpSender, TooManyRequestsWaitsForRetryAfter) {
  Receiver receiver;
  receiver.script({{.status = 429, .headers = {{"Retry-After", "1"}}}, {.status = 200}});
  HttpSender sender(options_for(receiver, 10s));
  const Timed t = send_timed(sender);
  EXPECT_EQ(t.result.code, Code::kSuccess);
  EXPECT_EQ(receiver.request_count(), 2u);
  EXPECT_GE(t.took, 1000ms);
}

TEST(HttpSender, RetryAfterBeyondTheTimeoutHandsTheHintToThePipeline) {
  Receiver receiver;
  receiver.script({{.status = 503, .headers = {{"Retry-After", "30"}}}});
  HttpSender sender(options_for(receiver, 5s));
  const Timed t = send_timed(sender);
  EXPECT_EQ(t.result.code, Code::kRetryable);
  EXPECT_EQ(t.result.retry_after, 30s);
  EXPECT_EQ(receiver.request_count(), 1u);
  EXPECT_LT(t.took, 2500ms);  // no point waiting out the timeout
}

TEST(HttpSender, BadRequestIsPermanentWithoutRetry) {
  Receiver receiver;
  receiver.script({{.status = 400, .body = "malformed"}});
  HttpSender sender(options_for(receiver, 10s));
  ::testing::internal::CaptureStderr();
  const Timed t = send_timed(sender);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(t.result.code, Code::kPermanent);
  EXPECT_EQ(receiver.request_count(), 1u);
  EXPECT_THAT(err, HasSubstr(receiver.url("/v1/traces")));
  EXPECT_THAT(err, HasSubstr("zspan: Test backend refused a batch: " + receiver.url("/v1/traces") + ": HTTP 400 malformed"));
}

TEST(HttpSender, ConnectionRefusedIsRetryableWithinTheTimeout) {
  HttpSender sender(options_for("http://127.0.0.1:" + std::to_string(unused_port()) + "/v1/traces", 1500ms));
  const Timed t = send_timed(sender);
  EXPECT_EQ(t.result.code, Code::kRetryable);
  EXPECT_GE(t.took, 250ms);  // it retried: the first backoff is at least 0.25 s
  EXPECT_LE(t.took, 2000ms);  // the timeout, and time to be scheduled on a busy machine
}

TEST(HttpSender, ASilentServerIsBoundedByTheTimeout) {
  Receiver receiver;
  receiver.script({{.hang = true}, {.hang = true}, {.hang = true}});
  HttpSender sender(options_for(receiver, 1s));
  const Timed t = send_timed(sender);
  EXPECT_EQ(t.result.code, Code::kRetryable);
  EXPECT_GE(t.took, 900ms);
  EXPECT_LE(t.took, 2000ms);
  EXPECT_EQ(receiver.request_count(), 1u);  // the one request used all the time there was
}

TEST(HttpSender, HttpsWithAMissingCertificateFileIsPermanent) {
  Receiver receiver;
  HttpSender::Options o = options_for("https://127.0.0.1:" + std::to_string(receiver.port()) + "/v1/traces", 10s);
  o.client.ca_file = "/nonexistent/ca.pem";
  HttpSender sender(o);
  const Timed t = send_timed(sender);
  EXPECT_EQ(t.result.code, Code::kPermanent);
  EXPECT_EQ(receiver.request_count(), 0u);
}

TEST(HttpSender, AnEndpointThatIsNotHttpIsPermanent) {
  HttpSender sender(options_for("ftp://127.0.0.1/v1/traces", 10s));
  EXPECT_EQ(send_timed(sender).result.code, Code::kPermanent);
}

TEST(HttpSender, AnAnswerCutShortIsRetriedOnANewConnection) {
  Receiver receiver;
  receiver.script({{.status = 200, .body = "partial answer", .cut = true}, {.status = 200}});
  HttpSender sender(options_for(receiver, 10s));
  EXPECT_EQ(send_timed(sender).result.code, Code::kSuccess);
  EXPECT_EQ(receiver.request_count(), 2u);
  EXPECT_EQ(receiver.connections(), 2u);
}

TEST(HttpSender, ASlowServerWithinTheTimeoutIsSuccess) {
  Receiver receiver;
  receiver.script({{.status = 200, .delay = 700ms}});
  HttpSender sender(options_for(receiver, 5s));
  const Timed t = send_timed(sender);
  EXPECT_EQ(t.result.code, Code::kSuccess);
  EXPECT_GE(t.took, 700ms);
  EXPECT_EQ(receiver.request_count(), 1u);
}

TEST(HttpSender, AServerThatComesBackGetsTheBatch) {
  const std::uint16_t port = unused_port();
  HttpSender sender(options_for("http://127.0.0.1:" + std::to_string(port) + "/v1/traces", 8s));
  std::unique_ptr<Receiver> receiver;
  std::thread comes_back([&] {
    std::this_thread::sleep_for(3s);
    receiver = std::make_unique<Receiver>(port);
  });
  const Timed t = send_timed(sender);
  comes_back.join();
  EXPECT_EQ(t.result.code, Code::kSuccess);
  EXPECT_GE(t.took, 3s);
  EXPECT_EQ(receiver->request_count(), 1u);
}

}  // namespace
}  // namespace zspan::testing
