#include "zspan/instrument/log.hpp"

#include <fmt/format.h>

namespace zspan::detail {

std::size_t format_into(char* out, std::size_t size, fmt::string_view format, fmt::format_args args) {
  return fmt::vformat_to_n(out, size, format, args).size;
}

}  // namespace zspan::detail
