// What a log's format string refers to: the count zspan checks against the log's
// arguments before fmt checks the specs (tests/compile_fail/bad_format_string*.cc show
// the diagnostic).
#include <gtest/gtest.h>

#include <string_view>

#include "zspan/instrument/log_format.hpp"

namespace {

using zspan::detail::format_placeholders;

TEST(LogFormat, CountsAutomaticPlaceholders) {
  EXPECT_EQ(format_placeholders("no placeholder"), 0u);
  EXPECT_EQ(format_placeholders("attempt {} of {}"), 2u);
  EXPECT_EQ(format_placeholders("{:.1f} ms, {:>8}"), 2u);
}

TEST(LogFormat, EscapedBracesAreText) {
  EXPECT_EQ(format_placeholders("{{}} and {{{}}}"), 1u);
  EXPECT_EQ(format_placeholders("}} {{"), 0u);
}

TEST(LogFormat, NestedPlaceholdersOfASpecCount) {
  EXPECT_EQ(format_placeholders("{:{}}"), 2u);
  EXPECT_EQ(format_placeholders("{:{}.{}f}"), 3u);
}

TEST(LogFormat, ExplicitIndexesReferToOneMoreThanTheHighest) {
  EXPECT_EQ(format_placeholders("{1} {0} {1}"), 2u);
  EXPECT_EQ(format_placeholders("{12}"), 13u);
  EXPECT_EQ(format_placeholders("{0:{2}}"), 3u);
}

TEST(LogFormat, NamedArgumentsAreLeftToFmt) { EXPECT_EQ(format_placeholders("{name} {}"), 1u); }

TEST(LogFormat, AcceptsMoreArgumentsThanPlaceholdersAsFmtDoes) {
  constexpr zspan::LogFormat<int, int> format("only {}");
  const fmt::string_view text = format.format;
  EXPECT_EQ(std::string_view(text.data(), text.size()), "only {}");
}

}  // namespace
