// The text rules every header format shares: case-insensitive names, optional white
// space, hex digits, percent-encoding. Small and allocation-free except where a decoded
// string is the result.
//
//   zspan::header_name_equals("X-B3-TraceId", "x-b3-traceid");   // true
//   zspan::trim_ows("  a=b\t");                                  // "a=b"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zspan {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

// Header field names are case-insensitive (RFC 9110 §5.1).
constexpr bool header_name_equals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  // Most names arrive lower-case (HTTP/2 requires it, RFC 9113 §8.2.1), as propagators
  // spell theirs: one memcmp settles them without folding each byte.
  if (a == b) return true;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

constexpr bool header_name_starts_with(std::string_view name, std::string_view prefix) noexcept {
  return name.size() >= prefix.size() && header_name_equals(name.substr(0, prefix.size()), prefix);
}

// OWS = *( SP / HTAB ) (RFC 9110 §5.6.3), allowed around list members by W3C Trace
// Context §3.3.1.1 and W3C Baggage §3.2.1.
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr bool is_lower_hex(std::string_view s) noexcept {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// tchar of RFC 9110 §5.6.2: what a header name or a baggage key may contain.
constexpr bool is_token_char(char c) noexcept {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

constexpr bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token_char(c)) return false;
  return true;
}

// 1 to 16 hex digits of either case, as Jaeger writes ids without leading zeros.
std::optional<std::uint64_t> parse_short_hex(std::string_view hex) noexcept;

// Decodes %XX escapes; nullopt on a malformed escape. Other bytes are kept as they are.
std::optional<std::string> percent_decode(std::string_view s);

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
