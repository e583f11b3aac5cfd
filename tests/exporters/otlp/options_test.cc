// OtlpHttpExporter::Options::from_env: the OTLP exporter specification's settings, the
// endpoint rules, the signal-specific forms winning, and bad values falling back with one
// line naming the variable, its value and what is used instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "zspan/exporters/otlp/otlp_http_exporter.hpp"

namespace zspan {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using Options = OtlpHttpExporter::Options;

class OtlpOptions : public ::testing::Test {
 protected:
  void SetUp() override { clear(); }
  void TearDown() override { clear(); }
  static void clear() {
    for (const char* suffix : {"ENDPOINT", "PROTOCOL", "HEADERS", "TIMEOUT", "COMPRESSION", "CERTIFICATE",
                               "CLIENT_CERTIFICATE", "CLIENT_KEY"}) {
      ::unsetenv((std::string("OTEL_EXPORTER_OTLP_") + suffix).c_str());
      ::unsetenv((std::string("OTEL_EXPORTER_OTLP_TRACES_") + suffix).c_str());
    }
  }
  static void set(const char* name, const char* value) { ::setenv(name, value, 1); }
  // from_env(), and what it printed.
  static std::pair<Options, std::string> read() {
    ::testing::internal::CaptureStderr();
    Options o = Options::from_env();
    return {std::move(o), ::testing::internal::GetCapturedStderr()};
  }
};

TEST_F(OtlpOptions, Defaults) {
  const auto [o, err] = read();
  EXPECT_EQ(o.endpoint, "http://localhost:4318/v1/traces");
  EXPECT_EQ(o.timeout, 10s);
  EXPECT_EQ(o.compression, OtlpHttpExporter::Compression::kNone);
  EXPECT_TRUE(o.headers.empty());
  EXPECT_EQ(o.certificate, "");
  EXPECT_EQ(err, "");
}

TEST_F(OtlpOptions, TheBaseEndpointGetsTheTracesPath) {
  for (const auto& [base, url] : std::vector<std::pair<const char*, const char*>>{
           {"http://collector:4318", "http://collector:4318/v1/traces"},
           {"http://collector:4318/", "http://collector:4318/v1/traces"},
           {"https://otel.example.com/otlp", "https://otel.example.com/otlp/v1/traces"},
           {"  HTTPS://otel.example.com/otlp/ ", "HTTPS://otel.example.com/otlp/v1/traces"}}) {
    set("OTEL_EXPORTER_OTLP_ENDPOINT", base);
    EXPECT_EQ(read().first.endpoint, url) << base;
  }
}

TEST_F(OtlpOptions, TheTracesEndpointIsUsedAsIsAndWins) {
  set("OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318");
  set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:9999/custom/path");
  EXPECT_EQ(read().first.endpoint, "http://traces:9999/custom/path");
  set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:9999");  // no path added either
  EXPECT_EQ(read().first.endpoint, "http://traces:9999");
}

TEST_F(OtlpOptions, EverySettingIsRead) {
  set("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
  set("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20abc,x-scope=a%2Cb");
  set("OTEL_EXPORTER_OTLP_TIMEOUT", "2500");
  set("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip");
  set("OTEL_EXPORTER_OTLP_CERTIFICATE", "/etc/ca.pem");
  set("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "/etc/client.pem");
  set("OTEL_EXPORTER_OTLP_CLIENT_KEY", "/etc/client.key");
  const auto [o, err] = read();
  EXPECT_THAT(o.headers, ElementsAre(Pair("authorization", "Bearer abc"), Pair("x-scope", "a,b")));
  EXPECT_EQ(o.timeout, 2500ms);
  EXPECT_EQ(o.compression, OtlpHttpExporter::Compression::kGzip);
  EXPECT_EQ(o.certificate, "/etc/ca.pem");
  EXPECT_EQ(o.client_certificate, "/etc/client.pem");
  EXPECT_EQ(o.client_key, "/etc/client.key");
  EXPECT_EQ(err, "");
}

TEST_F(OtlpOptions, TracesFormsWin) {
  set("OTEL_EXPORTER_OTLP_HEADERS", "a=1");
  set("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=2");
  set("OTEL_EXPORTER_OTLP_TIMEOUT", "2500");
  set("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "700");
  set("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip");
  set("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "none");
  set("OTEL_EXPORTER_OTLP_CERTIFICATE", "/all.pem");
  set("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", "/traces.pem");
  const auto [o, err] = read();
  EXPECT_THAT(o.headers, ElementsAre(Pair("b", "2")));
  EXPECT_EQ(o.timeout, 700ms);
  EXPECT_EQ(o.compression, OtlpHttpExporter::Compression::kNone);
  EXPECT_EQ(o.certificate, "/traces.pem");
}

TEST_F(OtlpOptions, EmptyValuesAreUnset) {
  set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", " ");
  set("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "");
  set("OTEL_EXPORTER_OTLP_TIMEOUT", "3000");
  const auto [o, err] = read();
  EXPECT_EQ(o.endpoint, "http://localhost:4318/v1/traces");
  EXPECT_EQ(o.timeout, 3000ms);
  EXPECT_EQ(err, "");
}

// Each bad value: the default (or the other form) is used, with one line saying so.
TEST_F(OtlpOptions, BadTimeout) {
  set("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "10s");
  const auto [o, err] = read();
  EXPECT_EQ(o.timeout, 10s);
  EXPECT_THAT(err, HasSubstr("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=\"10s\""));
  EXPECT_THAT(err, HasSubstr("using 10000"));
}

TEST_F(OtlpOptions, BadCompression) {
  set("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli");
  const auto [o, err] = read();
  EXPECT_EQ(o.compression, OtlpHttpExporter::Compression::kNone);
  EXPECT_THAT(err, HasSubstr("OTEL_EXPORTER_OTLP_COMPRESSION=\"brotli\" is neither gzip nor none; using none"));
}

TEST_F(OtlpOptions, ProtocolsProtobufAndJson) {
  EXPECT_EQ(read().first.protocol, OtlpHttpExporter::Protocol::kHttpProtobuf);
  set("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
  const auto [o, err] = read();
  EXPECT_EQ(o.protocol, OtlpHttpExporter::Protocol::kHttpJson);
  EXPECT_EQ(err, "");
}

TEST_F(OtlpOptions, UnsupportedProtocolsSayProtobufIsUsed) {
  set("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc");
  const auto [o, err] = read();
  EXPECT_EQ(o.protocol, OtlpHttpExporter::Protocol::kHttpProtobuf);
  EXPECT_THAT(err, HasSubstr("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=\"grpc\" is not supported yet; using http/protobuf"));
}

TEST_F(OtlpOptions, BadBaseEndpoint) {
  set("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318");
  const auto [o, err] = read();
  EXPECT_EQ(o.endpoint, "http://localhost:4318/v1/traces");
  EXPECT_THAT(err, HasSubstr("OTEL_EXPORTER_OTLP_ENDPOINT=\"collector:4318\" is not an http:// or https:// URL; "
                             "using http://localhost:4318/v1/traces"));
}

TEST_F(OtlpOptions, BadTracesEndpointFallsBackToTheBase) {
  set("OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318");
  set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "grpc://traces:4317");
  const auto [o, err] = read();
  EXPECT_EQ(o.endpoint, "http://base:4318/v1/traces");
  EXPECT_THAT(err, HasSubstr("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=\"grpc://traces:4317\""));
  EXPECT_THAT(err, HasSubstr("using http://base:4318/v1/traces"));
}

TEST_F(OtlpOptions, MalformedHeaderMembersAreSkipped) {
  set("OTEL_EXPORTER_OTLP_HEADERS", "novalue,ok=1,bad key=2,crlf=a%0D%0Ab,esc=%zz");
  const auto [o, err] = read();
  EXPECT_THAT(o.headers, ElementsAre(Pair("ok", "1")));
  EXPECT_THAT(err, HasSubstr("OTEL_EXPORTER_OTLP_HEADERS=\"novalue\" is not key=value"));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;  // rate-limited: one line
}

}  // namespace
}  // namespace zspan
