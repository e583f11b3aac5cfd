// configure_from_env(): a program that calls it and nothing else is traced as its
// OpenTelemetry environment says, exporters, sampler and service name included; tracers of
// the configured policy types declared later pick the same up.
#include "zspan/configure/configure.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class Configure : public ::testing::Test {
 protected:
  void set(const char* name, const std::string& value) {
    ::setenv(name, value.c_str(), 1);
    set_.push_back(name);
  }
  void TearDown() override {
    for (const char* name : set_) ::unsetenv(name);
  }

  // The names of the spans that arrived at `receiver`, by service.
  static std::vector<std::pair<std::string, std::string>> arrived(const Receiver& receiver) {
    std::vector<std::pair<std::string, std::string>> spans;
    for (const Receiver::Request& request : receiver.requests()) {
      const auto decoded = decode(request);
      for (const auto& rs : decoded.resource_spans())
        for (const auto& ss : rs.scope_spans())
          for (const auto& span : ss.spans()) spans.emplace_back(rs.resource().attributes(0).value().string_value(), span.name());
    }
    return spans;
  }

 private:
  std::vector<const char*> set_;
};

TEST_F(Configure, TheEnvironmentChoosesExporterServiceAndEndpoint) {
  Receiver receiver;
  set("OTEL_SERVICE_NAME", "checkout");
  set("OTEL_TRACES_EXPORTER", "otlp");
  set("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url());
  ASSERT_TRUE(configure_from_env());
  ASSERT_NE(configured_tracer(), nullptr);
  EXPECT_EQ(default_tracer(), configured_tracer());
  EXPECT_EQ(configured_tracer()->service(), "checkout");
  { TRACE_SCOPE("handle"); }
  ASSERT_TRUE(flush(5s));
  EXPECT_THAT(arrived(receiver), ElementsAre(std::pair{std::string("checkout"), std::string("handle")}));
  EXPECT_EQ(receiver.requests()[0].path, "/v1/traces");
}

TEST_F(Configure, TracersOfTheConfiguredTypesPickUpExportersAndSampler) {
  Receiver receiver;
  set("OTEL_TRACES_EXPORTER", "otlp");
  set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.url("/custom"));
  set("OTEL_TRACES_SAMPLER", "always_off");
  ASSERT_TRUE(configure_from_env());
  ConfiguredTracer billing{"billing"};
  EXPECT_EQ(billing.sampler().kind(), ConfiguredSampler::Kind::kAlwaysOff);
  { TRACE_SCOPE_WITH(billing, "charge"); }
  ASSERT_TRUE(flush(5s));
  EXPECT_EQ(receiver.request_count(), 0u);  // sampled out, as configured

  set("OTEL_TRACES_SAMPLER", "always_on");
  ASSERT_TRUE(configure_from_env());
  ConfiguredTracer invoices{"invoices"};
  { TRACE_SCOPE_WITH(invoices, "issue"); }
  ASSERT_TRUE(flush(5s));
  EXPECT_THAT(arrived(receiver), ElementsAre(std::pair{std::string("invoices"), std::string("issue")}));
  EXPECT_EQ(receiver.requests()[0].path, "/custom");
}

