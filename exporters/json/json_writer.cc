#include "zspan/exporters/json/json_writer.hpp"

#include <algorithm>
#include <array>
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

constexpr auto kSpecial = [] {
  std::array<bool, 256> special{};
  for (unsigned c = 0; c < 256; ++c) special[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  return special;
}();

// Copies the bytes from `p` on that need no escaping to `to`, up to the first that does (or
// `end`), and advances both. Eight bytes at a time, the last eight overlapping those before
// when the string (from `begin`) is long enough. `to` must have room for 8 bytes more than
// it receives: a word is stored whole before the scan knows how much of it is plain.
void copy_plain(const char* begin, const char*& p, const char* end, char*& to) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    if (end - begin >= 8) {
      while (p < end) {
        std::uint64_t word;
        std::size_t bytes = 8;
        if (end - p >= 8) {
          std::memcpy(&word, p, sizeof(word));
        } else {  // the last bytes: the word that ends the string, shifted down, topped up with spaces
          bytes = static_cast<std::size_t>(end - p);
          std::memcpy(&word, end - 8, sizeof(word));
          word = (word >> (64 - 8 * bytes)) | (kOnes * ' ' << (8 * bytes));
        }
        std::memcpy(to, &word, sizeof(word));
        if (const std::uint64_t special = special_bytes(word)) {
          const std::size_t plain = static_cast<std::size_t>(std::countr_zero(special)) / 8;
          p += plain;
          to += plain;
          return;
        }
        p += bytes;
        to += bytes;
      }
      return;
    }
  }
  while (p < end && !kSpecial[static_cast<unsigned char>(*p)]) *to++ = *p++;
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

