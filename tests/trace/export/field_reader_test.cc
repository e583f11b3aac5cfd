// What an exporter reads back from a span's fields (trace/export/field_reader.hpp): each
// field as it was set, in order, with its key; strings with the size they had before
// they were cut; arrays, references and logs with their payloads. The fields are written
// by the span guard's own writers and read from its record while it runs.
#include "zspan/trace/export/field_reader.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "zspan/exporters/discard/discard_exporter.hpp"
#include "zspan/instrument/zspan.hpp"

namespace zspan {
namespace {

inline constexpr TagKey<"test.flag", bool> flag;
inline constexpr TagKey<"test.count", std::int64_t> count;
inline constexpr TagKey<"test.bytes", std::uint64_t> bytes;
inline constexpr TagKey<"test.ratio", double> ratio;
inline constexpr TagKey<"test.text", std::string_view> text;
inline constexpr TagKey<"test.flags", std::span<const bool>> flags;
inline constexpr TagKey<"test.counts", std::span<const std::int64_t>> counts;
inline constexpr TagKey<"test.sizes", std::span<const std::uint64_t>> sizes;
inline constexpr TagKey<"test.ratios", std::span<const double>> ratios;
inline constexpr TagKey<"test.words", std::span<const std::string_view>> words;

constexpr Callsite kWork{"work", "test", __FILE__, __LINE__, Level::kInfo};
constexpr std::uint64_t kStartUnixNanos = 1'700'000'000'000'000'000;
constexpr double kTicksPerNano = 2.0;

using RecordingTracer = Tracer<AlwaysOnSampler, DiscardExporter>;

// A running span whose record is read as an exporter reads a finished one: on a clock
// that puts its start at kStartUnixNanos and runs at kTicksPerNano.
template <unsigned FieldBytes = 1024>
class ReadSpan {
 public:
  explicit ReadSpan(RecordingTracer& tracer) : span_(tracer, kWork) {}

  BasicScopedSpan<FieldBytes>& span() { return span_; }
  std::vector<Field> fields() {
    std::vector<Field> all;
    for_each_decoded_field(view(), [&](const Field& f) { all.push_back(f); });
    return all;
  }
  std::uint32_t dropped_fields() { return view().dropped_fields(); }
  std::uint64_t start_unix_nanos() { return view().start_unix_nanos(); }
  std::uint64_t log_unix_nanos(const LogValue& log) { return log.unix_nanos(view()); }

 private:
  SpanView view() {
    clock_ = ClockAnchor::fixed(span_.node().record.start_ticks, kStartUnixNanos, kTicksPerNano);
    return SpanView(span_.node().record, "svc", clock_);
  }

