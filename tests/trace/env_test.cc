// Settings from the environment (trace/env.hpp): the OpenTelemetry rules for reading them,
// and one rate-limited line per variable for a value that is wrong.
#include "zspan/trace/env.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace zspan {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

// Each test's variable, set for the test and unset after it.
class Env : public ::testing::Test {
 protected:
  void set(const char* name, const char* value) {
    ::setenv(name, value, 1);
    set_.push_back(name);
  }
  void TearDown() override {
    for (const char* name : set_) ::unsetenv(name);
  }

 private:
  std::vector<const char*> set_;
};

TEST_F(Env, ValuesAreTrimmedAndEmptyIsUnset) {
  set("ZSPAN_TEST_TRIMMED", " \tvalue \t");
  set("ZSPAN_TEST_EMPTY", "  ");
  EXPECT_EQ(env::value("ZSPAN_TEST_TRIMMED"), "value");
  EXPECT_EQ(env::value("ZSPAN_TEST_EMPTY"), std::nullopt);
  EXPECT_EQ(env::value("ZSPAN_TEST_NEVER_SET"), std::nullopt);
  EXPECT_EQ(env::millis("ZSPAN_TEST_EMPTY", 7ms), 7ms);
}

TEST_F(Env, NumbersAreWholeAndPositive) {
  set("ZSPAN_TEST_GOOD", "1500");
  EXPECT_EQ(env::positive("ZSPAN_TEST_GOOD", 1), 1500u);
  EXPECT_EQ(env::millis("ZSPAN_TEST_GOOD", 1ms), 1500ms);
  for (const char* bad : {"0", "-5", "1.5", "10s", "abc", "99999999999999999999999"}) {
    set("ZSPAN_TEST_BAD_NUMBER", bad);
    ::testing::internal::CaptureStderr();
    EXPECT_EQ(env::positive("ZSPAN_TEST_BAD_NUMBER", 42), 42u) << bad;
    EXPECT_EQ(env::millis("ZSPAN_TEST_BAD_NUMBER", 10000ms), 10000ms) << bad;
    ::testing::internal::GetCapturedStderr();
  }
}

TEST_F(Env, ABadValueSaysWhichVariableWhatValueAndWhatIsUsed) {
  set("ZSPAN_TEST_TIMEOUT", "ten");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(env::millis("ZSPAN_TEST_TIMEOUT", 10000ms), 10000ms);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("ZSPAN_TEST_TIMEOUT=\"ten\" is not a positive whole number of milliseconds; using 10000"));
}

TEST_F(Env, EachVariableHasItsOwnRateLimitedLine) {
  set("ZSPAN_TEST_FIRST", "x");
  set("ZSPAN_TEST_SECOND", "y");
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 5; ++i) {
    env::positive("ZSPAN_TEST_FIRST", 1);
    env::positive("ZSPAN_TEST_SECOND", 1);
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 2) << err;
  EXPECT_THAT(err, HasSubstr("ZSPAN_TEST_FIRST=\"x\""));
  EXPECT_THAT(err, HasSubstr("ZSPAN_TEST_SECOND=\"y\""));
}

TEST_F(Env, UrlsMustBeHttpOrHttps) {
  set("ZSPAN_TEST_URL", "HTTPS://collector:4318");
  EXPECT_EQ(env::http_url("ZSPAN_TEST_URL", "http://localhost"), "HTTPS://collector:4318");
  set("ZSPAN_TEST_BAD_URL", "collector:4318");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(env::http_url("ZSPAN_TEST_BAD_URL", "http://localhost:4318"), "http://localhost:4318");
  EXPECT_THAT(::testing::internal::GetCapturedStderr(),
              HasSubstr("ZSPAN_TEST_BAD_URL=\"collector:4318\" is not an http:// or https:// URL; using http://localhost:4318"));
  EXPECT_FALSE(env::is_http_url("http://"));
}

TEST_F(Env, KeyValueListsArePercentDecodedAndSkipWhatIsMalformed) {
  set("ZSPAN_TEST_LIST", " service.name = checkout , deployment.environment=prod%2Ceu ,,novalue,=nokey,bad=%zz");
  ::testing::internal::CaptureStderr();
  EXPECT_THAT(env::key_values("ZSPAN_TEST_LIST"),
              ElementsAre(Pair("service.name", "checkout"), Pair("deployment.environment", "prod,eu")));
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("ZSPAN_TEST_LIST=\"novalue\""));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

}  // namespace
}  // namespace zspan