// Writes the escape of ASCII character `c` at `to`; returns the end.
char* write_escape(char* to, unsigned char c) {
  char short_form = 0;
  switch (c) {
    case '"': short_form = '"'; break;
    case '\\': short_form = '\\'; break;
    case '\n': short_form = 'n'; break;
    case '\r': short_form = 'r'; break;
    case '\t': short_form = 't'; break;
    case '\b': short_form = 'b'; break;
    case '\f': short_form = 'f'; break;
  }
  *to++ = '\\';
  if (short_form) {
    *to++ = short_form;
    return to;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const char unicode[5] = {'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  std::memcpy(to, unicode, sizeof(unicode));
  return to + sizeof(unicode);
}

constexpr auto kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

void write_pair(char* to, std::uint32_t two_digits) { std::memcpy(to, &kDigitPairs[2 * two_digits], 2); }

// n < 10^8 as exactly eight digits, leading zeros included.
void write_eight_digits(char* to, std::uint32_t n) {
  const std::uint32_t high = n / 10'000, low = n % 10'000;
  write_pair(to, high / 100);
  write_pair(to + 2, high % 100);
  write_pair(to + 4, low / 100);
  write_pair(to + 6, low % 100);
}

// n < 10^8 without leading zeros; returns the end. Two digits at a time, from the right.
char* write_short_decimal(char* to, std::uint32_t n) {
  const int digits = n < 10 ? 1 : n < 100 ? 2 : n < 1'000 ? 3 : n < 10'000 ? 4 : n < 100'000 ? 5 : n < 1'000'000 ? 6 : n < 10'000'000 ? 7 : 8;
  char* at = to + digits;
  for (; n >= 100; n /= 100, at -= 2) write_pair(at - 2, n % 100);
  if (n >= 10) write_pair(at - 2, n);
  else at[-1] = static_cast<char>('0' + n);
  return to + digits;
}

// Any uint64 in decimal: eight-digit chunks in 32-bit arithmetic; returns the end.
char* write_decimal(char* to, std::uint64_t v) {
  constexpr std::uint64_t k1e8 = 100'000'000, k1e16 = k1e8 * k1e8;
  if (v < k1e8) return write_short_decimal(to, static_cast<std::uint32_t>(v));
  if (v < k1e16) {
    to = write_short_decimal(to, static_cast<std::uint32_t>(v / k1e8));
    write_eight_digits(to, static_cast<std::uint32_t>(v % k1e8));
    return to + 8;
  }
  to = write_short_decimal(to, static_cast<std::uint32_t>(v / k1e16));
  const std::uint64_t rest = v % k1e16;
  write_eight_digits(to, static_cast<std::uint32_t>(rest / k1e8));
  write_eight_digits(to + 8, static_cast<std::uint32_t>(rest % k1e8));
  return to + 16;
}

std::uint64_t magnitude(std::int64_t v) noexcept {
  return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

// "-<magnitude>" or "<magnitude>" in decimal, quotes included; returns the end.
char* write_quoted(char* to, bool negative, std::uint64_t magnitude) {
  *to++ = '"';
  if (negative) *to++ = '-';
  to = write_decimal(to, magnitude);
  *to++ = '"';
  return to;
}

}  // namespace

void JsonWriter::grow(std::size_t n) {
  out_.resize(std::max({size_ + n, 2 * out_.size(), std::size_t{256}}));
}

void JsonWriter::string(std::string_view utf8) {
  char* const begin = room(6 * utf8.size() + 2 + 8);  // each byte as \u00XX at worst; copy_plain's 8
  char* to = begin;
  *to++ = '"';
  const char* p = utf8.data();
  const char* const end = p + utf8.size();
  while (true) {
    copy_plain(utf8.data(), p, end, to);
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x80) {
      to = write_escape(to, c);
      ++p;
    } else if (const std::size_t length = utf8_sequence(reinterpret_cast<const unsigned char*>(p),
                                                        reinterpret_cast<const unsigned char*>(end))) {
      for (std::size_t i = 0; i < length; ++i) *to++ = *p++;
    } else {
      std::memcpy(to, "\xEF\xBF\xBD", 3);  // U+FFFD REPLACEMENT CHARACTER
      to += 3;
      ++p;
    }
  }
  *to++ = '"';
  size_ += static_cast<std::size_t>(to - begin);
}

void JsonWriter::integer(std::int64_t v) {
  char* const begin = room(24);
  char* to = begin;
  if (v < 0) *to++ = '-';
  size_ += static_cast<std::size_t>(write_decimal(to, magnitude(v)) - begin);
}

void JsonWriter::integer(std::uint64_t v) {
  char* const begin = room(24);
  size_ += static_cast<std::size_t>(write_decimal(begin, v) - begin);
}

void JsonWriter::quoted(std::int64_t v) {
  separate();
  char* const begin = room(26);
  size_ += static_cast<std::size_t>(write_quoted(begin, v < 0, magnitude(v)) - begin);
}

void JsonWriter::quoted(std::uint64_t v) {
  separate();
  char* const begin = room(26);
  size_ += static_cast<std::size_t>(write_quoted(begin, false, v) - begin);
}

void JsonWriter::value(double v) {
  separate();
  if (std::isnan(v)) return put("\"NaN\"");
  if (std::isinf(v)) return put(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  char* const begin = room(32);
  char* const end = std::to_chars(begin, begin + 30, v).ptr;
  const bool looks_integral = std::find_if(begin, end, [](char c) { return c == '.' || c == 'e'; }) == end;
  size_ += static_cast<std::size_t>(end - begin);
  if (looks_integral) put(".0");
}

void JsonWriter::thousandths(std::int64_t n) {
  separate();
  char* const begin = room(32);
  char* to = begin;
  if (n < 0) *to++ = '-';
  to = write_decimal(to, magnitude(n) / 1000);
  if (const auto fraction = static_cast<std::uint32_t>(magnitude(n) % 1000)) {
    *to++ = '.';
    write_pair(to, fraction / 10);
    to[2] = static_cast<char>('0' + fraction % 10);
    to += fraction % 100 == 0 ? 1 : fraction % 10 == 0 ? 2 : 3;
  }
  size_ += static_cast<std::size_t>(to - begin);
}

void JsonWriter::value(const ScalarValue& v) {
  std::visit([this](const auto& scalar) { value(scalar); }, v);
}

void JsonWriter::value(const ArrayValue& v) {
  begin_array();
  v.for_each([this](const ScalarValue& element) { value(element); });
  end_array();
}

void JsonWriter::value(TraceId id) {
  separate();
  char* to = room(34);
  to[0] = to[33] = '"';
  id.to_hex(to + 1);
  size_ += 34;
}

void JsonWriter::value(SpanId id) {
  separate();
  char* to = room(18);
  to[0] = to[17] = '"';
  id.to_hex(to + 1);
  size_ += 18;
}

bool was_cut(const ArrayValue& v) noexcept {
  bool cut = false;
  if (v.element_type() == detail::FieldType::kString)
    v.for_each([&](const ScalarValue& element) {
      const auto* s = std::get_if<StringValue>(&element);
      cut = cut || (s && s->truncated());
    });
  return cut;
}

}  // namespace zspan
