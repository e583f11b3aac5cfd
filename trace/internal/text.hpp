// ASCII text rules shared by everything zspan parses: header names and values, baggage
// keys, OTEL_* settings. Allocation-free.
//
//   zspan::equals_ignoring_case("X-B3-TraceId", "x-b3-traceid");   // true
//   zspan::trim_ows("  a=b\t");                                    // "a=b"
//   zspan::is_token("tenant");                                      // true
//   zspan::percent_decode("a%3Db");                                 // "a=b"
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace zspan::detail {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  // Most input already has the expected case: one memcmp settles it without folding.
  if (a == b) return true;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// OWS = *( SP / HTAB ) (RFC 9110 §5.6.3), allowed around list members by W3C Trace
// Context §3.3.1.1 and W3C Baggage §3.2.1, and trimmed from settings too.
constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
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

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes (RFC 3986 §2.1, as W3C Baggage values and OTEL_* lists use them);
// nullopt on a malformed escape. Other bytes are kept as they are.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace zspan::detail
