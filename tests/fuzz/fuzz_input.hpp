// What every fuzz target needs from its input: the bytes as text, and text split into
// lines (one header value, or one argument, per line).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace zspan::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    const std::size_t newline = text.find('\n');
    out.push_back(text.substr(0, newline));
    if (newline == std::string_view::npos) return out;
    text.remove_prefix(newline + 1);
  }
}

// Crashes (so that libFuzzer reports the input) when a property does not hold.
inline void require(bool holds) {
  if (!holds) __builtin_trap();
}

}  // namespace zspan::fuzz
