// The text rules every header format shares: case-insensitive names, hex digits,
// percent-encoding (white space, tokens, hex digits and decoding: trace/internal/text.hpp). Allocation-free except
// where a decoded string is the result.
//
//   zspan::header_name_equals("X-B3-TraceId", "x-b3-traceid");   // true
//   zspan::percent_decode("a%3Db");                               // "a=b"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zspan/trace/internal/text.hpp"

namespace zspan {

// Header field names are case-insensitive (RFC 9110 §5.1). Most arrive lower-case
// (HTTP/2 requires it, RFC 9113 §8.2.1), as propagators spell theirs.
constexpr bool header_name_equals(std::string_view a, std::string_view b) noexcept {
  return detail::equals_ignoring_case(a, b);
}

constexpr bool header_name_starts_with(std::string_view name, std::string_view prefix) noexcept {
  return name.size() >= prefix.size() && header_name_equals(name.substr(0, prefix.size()), prefix);
}

constexpr bool is_lower_hex(std::string_view s) noexcept {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// 1 to 16 hex digits of either case, as Jaeger writes ids without leading zeros.
std::optional<std::uint64_t> parse_short_hex(std::string_view hex) noexcept;

// Appends `s`, escaping every byte for which keep(byte) is false as %XX.
template <class Keep>
void append_percent_encoded(std::string& out, std::string_view s, Keep keep) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  for (char c : s) {
    if (keep(c)) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kDigits[byte >> 4];
      out += kDigits[byte & 0xf];
    }
  }
}

}  // namespace zspan
