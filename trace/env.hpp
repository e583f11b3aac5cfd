// Settings from the environment: the OpenTelemetry SDK's variables (OTEL_*) and zspan's
// own, read by one rule everywhere, with one kind of message for a value that is wrong.
//
//   std::string endpoint = zspan::env::http_url("OTEL_EXPORTER_ZIPKIN_ENDPOINT", kDefault);
//   std::chrono::milliseconds timeout = zspan::env::millis("OTEL_EXPORTER_ZIPKIN_TIMEOUT", 10s);
//   if (auto user = zspan::env::value("OTEL_EXPORTER_JAEGER_USER")) ...
//
// The rules (the OpenTelemetry "Environment Variable Specification"):
//  - A value is trimmed of spaces and tabs; an empty value counts as unset, and the
//    default applies.
//  - A value that is set but wrong prints one line on stderr naming the variable, the value
//    (its first 200 bytes) and what is used instead, then the default applies. The line is
//    rate-limited per variable (trace/diagnostics.hpp), so a program that builds exporters
//    in a loop does not flood its stderr.
//  - Nothing here throws: out of memory while reading is "unset".
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zspan::env {

// The trimmed value of `name`, or nullopt if it is unset or empty.
std::optional<std::string> value(std::string_view name) noexcept;

// A positive whole number, else `fallback`.
std::uint64_t positive(std::string_view name, std::uint64_t fallback) noexcept;

// A limit: a whole number, 0 included, else `fallback` (nullopt: no limit).
std::optional<std::uint64_t> limit(std::string_view name, std::optional<std::uint64_t> fallback) noexcept;

// A positive whole number of milliseconds (the spec's unit for timeouts), else `fallback`.
std::chrono::milliseconds millis(std::string_view name, std::chrono::milliseconds fallback) noexcept;

// An http:// or https:// URL, else `fallback` (with the line if it was set to something else).
std::string http_url(std::string_view name, std::string fallback) noexcept;

// A W3C-baggage-style list `key=value,key2=value2` (OTEL_RESOURCE_ATTRIBUTES,
// OTEL_EXPORTER_OTLP_HEADERS), keys and values trimmed and percent-decoded. A member that
// is not key=value with a non-empty key, or does not decode, is skipped with the line.
std::vector<std::pair<std::string, std::string>> key_values(std::string_view name) noexcept;

// The line for a set value that is wrong: `name="value" why; using used`.
void bad_value(std::string_view name, std::string_view value, std::string_view why, std::string_view used) noexcept;

// Whether `url` is http:// or https:// with something after the scheme.
bool is_http_url(std::string_view url) noexcept;

}  // namespace zspan::env
