// LogFormat: the format string of a log (TRACE_LOG, TRACE_ERROR, span.log), checked at
// compile time against the types of its arguments.
//
//   TRACE_LOG("attempt {} of {}", attempt, limit);
//   TRACE_LOG("attempt {} of {}", attempt);   // error: log_format_placeholders_exceed_arguments<2, 1>
//   TRACE_LOG("{:d}", "text");                // error: fmt's own (a spec the type does not take)
//
// A format that refers to more arguments than the log has fails with a call to
// `log_format_placeholders_exceed_arguments<placeholders, arguments>` (GCC prints them as
// `[with ... Placeholders = 2; ... Arguments = 1]`); the placeholders are the `{}`
// (specs' nested `{}` included), or one more than the highest explicit index (`{1}`).
// fmt (fmt::format_string) then checks every spec against its argument's type.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/core.h>

#include "zspan/instrument/log_declarations.hpp"

namespace zspan {

// Named for the diagnostic: evaluated only when a log's format wants more arguments than
// it has, and not constexpr, so that doing so is a compile error.
template <std::size_t Placeholders, std::size_t Arguments>
void log_format_placeholders_exceed_arguments() noexcept {}

namespace detail {

// The arguments a format string refers to.
constexpr std::size_t format_placeholders(std::string_view format) {
  std::size_t automatic = 0;
  std::size_t explicit_end = 0;
  std::size_t depth = 0;  // 1 in a replacement field, 2 in a nested one (a dynamic width)
  for (std::size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if (c == '{' && depth == 0 && i + 1 < format.size() && format[i + 1] == '{') {
      ++i;  // an escaped brace
    } else if (c == '{') {
      ++depth;
      std::size_t index = 0;
      std::size_t digits = 0;
      for (; i + 1 < format.size() && format[i + 1] >= '0' && format[i + 1] <= '9'; ++i, ++digits)
        index = index * 10 + static_cast<std::size_t>(format[i + 1] - '0');
      if (digits > 0)
        explicit_end = std::max(explicit_end, index + 1);
      else if (i + 1 < format.size() && (format[i + 1] == '}' || format[i + 1] == ':'))
        ++automatic;  // else a named argument (fmt::arg), which fmt checks
    } else if (c == '}' && depth > 0) {
      --depth;
    }
  }
  return std::max(automatic, explicit_end);
}

// How many placeholders beyond the arguments the diagnostic counts; more are reported
// as this many.
inline constexpr std::size_t kCountedExtraPlaceholders = 32;

template <std::size_t Arguments, std::size_t... Extra>
constexpr void report_placeholders(std::size_t placeholders, std::index_sequence<Extra...>) noexcept {
  const std::size_t extra = std::min(placeholders - Arguments, kCountedExtraPlaceholders);
  ((extra == Extra + 1 ? log_format_placeholders_exceed_arguments<Arguments + Extra + 1, Arguments>() : void()), ...);
}

}  // namespace detail

// The definition of LogFormat (instrument/log_declarations.hpp).
template <class... Args>
struct BasicLogFormat {
  template <class S>
    requires std::is_convertible_v<const S&, std::string_view>
  consteval BasicLogFormat(const S& s) : format(checked(s)) {}  // NOLINT: implicit, as fmt's

  fmt::format_string<Args...> format;

 private:
  static constexpr std::string_view checked(std::string_view s) {
    if (const std::size_t placeholders = detail::format_placeholders(s); placeholders > sizeof...(Args))
      detail::report_placeholders<sizeof...(Args)>(placeholders,
                                                   std::make_index_sequence<detail::kCountedExtraPlaceholders>{});
    return s;
  }
};

namespace detail {

// The format check of a log whose arguments are not evaluated (tracing compiled out):
// static_assert(log_format_compiles<decltype(argument_types(args...))>(format)).
template <class... Args>
struct ArgumentTypes {};
template <class... Args>
ArgumentTypes<Args...> argument_types(Args&&...) noexcept;  // in decltype only

template <class Types>
struct LogFormatOf;
template <class... Args>
struct LogFormatOf<ArgumentTypes<Args...>> {
  using type = BasicLogFormat<Args...>;
};
template <class Types>
consteval bool log_format_compiles(typename LogFormatOf<Types>::type) noexcept {
  return true;
}

}  // namespace detail

}  // namespace zspan
