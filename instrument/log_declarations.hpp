// The log functions a span guard's .log, .log_error and .log_fields call, and their format
// type, declared without fmt so that instrument/scope.hpp (TRACE_SCOPE) compiles none.
// They are defined in instrument/log_format.hpp and instrument/log.hpp: include log.hpp
// (or instrument/zspan.hpp) where a guard's log members are called.
#pragma once

#include <type_traits>

#include "zspan/instrument/tag_key.hpp"

namespace zspan {

namespace detail {
struct ContextNode;
}  // namespace detail

template <class... Args>
struct BasicLogFormat;

// What a log function takes for Args&&... args (the arguments deduce Args, not the format).
template <class... Args>
using LogFormat = BasicLogFormat<std::type_identity_t<Args>...>;

template <class... Key, class... Stored>
void log_fields(detail::ContextNode& node, const Tagged<Key, Stored>&... fields) noexcept;
template <class... Args>
void log_message(detail::ContextNode& node, LogFormat<Args...> format, Args&&... args) noexcept;
template <class... Args>
void log_error(detail::ContextNode& node, LogFormat<Args...> format, Args&&... args) noexcept;

}  // namespace zspan
