// Terminal text: escaping, cell widths, cutting and wrapping.
#include "zspan/exporters/console/cells.hpp"

#include <gtest/gtest.h>

namespace zspan::console {
namespace {

TEST(Cells, NothingCanMoveTheCursorChangeColorsOrReorderALine) {
  EXPECT_EQ(visible("a\nb\r\tc"), R"(a\nb\r\tc)");
  EXPECT_EQ(visible("\x1b[2J\x1b[31mred"), R"(\x1b[2J\x1b[31mred)");
  EXPECT_EQ(visible("\x7f\x01"), R"(\x7f\x01)");
  EXPECT_EQ(visible("\u0085 next line"), R"(\u0085 next line)") << "C1 control";
  EXPECT_EQ(visible("abc\u202edcba\u2066\u200b\ufeff"), R"(abc\u202edcba\u2066\u200b\ufeff)") << "bidi and invisible";
  EXPECT_EQ(visible("bad \xff\xc3 utf8 \xed\xa0\x80"), R"(bad \xff\xc3 utf8 \xed\xa0\x80)") << "invalid, surrogate";
  EXPECT_EQ(visible("naïve ✓ 日本"), "naïve ✓ 日本");
  EXPECT_EQ(visible(R"(a "b" \n)"), R"(a "b" \n)") << "a name keeps its quotes and backslashes";
}

TEST(Cells, QuotedStringsEscapeQuotesAndBackslashes) {
  std::string out;
  append_quoted(out, "say \"hi\"\\\n");
  EXPECT_EQ(out, R"("say \"hi\"\\\n")");
}

TEST(Cells, ColumnsCountCellsNotBytes) {
  EXPECT_EQ(columns("naïve"), 5u);
  EXPECT_EQ(columns("e\u0301"), 1u) << "a combining accent takes no cell";
  EXPECT_EQ(columns("日本"), 4u);
  EXPECT_EQ(columns("🙂"), 2u);
  EXPECT_EQ(columns("↳ █░✗…µ"), 7u);
}

TEST(Cells, CutMarksTheCutAndNeverSplitsACharacter) {
  EXPECT_EQ(cut("GET /users/42", 8), "GET /us…");
  EXPECT_EQ(cut("GET", 8), "GET");
  EXPECT_EQ(cut("日本語", 4), "日…") << "a wide character that does not fit is left out whole";
  EXPECT_EQ(cut("naïve", 4), "naï…");
  EXPECT_EQ(cut("abc", 1), "…");
  EXPECT_EQ(cut("abc", 0), "");
}

TEST(Cells, WrapPrefersSpacesInTheSecondHalf) {
  EXPECT_EQ(wrap("abcdefghij", 4), (std::vector<std::string_view>{"abcd", "efgh", "ij"}));
  EXPECT_EQ(wrap("hello world again", 12), (std::vector<std::string_view>{"hello world ", "again"}));
  EXPECT_EQ(wrap("a bcdefghijk", 8), (std::vector<std::string_view>{"a bcdefg", "hijk"})) << "a space too early";
  EXPECT_EQ(wrap("日本語", 3), (std::vector<std::string_view>{"日", "本", "語"}));
  EXPECT_TRUE(wrap("", 5).empty());
}

}  // namespace
}  // namespace zspan::console
