// JaegerAgentExporter when there is no agent: a closed port (the kernel's ICMP "port
// unreachable" comes back as ECONNREFUSED on a later send), a host that does not resolve,
// and bad settings: one rate-limited line each, the documented results, nothing thrown.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "zspan/exporters/jaeger/jaeger_agent_exporter.hpp"
#include "tests/exporters/golden/golden_trace.hpp"

namespace zspan::testing {
namespace {

// A UDP port of 127.0.0.1 that nothing listens on (it was bound a moment ago, then closed).
std::uint16_t closed_udp_port() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(AgentFailure, AClosedPortIsOneLineAndNoCrash) {
  JaegerAgentExporter::Options o;
  o.host = "127.0.0.1";
  o.port = closed_udp_port();
  JaegerAgentExporter exporter(o);
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 3; ++i) {
    // UDP cannot tell which datagrams were lost: each batch leaves the host and counts as sent.
    const ExportResult result = exporter.export_batch(*GoldenTrace::get().batch());
    EXPECT_EQ(result.code, ExportResult::Code::kSuccess);
    EXPECT_EQ(result.rejected, 0u);
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_GE(exporter.stats().refused, 2u);  // 6 datagrams: every other send hears of the one before
  EXPECT_EQ(exporter.stats().datagrams, 6u);
  EXPECT_EQ(count(err, "zspan: Jaeger agent refused a datagram: 127.0.0.1:" + std::to_string(o.port)), 1u) << err;
  EXPECT_EQ(count(err, "\n"), 1u) << err;
}

TEST(AgentFailure, AnUnresolvableHostKeepsTheBatchQueued) {
  JaegerAgentExporter::Options o;
  o.host = "no-such-host.invalid";
  JaegerAgentExporter exporter(o);
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 2; ++i) {
    const ExportResult result = exporter.export_batch(*GoldenTrace::get().batch());
    EXPECT_EQ(result.code, ExportResult::Code::kRetryable);
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(exporter.stats().send_failures, 2u);
  EXPECT_EQ(exporter.stats().datagrams, 0u);
  EXPECT_EQ(count(err, "zspan: Jaeger agent host not found: no-such-host.invalid:6831: "), 1u) << err;
  EXPECT_EQ(count(err, "\n"), 1u) << err;
}

class AgentSettings : public ::testing::Test {
 protected:
  void TearDown() override {
    ::unsetenv("OTEL_EXPORTER_JAEGER_AGENT_HOST");
    ::unsetenv("OTEL_EXPORTER_JAEGER_AGENT_PORT");
    ::unsetenv("OTEL_EXPORTER_JAEGER_PROTOCOL");
  }
};

TEST_F(AgentSettings, DefaultsAreLocalhost6831Compact) {
  const auto o = JaegerAgentExporter::Options::from_env();
  EXPECT_EQ(o.host, "localhost");
  EXPECT_EQ(o.port, 6831);
  EXPECT_EQ(o.protocol_or_default(), jaeger::Protocol::kCompact);
  EXPECT_EQ(o.max_packet_size, 65000u);
}

TEST_F(AgentSettings, HostAndPortFromTheEnvironment) {
  ::setenv("OTEL_EXPORTER_JAEGER_AGENT_HOST", " jaeger.internal ", 1);
  ::setenv("OTEL_EXPORTER_JAEGER_AGENT_PORT", "6832", 1);
  const auto o = JaegerAgentExporter::Options::from_env();
  EXPECT_EQ(o.host, "jaeger.internal");
  EXPECT_EQ(o.port, 6832);
  EXPECT_EQ(o.protocol_or_default(), jaeger::Protocol::kBinary);
}

TEST_F(AgentSettings, ProtocolFromTheEnvironmentWinsOverThePort) {
  ::setenv("OTEL_EXPORTER_JAEGER_AGENT_PORT", "6832", 1);
  ::setenv("OTEL_EXPORTER_JAEGER_PROTOCOL", "udp/thrift.compact", 1);
  EXPECT_EQ(JaegerAgentExporter::Options::from_env().protocol_or_default(), jaeger::Protocol::kCompact);
  ::setenv("OTEL_EXPORTER_JAEGER_AGENT_PORT", "6831", 1);
  ::setenv("OTEL_EXPORTER_JAEGER_PROTOCOL", "udp/thrift.binary", 1);
  EXPECT_EQ(JaegerAgentExporter::Options::from_env().protocol_or_default(), jaeger::Protocol::kBinary);
  ::setenv("OTEL_EXPORTER_JAEGER_PROTOCOL", "http/thrift.binary", 1);  // the collector's: the port decides
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(JaegerAgentExporter::Options::from_env().protocol_or_default(), jaeger::Protocol::kCompact);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  ::setenv("OTEL_EXPORTER_JAEGER_PROTOCOL", "udp/json", 1);
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(JaegerAgentExporter::Options::from_env().protocol.has_value());
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("OTEL_EXPORTER_JAEGER_PROTOCOL=\"udp/json\" is not udp/thrift.compact, udp/thrift.binary, "
                     "http/thrift.binary or grpc; using the agent port's protocol"),
            std::string::npos)
      << err;
}

TEST_F(AgentSettings, ABadPortIsNamedWithWhatIsUsedInstead) {
  for (const char* bad : {"abc", "0", "65536", "68 31"}) {
    ::setenv("OTEL_EXPORTER_JAEGER_AGENT_PORT", bad, 1);
    ::testing::internal::CaptureStderr();
    EXPECT_EQ(JaegerAgentExporter::Options::from_env().port, 6831) << bad;
    const std::string err = ::testing::internal::GetCapturedStderr();
    if (std::string(bad) == "abc")  // the first; the others are held back by the rate limit
      EXPECT_NE(err.find("OTEL_EXPORTER_JAEGER_AGENT_PORT=\"abc\" is not a port (1 to 65535); using 6831"),
                std::string::npos)
          << err;
    else
      EXPECT_EQ(err, "");
  }
}

}  // namespace
}  // namespace zspan::testing
