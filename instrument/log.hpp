// Logs: timestamped key/values on a span (OpenTracing logs, OpenTelemetry span events).
//
//   TRACE_LOG("cache miss for {}", key);                  // a "message", formatted by fmt
//   TRACE_ERROR("upstream said {}", status);              // event "error" and a message;
//                                                         // marks the span failed
//   TRACE_LOG_FIELDS(zspan::logs::event = "retry",        // any keys, typed like tags; a
//                    zspan::logs::error_kind = "Timeout");  // log with error.kind fails the span
//   span.log("took {} ms", ms);                           // the guards' .log, .log_error, .log_fields
//
// Format strings are checked at compile time (LogFormat, instrument/log_format.hpp): a
// placeholder without an argument, or a spec that does not fit the argument's type, does
// not compile, also with tracing compiled out. The message is formatted into a stack
// buffer of ZSPAN_MAX_STRING_BYTES and cut (and marked) there; a span that is not
// recording formats nothing. A log is all or nothing: one that does not fit the span's
// field storage is dropped and counted on the span. The standard fields (logs::event,
// logs::error_kind, ...) are in instrument/tags.hpp's table.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include <fmt/core.h>

#include "zspan/instrument/log_declarations.hpp"
#include "zspan/instrument/log_format.hpp"
#include "zspan/instrument/internal/tag_writer.hpp"
#include "zspan/instrument/tags.hpp"

namespace zspan {

namespace detail {

template <class Key>
inline constexpr bool fails_span = std::same_as<Key, std::remove_cvref_t<decltype(logs::error_kind)>>;

using MessageField = Tagged<std::remove_cvref_t<decltype(logs::message)>, CutString>;

// Formats into `out` (at most `size` bytes) and returns the whole message's size; throws
// what a formatter throws. Out of line (instrument/log.cc), with fmt/format.h there, so
// that this header needs fmt/core.h alone.
std::size_t format_into(char* out, std::size_t size, fmt::string_view format, fmt::format_args args);

// Formats the message into a stack buffer and hands it to `record(const MessageField&)`.
// Formats nothing for a span that does not record; a formatter that throws costs the log.
template <class Record, class... Args>
void with_message(ContextNode& node, Record&& record, fmt::format_string<Args...> format, Args&&... args) noexcept {
  if (!node.fields_owner()) return;
  char buffer[kMaxStringBytes];
  std::size_t size;
  try {
    size = format_into(buffer, kMaxStringBytes, format, fmt::make_format_args(args...));
  } catch (...) {
    return count_dropped_field(node);
  }
  record(MessageField{CutString{{buffer, std::min<std::size_t>(size, kMaxStringBytes)}, size}});
}

}  // namespace detail

// Records a log of `fields` (key = value, as tags) on the span `node` writes to.
template <class... Key, class... Stored>
void log_fields(detail::ContextNode& node, const Tagged<Key, Stored>&... fields) noexcept {
  static_assert(sizeof...(fields) > 0, "zspan: a log needs at least one field");
  detail::ContextNode* owner = node.fields_owner();
  if (!owner) return;
  const std::uint64_t entries[] = {detail::tag_entries(fields)...};
  std::uint64_t payload = 0;
  for (std::uint64_t e : entries) payload += e;
  if (payload > detail::kMaxLogEntries) return detail::count_dropped_field(node);
  detail::FieldEntry* at = detail::reserve_entries(node, static_cast<std::uint32_t>(payload + 1));
  if (!at) return;
  at[0] = {&detail::kLogKey, detail::log_value(now_ticks() - owner->record.start_ticks, static_cast<std::uint32_t>(payload))};
  detail::FieldEntry* next = at + 1;
  std::size_t i = 0;
  ((detail::write_tag(node, next, entries[i], fields), next += entries[i++]), ...);
  if constexpr ((detail::fails_span<Key> || ...)) detail::mark_error(node, true);
}

// Records a log whose message is formatted from `format` and `args`.
template <class... Args>
void log_message(detail::ContextNode& node, LogFormat<Args...> format, Args&&... args) noexcept {
  detail::with_message(
      node, [&](const detail::MessageField& message) { log_fields(node, message); }, format.format,
      std::forward<Args>(args)...);
}

// Marks the span failed and records an "error" event with a formatted message.
template <class... Args>
void log_error(detail::ContextNode& node, LogFormat<Args...> format, Args&&... args) noexcept {
  detail::mark_error(node, true);
  detail::with_message(
      node, [&](const detail::MessageField& message) { log_fields(node, logs::event = "error", message); },
      format.format,
      std::forward<Args>(args)...);
}

}  // namespace zspan
