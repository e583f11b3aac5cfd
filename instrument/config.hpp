// Compile-time switches. Set them with -D (or the Bazel settings in instrument/BUILD):
//
//   ZSPAN_DISABLED         remove all tracing: the macros expand to nothing and evaluate
//                          none of their arguments (bazel: --define zspan=off)
//   ZSPAN_MAX_LEVEL        0 info, 1 debug, 2 verbose (default): spans above it are
//                          removed like disabled ones (bazel: --define zspan_max_level=info)
//   ZSPAN_SPAN_FIELD_BYTES bytes each span guard reserves for tags, logs and references;
//                          what does not fit is dropped and counted on the span (default 256)
//   ZSPAN_MAX_STRING_BYTES longest string a tag or log keeps; longer ones are cut there and
//                          marked truncated, with their original size (default 128)
#pragma once

#define ZSPAN_LEVEL_INFO 0
#define ZSPAN_LEVEL_DEBUG 1
#define ZSPAN_LEVEL_VERBOSE 2

#ifndef ZSPAN_MAX_LEVEL
#define ZSPAN_MAX_LEVEL ZSPAN_LEVEL_VERBOSE
#endif

#ifndef ZSPAN_SPAN_FIELD_BYTES
#define ZSPAN_SPAN_FIELD_BYTES 256
#endif

#ifndef ZSPAN_MAX_STRING_BYTES
#define ZSPAN_MAX_STRING_BYTES 128
#endif

#if defined(ZSPAN_DISABLED)
#define ZSPAN_ENABLED 0
#else
#define ZSPAN_ENABLED 1
#endif

namespace zspan {
inline constexpr bool kTracingEnabled = ZSPAN_ENABLED;
inline constexpr unsigned kSpanFieldBytes = ZSPAN_SPAN_FIELD_BYTES;
inline constexpr unsigned kMaxStringBytes = ZSPAN_MAX_STRING_BYTES;
static_assert(kSpanFieldBytes % 16 == 0, "ZSPAN_SPAN_FIELD_BYTES must be a multiple of 16");
// Strings of up to 7 bytes are stored inline, never truncated; the size is a 16-bit field.
static_assert(kMaxStringBytes >= 8 && kMaxStringBytes <= 65535, "ZSPAN_MAX_STRING_BYTES must be in [8, 65535]");
}  // namespace zspan
