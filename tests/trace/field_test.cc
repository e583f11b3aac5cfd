// Field writers (trace/internal/field.hpp) read back by trace/field_reader.hpp. Built with UBSan
// (tests/trace/BUILD): a writer must not rely on undefined behaviour that happens to work.
#include "zspan/trace/internal/field.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "zspan/trace/export/field_reader.hpp"

namespace zspan {
namespace {

struct ReadBack {
  std::string text;
  std::uint32_t original_size;
};

// Writes `text` as a value word followed by its payload, as in a span record, and reads it.
ReadBack round_trip(std::string_view text) {
  alignas(8) std::array<std::byte, 8 + 64> words{};
  const std::uint64_t value = detail::write_string(text, text.size(), words.data() + 8);
  std::memcpy(words.data(), &value, sizeof(value));
  const StringValue read = detail::string_at(words.data());
  return {std::string(read.text), read.original_size};
}

TEST(Field, AnEmptyStringWithoutDataIsWrittenAsAnEmptyInlineString) {
  const ReadBack read = round_trip(std::string_view{});
  EXPECT_TRUE(read.text.empty());
  EXPECT_EQ(read.original_size, 0u);
}

TEST(Field, StringsRoundTripInlineAndAfterTheirValue) {
  for (const std::string& text : {std::string(), std::string("abc"), std::string("7 bytes"), std::string(40, 'x')})
    EXPECT_EQ(round_trip(text).text, text) << text.size();
}

}  // namespace
}  // namespace zspan
