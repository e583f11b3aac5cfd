#include "exporters/json/json_writer.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <variant>

namespace zspan {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101;
constexpr std::uint64_t kHighBits = 0x8080808080808080;

// A high bit in each byte of `word` that is a control character, `"`, `\` or not ASCII.
// The lowest flagged byte is exact (borrows only run upwards), which is all the caller uses.
constexpr std::uint64_t special_bytes(std::uint64_t word) noexcept {
  const std::uint64_t control = (word - kOnes * 0x20) & ~word;
  const std::uint64_t quote_bits = word ^ (kOnes * '"');
  const std::uint64_t quote = (quote_bits - kOnes) & ~quote_bits;
  const std::uint64_t backslash_bits = word ^ (kOnes * '\\');
  const std::uint64_t backslash = (backslash_bits - kOnes) & ~backslash_bits;
  return (control | quote | backslash | word) & kHighBits;
}

constexpr bool is_special(unsigned char c) noexcept { return c < 0x20 || c == '"' || c == '\\' || c >= 0x80; }

// The first byte at or after `p` that cannot be copied as it is.
const char* skip_plain(const char* p, const char* end) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    for (; end - p >= 8; p += 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof(word));
      if (const std::uint64_t special = special_bytes(word)) return p + std::countr_zero(special) / 8;
    }
  }
  while (p < end && !is_special(static_cast<unsigned char>(*p))) ++p;
  return p;
}

constexpr bool is_continuation(unsigned char c) noexcept { return (c & 0xC0) == 0x80; }

// The length of the valid UTF-8 sequence at `p` (a lead byte >= 0x80), 0 if it is not one
// (Unicode table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end) noexcept {
  const unsigned char lead = p[0];
  const std::size_t available = static_cast<std::size_t>(end - p);
  std::size_t length;
  unsigned char second_min = 0x80, second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    return 0;
  }
  if (available < length || p[1] < second_min || p[1] > second_max) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if (!is_continuation(p[i])) return 0;
  return length;
}

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(escape, sizeof(escape));
    }
  }
}

template <class Integer>
void append_integer(std::string& out, Integer v) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof(digits), v);
  out.append(digits, result.ptr);
}

}  // namespace

void append_json_string(std::string& out, std::string_view utf8) {
  out += '"';
  const char* p = utf8.data();
  const char* const end = p + utf8.size();
  while (p < end) {
    const char* special = skip_plain(p, end);
    out.append(p, special);
    p = special;
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x80) {
      append_escape(out, c);
      ++p;
    } else if (const std::size_t length = utf8_sequence(reinterpret_cast<const unsigned char*>(p),
                                                        reinterpret_cast<const unsigned char*>(end))) {
      out.append(p, length);
      p += length;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++p;
    }
  }
  out += '"';
}

void append_json_integer(std::string& out, std::int64_t value) { append_integer(out, value); }
void append_json_integer(std::string& out, std::uint64_t value) { append_integer(out, value); }

void append_json_double(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  char digits[32];
  const auto result = std::to_chars(digits, digits + sizeof(digits), value);
  const std::string_view text(digits, static_cast<std::size_t>(result.ptr - digits));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void JsonWriter::integer(std::int64_t v) {
  separate();
  append_json_integer(out_, v);
}

void JsonWriter::integer(std::uint64_t v) {
  separate();
  append_json_integer(out_, v);
}

void JsonWriter::value(const ScalarValue& v) {
  std::visit([this](const auto& scalar) { value(scalar); }, v);
}

void JsonWriter::value(const ArrayValue& v) {
  begin_array();
  v.for_each([this](const ScalarValue& element) { value(element); });
  end_array();
}

bool was_cut(const ArrayValue& v) noexcept {
  bool cut = false;
  if (v.element_type() == FieldType::kString)
    v.for_each([&](const ScalarValue& element) {
      const auto* s = std::get_if<StringValue>(&element);
      cut = cut || (s && s->truncated());
    });
  return cut;
}

void JsonWriter::value(TraceId id) {
  char hex[34];
  hex[0] = hex[33] = '"';
  id.to_hex(hex + 1);
  text({hex, sizeof(hex)});
}

void JsonWriter::value(SpanId id) {
  char hex[18];
  hex[0] = hex[17] = '"';
  id.to_hex(hex + 1);
  text({hex, sizeof(hex)});
}

}  // namespace zspan