TEST_F(Configure, SeveralExportersEachGetEverySpan) {
  const std::string path = ::testing::TempDir() + "configure_test.jsonl";
  Receiver receiver;
  set("OTEL_TRACES_EXPORTER", " jsonl , OTLP,none");
  set("ZSPAN_JSONL_FILE", path);
  set("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url());
  ASSERT_TRUE(configure_from_env());
  EXPECT_THAT(ConfiguredExporter::for_tracer("any").names(), ElementsAre("jsonl", "otlp"));
  { TRACE_SCOPE("both"); }
  ASSERT_TRUE(flush(5s));
  EXPECT_EQ(arrived(receiver).size(), 1u);
  std::ifstream lines(path);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  EXPECT_THAT(line, HasSubstr("\"both\""));
}

TEST_F(Configure, BadValuesSayWhatIsUsedInstead) {
  set("OTEL_TRACES_EXPORTER", "otlp,bogus");
  set("OTEL_SDK_DISABLED", "maybe");
  ::testing::internal::CaptureStderr();
  const Config config = Config::from_env();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(config.exporters, ElementsAre("otlp"));
  EXPECT_FALSE(config.disabled);
  EXPECT_THAT(err, HasSubstr("OTEL_TRACES_EXPORTER=\"bogus\" is not an exporter this program knows; using the other names"));
  EXPECT_THAT(err, HasSubstr("OTEL_SDK_DISABLED=\"maybe\" is neither true nor false; using false"));
}

TEST_F(Configure, ServiceNameDefaultsFollowTheResourceConventions) {
  set("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod,service.name=from-resource");
  EXPECT_EQ(Config::from_env().service_name, "from-resource");
  set("OTEL_SERVICE_NAME", "from-name");
  EXPECT_EQ(Config::from_env().service_name, "from-name");
  ::unsetenv("OTEL_SERVICE_NAME");
  ::unsetenv("OTEL_RESOURCE_ATTRIBUTES");
  set("OTEL_TRACES_EXPORTER", "none");
  ASSERT_TRUE(configure_from_env());
  EXPECT_EQ(configured_tracer()->service(), "unknown_service:configure_test");
}

TEST_F(Configure, JaegerRemoteSamplingFollowsTheAgentsStrategy) {
  Receiver agent;
  agent.script(std::vector<Receiver::Reply>(
      1000, {.status = 200, .body = R"({"strategyType": "PROBABILISTIC", "probabilisticSampling": {"samplingRate": 1.0}})"}));
  Receiver collector;
  set("OTEL_SERVICE_NAME", "remote-sampled");
  set("OTEL_TRACES_EXPORTER", "otlp");
  set("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url());
  set("OTEL_TRACES_SAMPLER", "parentbased_jaeger_remote");
  set("OTEL_TRACES_SAMPLER_ARG", "endpoint=" + agent.url("/sampling") + ",pollingIntervalMs=100,initialSamplingRate=0");
  ASSERT_TRUE(configure_from_env());
  EXPECT_EQ(configured_tracer()->sampler().kind(), ConfiguredSampler::Kind::kDelegated);
  ASSERT_TRUE(agent.wait_for_requests(1, 5s));
  EXPECT_EQ(agent.requests()[0].path, "/sampling?service=remote-sampled");
  ASSERT_TRUE(agent.wait_for_requests(2, 10s));  // a second poll: the first answer is applied
  { TRACE_SCOPE("sampled by the agent's strategy"); }
  ASSERT_TRUE(flush(5s));
  EXPECT_THAT(arrived(collector),
              ElementsAre(std::pair{std::string("remote-sampled"), std::string("sampled by the agent's strategy")}));
}

TEST_F(Configure, TrustedPeersComeFromTheEnvironmentAndGoToTheIntegrations) {
  set("OTEL_TRACES_EXPORTER", "none");
  ASSERT_TRUE(configure_from_env());
  EXPECT_EQ(PeerWhitelist::configured().trust("anyone.net"), Trust::kTrusted) << "unset: every peer";

  set("ZSPAN_TRUSTED_PEERS", R"(matrix\.org, .*\.example\.com:8448)");
  ASSERT_TRUE(configure_from_env());
  const PeerWhitelist peers = PeerWhitelist::configured();
  EXPECT_EQ(peers.trust("matrix.org"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("hs.example.com:8448"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("hs.example.com:443"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("evil.net"), Trust::kUntrusted);
}

TEST_F(Configure, AnInvalidTrustedPeerFailsConfigurationSaysWhyAndTrustsNoOne) {
  set("OTEL_TRACES_EXPORTER", "none");
  set("ZSPAN_TRUSTED_PEERS", "matrix\\.org, *.myotherhomeservers.com");
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(configure_from_env());
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("*.myotherhomeservers.com"));
  EXPECT_THAT(err, HasSubstr(R"(.*\.myotherhomeservers\.com)")) << "the pattern meant";
  EXPECT_EQ(PeerWhitelist::configured().trust("matrix.org"), Trust::kUntrusted) << "never silently half-trusted";

  Config config = Config::from_env();
  config.trusted_peers = {R"(127\.0\.0\.1)"};
  EXPECT_TRUE(configure(config));
  EXPECT_EQ(PeerWhitelist::configured().trust("127.0.0.1:8080"), Trust::kTrusted) << "from code";
}

TEST_F(Configure, ExportingToNoneRecordsNothing) {
  set("OTEL_TRACES_EXPORTER", "none");
  ASSERT_TRUE(configure_from_env());
  const std::uint64_t before = stats().spans_recorded;
  { TRACE_SCOPE("nowhere"); }
  flush(1s);
  EXPECT_EQ(stats().spans_recorded, before);
}

}  // namespace
}  // namespace zspan::testing
