// ZipkinExporter::Options::from_env: the OpenTelemetry Zipkin exporter's settings, and bad
// values falling back with one line naming the variable, its value and what is used instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "zspan/exporters/zipkin/zipkin_exporter.hpp"

namespace zspan {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Options = ZipkinExporter::Options;

class ZipkinOptions : public ::testing::Test {
 protected:
  void SetUp() override { clear(); }
  void TearDown() override { clear(); }
  static void clear() {
    ::unsetenv("OTEL_EXPORTER_ZIPKIN_ENDPOINT");
    ::unsetenv("OTEL_EXPORTER_ZIPKIN_TIMEOUT");
  }
  static void set(const char* name, const char* value) { ::setenv(name, value, 1); }
  // from_env(), and what it printed.
  static std::pair<Options, std::string> read() {
    ::testing::internal::CaptureStderr();
    Options o = Options::from_env();
    return {std::move(o), ::testing::internal::GetCapturedStderr()};
  }
};

TEST_F(ZipkinOptions, Defaults) {
  const auto [o, err] = read();
  EXPECT_EQ(o.endpoint, "http://localhost:9411/api/v2/spans");
  EXPECT_EQ(o.timeout, 10s);
  EXPECT_EQ(err, "");
  EXPECT_EQ(ZipkinExporter(o).name(), "zipkin");
}

TEST_F(ZipkinOptions, EverySettingIsRead) {
  set("OTEL_EXPORTER_ZIPKIN_ENDPOINT", " https://zipkin.example.com:9411/custom/path ");
  set("OTEL_EXPORTER_ZIPKIN_TIMEOUT", "2500");
  const auto [o, err] = read();
  EXPECT_EQ(o.endpoint, "https://zipkin.example.com:9411/custom/path") << "trimmed, used as is";
  EXPECT_EQ(o.timeout, 2500ms);
  EXPECT_EQ(err, "");
  EXPECT_EQ(ZipkinExporter().options().endpoint, o.endpoint) << "the default constructor reads them";
}

TEST_F(ZipkinOptions, EmptyValuesAreUnset) {
  set("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "");
  set("OTEL_EXPORTER_ZIPKIN_TIMEOUT", " \t");
  const auto [o, err] = read();
  EXPECT_EQ(o.endpoint, "http://localhost:9411/api/v2/spans");
  EXPECT_EQ(o.timeout, 10s);
  EXPECT_EQ(err, "");
}

// Each bad value: the default is used, with one line saying so, once however often it is read.
TEST_F(ZipkinOptions, BadEndpoint) {
  set("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "zipkin:9411");
  const auto [o, err] = read();
  EXPECT_EQ(o.endpoint, "http://localhost:9411/api/v2/spans");
  EXPECT_THAT(err, HasSubstr("OTEL_EXPORTER_ZIPKIN_ENDPOINT=\"zipkin:9411\""));
  EXPECT_THAT(err, HasSubstr("using http://localhost:9411/api/v2/spans"));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(read().second, "") << "rate-limited per variable";
}

TEST_F(ZipkinOptions, BadTimeout) {
  for (const char* bad : {"10s", "0", "-5"}) {
    set("OTEL_EXPORTER_ZIPKIN_TIMEOUT", bad);
    const auto [o, err] = read();
    EXPECT_EQ(o.timeout, 10s) << bad;
    if (std::string(bad) == "10s") {
      EXPECT_THAT(err, HasSubstr("OTEL_EXPORTER_ZIPKIN_TIMEOUT=\"10s\""));
      EXPECT_THAT(err, HasSubstr("using 10000"));
      EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    } else {
      EXPECT_EQ(err, "") << "rate-limited per variable: " << bad;
    }
  }
}

}  // namespace
}  // namespace zspan