  BasicScopedSpan<FieldBytes> span_;
  ClockAnchor clock_ = ClockAnchor::fixed(0, 0, 1.0);
};

template <class T>
std::vector<T> elements(const ArrayValue& array) {
  std::vector<T> all;
  array.for_each([&](const ScalarValue& element) { all.push_back(std::get<T>(element)); });
  return all;
}

std::vector<Field> fields_of(const LogValue& log) {
  std::vector<Field> all;
  log.for_each_field([&](const Field& f) { all.push_back(f); });
  return all;
}

std::vector<std::string> string_elements(const ArrayValue& array) {
  std::vector<std::string> all;
  array.for_each([&](const ScalarValue& element) { all.emplace_back(std::get<StringValue>(element).text); });
  return all;
}

TEST(FieldReader, ScalarsComeBackAsSetWithTheirKeys) {
  RecordingTracer tracer{"svc"};
  ReadSpan read(tracer);
  read.span().tag(flag, true);
  read.span().tag(count, std::numeric_limits<std::int64_t>::min());
  read.span().tag(bytes, std::numeric_limits<std::uint64_t>::max());
  read.span().tag(ratio, -0.125);

  const std::vector<Field> fields = read.fields();
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0].key, &flag.field);
  EXPECT_EQ(std::get<bool>(fields[0].value), true);
  EXPECT_EQ(fields[1].key, &count.field);
  EXPECT_EQ(std::get<std::int64_t>(fields[1].value), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(fields[2].key, &bytes.field);
  EXPECT_EQ(std::get<std::uint64_t>(fields[2].value), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(fields[3].key, &ratio.field);
  EXPECT_EQ(std::get<double>(fields[3].value), -0.125);
}

TEST(FieldReader, StringsOfEverySizeComeBackWhole) {
  RecordingTracer tracer{"svc"};
  ReadSpan read(tracer);
  const std::string longest(kMaxStringBytes, 'x');
  for (std::string_view s : {std::string_view(), std::string_view("GET"), std::string_view("7 bytes"),
                             std::string_view("eight by"), std::string_view(longest)})
    read.span().tag(text, s);

  const std::vector<Field> fields = read.fields();
  ASSERT_EQ(fields.size(), 5u);
  const std::vector<std::string_view> expected{"", "GET", "7 bytes", "eight by", longest};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& value = std::get<StringValue>(fields[i].value);
    EXPECT_EQ(value.text, expected[i]);
    EXPECT_EQ(value.original_size, expected[i].size());
    EXPECT_FALSE(value.truncated());
  }
}

TEST(FieldReader, ACutStringKeepsItsOriginalSize) {
  RecordingTracer tracer{"svc"};
  ReadSpan read(tracer);
  const std::string statement(kMaxStringBytes + 72, 's');
  read.span().tag(text, statement);

  const std::vector<Field> fields = read.fields();
  ASSERT_EQ(fields.size(), 1u);
  const auto& value = std::get<StringValue>(fields[0].value);
  EXPECT_EQ(value.text, std::string_view(statement).substr(0, kMaxStringBytes));
  EXPECT_EQ(value.original_size, statement.size());
  EXPECT_TRUE(value.truncated());
}

TEST(FieldReader, FirstCharsCutsBetweenUtf8CharactersAndKeepsTheOriginalSize) {
  const StringValue word{"h\xC3\xA9llo", 6};  // "héllo": é is two bytes
  EXPECT_EQ(word.first_chars(2).text, "h\xC3\xA9");
  EXPECT_EQ(word.first_chars(2).original_size, 6u);
  EXPECT_TRUE(word.first_chars(2).truncated());
  EXPECT_EQ(word.first_chars(0).text, "");
  EXPECT_EQ(word.first_chars(5).text, word.text);
  EXPECT_FALSE(word.first_chars(99).truncated());
}

TEST(FieldReader, ArraysOfEveryElementTypeComeBackInOrder) {
  RecordingTracer tracer{"svc"};
  ReadSpan read(tracer);
  const bool flag_values[] = {true, false, true};
  const std::int64_t count_values[] = {-1, 0, std::int64_t{1} << 40};
  const std::uint64_t size_values[] = {std::numeric_limits<std::uint64_t>::max()};
  const double ratio_values[] = {1.5, -2.25};
  const std::string long_word(20, 'w');
  const std::string_view word_values[] = {"a", long_word, ""};
  read.span().tag(flags, flag_values);
  read.span().tag(counts, count_values);
  read.span().tag(sizes, size_values);
  read.span().tag(ratios, ratio_values);
  read.span().tag(words, word_values);

  const std::vector<Field> fields = read.fields();
  ASSERT_EQ(fields.size(), 5u);
  const auto& bools = std::get<ArrayValue>(fields[0].value);
  EXPECT_EQ(bools.element_type(), detail::FieldType::kBool);
  EXPECT_EQ(bools.size(), 3u);
  EXPECT_EQ(elements<bool>(bools), (std::vector<bool>{true, false, true}));
  const auto& ints = std::get<ArrayValue>(fields[1].value);
  EXPECT_EQ(ints.element_type(), detail::FieldType::kInt64);
  EXPECT_EQ(elements<std::int64_t>(ints), (std::vector<std::int64_t>{-1, 0, std::int64_t{1} << 40}));
  const auto& unsigneds = std::get<ArrayValue>(fields[2].value);
  EXPECT_EQ(unsigneds.element_type(), detail::FieldType::kUint64);
  EXPECT_EQ(elements<std::uint64_t>(unsigneds), (std::vector<std::uint64_t>{std::numeric_limits<std::uint64_t>::max()}));
  const auto& doubles = std::get<ArrayValue>(fields[3].value);
  EXPECT_EQ(doubles.element_type(), detail::FieldType::kDouble);
  EXPECT_EQ(elements<double>(doubles), (std::vector<double>{1.5, -2.25}));
  const auto& strings = std::get<ArrayValue>(fields[4].value);
  EXPECT_EQ(strings.element_type(), detail::FieldType::kString);
  EXPECT_EQ(string_elements(strings), (std::vector<std::string>{"a", long_word, ""}));
  EXPECT_EQ(fields[4].key, &words.field);
}

TEST(FieldReader, AnEmptyArrayHasNoElements) {
  RecordingTracer tracer{"svc"};
  ReadSpan read(tracer);
  read.span().tag(counts, std::span<const std::int64_t>{});

  const std::vector<Field> fields = read.fields();
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(std::get<ArrayValue>(fields[0].value).size(), 0u);
  EXPECT_TRUE(elements<std::int64_t>(std::get<ArrayValue>(fields[0].value)).empty());
}

TEST(FieldReader, FirstCharsOfAStringArrayCutsEachElement) {
  RecordingTracer tracer{"svc"};
  ReadSpan read(tracer);
  const std::string_view word_values[] = {"abcdef", "ab", "h\xC3\xA9llo"};
  read.span().tag(words, word_values);

  const std::vector<Field> fields = read.fields();
  ASSERT_EQ(fields.size(), 1u);
  const ArrayValue cut = std::get<ArrayValue>(fields[0].value).first_chars(3).first_chars(4);
  EXPECT_EQ(string_elements(cut), (std::vector<std::string>{"abc", "ab", "h\xC3\xA9l"}));
  cut.for_each([](const ScalarValue& element) {
    const auto& s = std::get<StringValue>(element);
    EXPECT_EQ(s.truncated(), s.text != "ab") << s.text;
  });
}

TEST(FieldReader, ReferencesCarryTheirKindAndTheOtherSpansIds) {
  RecordingTracer tracer{"svc"};
  ReadSpan read(tracer);
  SpanContext cause;
  cause.trace_id = TraceId{0x4bf92f3577b34da6, 0xa3ce929d0e0e4736};
  cause.span_id = SpanId{0x00f067aa0ba902b7};
  SpanContext sibling;
  sibling.trace_id = TraceId{1, 2};
  sibling.span_id = SpanId{3};
  read.span().add_reference(Reference::kFollowsFrom, cause);
  read.span().add_reference(Reference::kChildOf, sibling);

  const std::vector<Field> fields = read.fields();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].key, &detail::kFollowsFromReference);
  const auto& follows = std::get<ReferenceValue>(fields[0].value);
  EXPECT_EQ(follows.kind, Reference::kFollowsFrom);
  EXPECT_EQ(follows.trace_id, cause.trace_id);
  EXPECT_EQ(follows.span_id, cause.span_id);
  EXPECT_EQ(fields[1].key, &detail::kChildOfReference);
  const auto& child_of = std::get<ReferenceValue>(fields[1].value);
  EXPECT_EQ(child_of.kind, Reference::kChildOf);
  EXPECT_EQ(child_of.trace_id, sibling.trace_id);
  EXPECT_EQ(child_of.span_id, sibling.span_id);
}

