// Callsite: what is known about a span before it runs. Each TRACE_SCOPE owns one as a
// static constant, and every span it records points to it instead of copying the name
// (a name known only at run time is copied into the record: instrument/span_name.hpp).
#pragma once

#include <cstdint>
#include <string_view>

namespace zspan {

// How much detail a span is. A build drops every span above ZSPAN_MAX_LEVEL at compile
// time (instrument/config.hpp), as Rust's `tracing` does with its max_level features.
enum class Level : std::uint8_t { kInfo = 0, kDebug = 1, kVerbose = 2 };

// How a span relates to the span that caused it (OpenTracing references).
enum class Reference : std::uint8_t {
  kChildOf,      // the parent waits for this span
  kFollowsFrom,  // fire-and-forget: the parent does not wait
};

struct Callsite {
  std::string_view name;
  const char* function;
  const char* file;
  std::uint32_t line;
  Level level;
};

}  // namespace zspan
