#include "zspan/trace/propagation/header_text.hpp"

namespace zspan {

std::optional<std::uint64_t> parse_short_hex(std::string_view hex) noexcept {
  if (hex.empty() || hex.size() > 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : hex) {
    const int digit = detail::hex_value(c);
    if (digit < 0) return std::nullopt;
    value = (value << 4) | static_cast<std::uint64_t>(digit);
  }
  return value;
}

}  // namespace zspan
