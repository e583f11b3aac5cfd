#include "zspan/exporters/console/cells.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include <fmt/format.h>

namespace zspan::console {
namespace {

struct CodePoint {
  char32_t value;
  std::size_t size;  // 0: the byte at this position does not start valid UTF-8
};

CodePoint decode(std::string_view text, std::size_t at) noexcept {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) return {lead, 1};
  std::size_t size;
  if ((lead & 0xE0) == 0xC0) size = 2;
  else if ((lead & 0xF0) == 0xE0) size = 3;
  else if ((lead & 0xF8) == 0xF0) size = 4;
  else return {lead, 0};
  if (at + size > text.size()) return {lead, 0};
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};  // by size: shorter forms are invalid
  char32_t value = lead & (0x7F >> size);
  for (std::size_t i = 1; i < size; ++i) {
    const auto next = static_cast<unsigned char>(text[at + i]);
    if ((next & 0xC0) != 0x80) return {lead, 0};
    value = (value << 6) | (next & 0x3F);
  }
  if (value < kSmallest[size] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {lead, 0};
  return {value, size};
}

struct Range {
  char32_t first, last;
};

bool in(const auto& ranges, char32_t c) noexcept {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), c, [](char32_t v, const Range& r) { return v < r.first; });
  return it != ranges.begin() && c <= std::prev(it)->last;
}

// Invisible characters that reorder or hide text.
constexpr std::array<Range, 7> kFormatting{{
    {0x061C, 0x061C}, {0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x2069}, {0xFEFF, 0xFEFF},
    {0xFFF9, 0xFFFB},
}};

constexpr std::array<Range, 8> kCombining{{
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xE0100, 0xE01EF},
}};

constexpr std::array<Range, 24> kWide{{
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x2705, 0x2705},
    {0x270A, 0x270B},   {0x274C, 0x274C},   {0x2B1B, 0x2B1C},   {0x2E80, 0x303E},   {0x3041, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},
    {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F}, {0x1F680, 0x1FAFF}, {0x20000, 0x3FFFD},
}};

std::size_t cells(char32_t c) noexcept {
  if (in(kCombining, c)) return 0;
  return in(kWide, c) ? 2 : 1;
}

void append_escaped(std::string& out, std::string_view text, bool quoted) {
  for (std::size_t at = 0; at < text.size();) {
    const CodePoint cp = decode(text, at);
    const char32_t c = cp.value;
    if (cp.size == 0) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned>(c));
      at += 1;
      continue;
    }
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7F) fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned>(c));
    else if ((c >= 0x80 && c <= 0x9F) || in(kFormatting, c))
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
    else if (quoted && (c == '"' || c == '\\')) (out += '\\') += static_cast<char>(c);
    else out.append(text.substr(at, cp.size));
    at += cp.size;
  }
}

// The character at `at` of visible text: its size in bytes and in cells.
std::pair<std::size_t, std::size_t> measure(std::string_view text, std::size_t at) noexcept {
  const CodePoint cp = decode(text, at);
  return cp.size == 0 ? std::pair<std::size_t, std::size_t>{1, 1} : std::pair{cp.size, cells(cp.value)};
}

}  // namespace

void append_visible(std::string& out, std::string_view text) { append_escaped(out, text, false); }

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  append_escaped(out, text, true);
  out += '"';
}

std::string visible(std::string_view text) {
  std::string out;
  append_visible(out, text);
  return out;
}

std::size_t columns(std::string_view visible_text) noexcept {
  std::size_t total = 0;
  for (std::size_t at = 0; at < visible_text.size();) {
    const auto [bytes, width] = measure(visible_text, at);
    total += width;
    at += bytes;
  }
  return total;
}

std::string cut(std::string_view visible_text, std::size_t cells) {
  if (columns(visible_text) <= cells) return std::string(visible_text);
  if (cells == 0) return {};
  std::size_t at = 0, used = 0;
  while (at < visible_text.size()) {
    const auto [bytes, width] = measure(visible_text, at);
    if (used + width > cells - 1) break;
    used += width;
    at += bytes;
  }
  return std::string(visible_text.substr(0, at)) + "…";
}

std::vector<std::string_view> wrap(std::string_view visible_text, std::size_t cells) {
  std::vector<std::string_view> pieces;
  for (std::size_t at = 0; at < visible_text.size();) {
    const std::size_t start = at;
    std::size_t used = 0, after_space = start;
    while (at < visible_text.size()) {
      const auto [bytes, width] = measure(visible_text, at);
      if (used + width > cells && at > start) {
        if (after_space > start) at = after_space;  // between words, when that keeps half the line
        break;
      }
      used += width;
      at += bytes;
      if (visible_text[at - 1] == ' ' && used >= cells / 2) after_space = at;
    }
    pieces.push_back(visible_text.substr(start, at - start));
  }
  return pieces;
}

}  // namespace zspan::console