TEST(FieldReader, ALogIsOneFieldWhoseFieldsComeBackInOrderWithItsTime) {
  RecordingTracer tracer{"svc"};
  ReadSpan read(tracer);
  read.span().tag(flag, true);
  read.span().log_fields(logs::event = "retry", count = 3, text = std::string_view("a longer reason"));
  read.span().log("attempt {} of {}", 2, 3);
  read.span().tag(count, 7);

  const std::vector<Field> fields = read.fields();
  ASSERT_EQ(fields.size(), 4u) << "the logs' own fields are inside them";
  EXPECT_EQ(fields[0].key, &flag.field);
  EXPECT_EQ(fields[3].key, &count.field);

  EXPECT_EQ(fields[1].key, &detail::kLogKey);
  const auto& retry = std::get<LogValue>(fields[1].value);
  const std::vector<Field> retry_fields = fields_of(retry);
  ASSERT_EQ(retry_fields.size(), 3u);
  EXPECT_EQ(retry_fields[0].key, &logs::event.field);
  EXPECT_EQ(std::get<StringValue>(retry_fields[0].value).text, "retry");
  EXPECT_EQ(retry_fields[1].key, &count.field);
  EXPECT_EQ(std::get<std::int64_t>(retry_fields[1].value), 3);
  EXPECT_EQ(std::get<StringValue>(retry_fields[2].value).text, "a longer reason");

  const auto& attempt = std::get<LogValue>(fields[2].value);
  const std::vector<Field> attempt_fields = fields_of(attempt);
  ASSERT_EQ(attempt_fields.size(), 1u);
  EXPECT_EQ(attempt_fields[0].key, &logs::message.field);
  EXPECT_EQ(std::get<StringValue>(attempt_fields[0].value).text, "attempt 2 of 3");

  EXPECT_LE(retry.offset_ticks(), attempt.offset_ticks()) << "stamped when written, after the span's start";
  EXPECT_EQ(read.start_unix_nanos(), kStartUnixNanos);
  EXPECT_EQ(read.log_unix_nanos(attempt),
            kStartUnixNanos + static_cast<std::uint64_t>(static_cast<double>(attempt.offset_ticks()) / kTicksPerNano));
}

TEST(FieldReader, FieldsThatDidNotFitAreCountedNotRead) {
  RecordingTracer tracer{"svc"};
  ReadSpan<32> read(tracer);  // room for two one-entry fields
  read.span().tag(count, 1);
  read.span().tag(text, std::string_view("does not fit: longer than seven bytes"));
  read.span().tag(count, 2);
  read.span().tag(count, 3);

  const std::vector<Field> fields = read.fields();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(std::get<std::int64_t>(fields[0].value), 1);
  EXPECT_EQ(std::get<std::int64_t>(fields[1].value), 2);
  EXPECT_EQ(read.dropped_fields(), 2u);
}

}  // namespace
}  // namespace zspan
