// The JSON writer shared by the JSON exporters: what it writes is JSON a strict parser
// (nlohmann::json, which also rejects invalid UTF-8) reads back as the value written.
#include "zspan/exporters/json/json_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace zspan {
namespace {

std::string json_string(std::string_view s) {
  std::string out;
  JsonWriter(out).value(s);
  return out;
}

// The string `s` decodes to, after checking it is valid JSON.
std::string round_trip(std::string_view s) {
  const auto parsed = nlohmann::json::parse(json_string(s), nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << json_string(s);
  return parsed.is_string() ? parsed.get<std::string>() : "<not a string>";
}

TEST(JsonString, PlainTextIsCopiedAsItIs) {
  EXPECT_EQ(json_string("GET /users"), "\"GET /users\"");
  EXPECT_EQ(json_string(""), "\"\"");
  EXPECT_EQ(json_string("a long plain string that spans several eight-byte words"),
            "\"a long plain string that spans several eight-byte words\"");
}

TEST(JsonString, QuotesBackslashesAndControlCharactersAreEscaped) {
  EXPECT_EQ(json_string("say \"hi\"\\"), R"("say \"hi\"\\")");
  EXPECT_EQ(json_string("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(json_string(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(json_string("\x7f"), "\"\x7f\"") << "DEL needs no escape";
  // At every position of a word, so that the eight-byte scan finds each one.
  for (std::size_t at = 0; at < 17; ++at) {
    for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
      std::string s(17, 'x');
      s[at] = special;
      EXPECT_EQ(round_trip(s), s) << at;
    }
  }
}

TEST(JsonString, ValidUtf8PassesThrough) {
  for (std::string_view s : {"naïve", "héllo \"ünïcode\" ✓", "日本語", "😀 emoji at the end 😀", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_EQ(round_trip(s), s);
    EXPECT_EQ(json_string(s).size(), s.size() + 2 + std::count(s.begin(), s.end(), '"')) << "not escaped: " << s;
  }
}

TEST(JsonString, InvalidUtf8BecomesOneReplacementCharacterPerByte) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(round_trip("a\x80z"), "a" + r + "z") << "a stray continuation byte";
  EXPECT_EQ(round_trip("a\xC3"), "a" + r) << "a sequence cut short at the end (a cut string)";
  EXPECT_EQ(round_trip("\xE2\x9C"), r + r) << "three-byte sequence cut after two";
  EXPECT_EQ(round_trip("\xC0\xAF"), r + r) << "overlong /";
  EXPECT_EQ(round_trip("\xE0\x80\xAF"), r + r + r) << "overlong three-byte";
  EXPECT_EQ(round_trip("\xED\xA0\x80"), r + r + r) << "a UTF-16 surrogate";
  EXPECT_EQ(round_trip("\xF4\x90\x80\x80"), r + r + r + r) << "above U+10FFFF";
  EXPECT_EQ(round_trip("\xFF\xFE ok"), r + r + " ok");
  EXPECT_EQ(round_trip("\xC3\xA9\xC3"), "é" + r) << "valid, then cut";
}

std::string written(auto&& write) {
  std::string out;
  {
    JsonWriter json(out);
    write(json);
  }
  return out;
}

TEST(JsonNumbers, IntegersAreExactToSixtyFourBits) {
  EXPECT_EQ(written([](JsonWriter& j) { j.value(std::numeric_limits<std::uint64_t>::max()); }), "18446744073709551615");
  EXPECT_EQ(written([](JsonWriter& j) { j.value(std::numeric_limits<std::int64_t>::min()); }), "-9223372036854775808");
  EXPECT_EQ(written([](JsonWriter& j) { j.value(0); }), "0");
  const auto parsed = nlohmann::json::parse("18446744073709551615");
  EXPECT_EQ(parsed.get<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max());
}

TEST(JsonNumbers, IntegersOfEveryLengthAreWrittenAsStdToStringWritesThem) {
  std::vector<std::uint64_t> values = {0, std::numeric_limits<std::uint64_t>::max()};
  for (std::uint64_t p = 1; p <= 1'000'000'000'000'000'000u; p *= 10) values.insert(values.end(), {p - 1, p, p + 1, 3 * p});
  std::uint64_t x = 0x9E3779B97F4A7C15;
  for (int i = 0; i < 1000; ++i) values.push_back(x = x * 6364136223846793005u + 1442695040888963407u);
  for (std::uint64_t v : values) {
    EXPECT_EQ(written([&](JsonWriter& j) { j.value(v); }), std::to_string(v));
    const auto s = static_cast<std::int64_t>(v);
    EXPECT_EQ(written([&](JsonWriter& j) { j.value(s); }), std::to_string(s));
  }
}

TEST(JsonNumbers, QuotedIntegersAreStringsOfTheirDecimalDigits) {
  EXPECT_EQ(written([](JsonWriter& j) { j.quoted(std::numeric_limits<std::int64_t>::min()); }), "\"-9223372036854775808\"");
  EXPECT_EQ(written([](JsonWriter& j) { j.quoted(std::numeric_limits<std::uint64_t>::max()); }), "\"18446744073709551615\"");
  EXPECT_EQ(written([](JsonWriter& j) { j.quoted(std::int64_t{0}); }), "\"0\"");
  EXPECT_EQ(written([](JsonWriter& j) {
              j.begin_array();
              j.quoted(std::int64_t{-7});
              j.quoted(std::uint64_t{1'700'000'000'000'000'000});
              j.end_array();
            }),
            R"(["-7","1700000000000000000"])");
}

TEST(JsonNumbers, DoublesRoundTripAndStayFloatingPoint) {
  for (double v : {0.875, -2.25, 0.1, 1.0 / 3, 2.0, -0.0, 1e300, 5e-324, 123456789012345678.0, 1e21}) {
    const std::string text = written([&](JsonWriter& j) { j.value(v); });
    const auto parsed = nlohmann::json::parse(text);
    ASSERT_TRUE(parsed.is_number_float()) << text;
    EXPECT_EQ(parsed.get<double>(), v) << text;
    EXPECT_EQ(std::signbit(parsed.get<double>()), std::signbit(v)) << text;
  }
  EXPECT_EQ(written([](JsonWriter& j) { j.value(2.0); }), "2.0");
  EXPECT_EQ(written([](JsonWriter& j) { j.value(0.5); }), "0.5");
}

TEST(JsonNumbers, NanAndInfinitiesAreStrings) {
  EXPECT_EQ(written([](JsonWriter& j) { j.value(std::nan("")); }), "\"NaN\"");
  EXPECT_EQ(written([](JsonWriter& j) { j.value(std::numeric_limits<double>::infinity()); }), "\"Infinity\"");
  EXPECT_EQ(written([](JsonWriter& j) { j.value(-std::numeric_limits<double>::infinity()); }), "\"-Infinity\"");
}

TEST(JsonWriter, CommasBetweenMembersAndElementsAtEveryLevel) {
  const std::string text = written([](JsonWriter& j) {
    j.begin_object();
    j.member("a", 1);
    j.key("b");
    j.begin_array();
    j.value(true);
    j.begin_object();
    j.end_object();
    j.begin_array();
    j.end_array();
    j.value(-1);
    j.end_array();
    j.member("c", "x");
    j.member("ids", SpanId{0x00f067aa0ba902b7});
    j.member("trace", TraceId{0x0af7651916cd43dd, 0x8448eb211c80319c});
    j.end_object();
  });
  EXPECT_EQ(text,
            R"({"a":1,"b":[true,{},[],-1],"c":"x","ids":"00f067aa0ba902b7",)"
            R"("trace":"0af7651916cd43dd8448eb211c80319c"})");
}

TEST(JsonNumbers, ThousandthsAreExactWithoutTrailingZeros) {
  EXPECT_EQ(written([](JsonWriter& j) { j.thousandths(1500); }), "1.5");
  EXPECT_EQ(written([](JsonWriter& j) { j.thousandths(2000); }), "2");
  EXPECT_EQ(written([](JsonWriter& j) { j.thousandths(80'000'004'750); }), "80000004.75");
  EXPECT_EQ(written([](JsonWriter& j) { j.thousandths(1); }), "0.001");
  EXPECT_EQ(written([](JsonWriter& j) { j.thousandths(10); }), "0.01");
  EXPECT_EQ(written([](JsonWriter& j) { j.thousandths(100); }), "0.1");
  EXPECT_EQ(written([](JsonWriter& j) { j.thousandths(1999); }), "1.999");
  EXPECT_EQ(written([](JsonWriter& j) { j.thousandths(0); }), "0");
  EXPECT_EQ(written([](JsonWriter& j) { j.thousandths(-1'250); }), "-1.25");
  EXPECT_EQ(written([](JsonWriter& j) { j.thousandths(std::numeric_limits<std::int64_t>::min()); }),
            "-9223372036854775.808");
}

TEST(JsonWriter, TheStringHoldsTheTextOnceTheWriterIsGone) {
  std::string out = "[";
  {
    JsonWriter json(out);
    for (int i = 0; i < 1000; ++i) {
      json.value(i);
      json.separator(",");
    }
    json.value("end");
  }
  out += "]";
  const auto parsed = nlohmann::json::parse(out);
  ASSERT_EQ(parsed.size(), 1001u);
  EXPECT_EQ(parsed[999], 999);
  EXPECT_EQ(out.substr(0, 8), "[0,1,2,3");
}

TEST(JsonWriter, AnyKeyCanBeEscapedLiteralKeysAreCopied) {
  EXPECT_EQ(written([](JsonWriter& j) {
              j.begin_object();
              j.escaped_key("a\"b\n✓");
              j.value(false);
              j.member("plain.key_1", true);
              j.end_object();
            }),
            R"({"a\"b\n✓":false,"plain.key_1":true})");
}

}  // namespace
}  // namespace zspan
