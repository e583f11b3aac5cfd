// A name known only at run time, as a span's record keeps it: a span's name from data (an
// RPC method, a matched route, an SQL verb) or a tag key from configuration or a request.
//
//   const zspan::RunTimeName n = zspan::run_time_name(route);  // n.text: what is copied
//
// The record keeps at most kMaxNameBytes of the name, cut at a UTF-8 character boundary;
// the writers (instrument/span_name.hpp, DynamicTagKey in instrument/tag_key.hpp) report
// a cut name (counted: zspan::stats().names_truncated) and an empty one (refused, with a
// rate-limited line on stderr) through note_irregular_name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace zspan {

inline constexpr std::size_t kMaxNameBytes = 128;

struct RunTimeName {
  std::string_view text;      // what the record keeps
  std::size_t original_size;  // the name's size before the cut

  constexpr bool irregular() const noexcept { return text.empty() || text.size() != original_size; }
};

// Pure: the cut is counted when a writer records it. A name that is not UTF-8 around the
// cut is cut at kMaxNameBytes less at most three bytes, never to nothing.
constexpr RunTimeName run_time_name(std::string_view name) noexcept {
  if (name.size() <= kMaxNameBytes) return {name, name.size()};
  std::size_t end = kMaxNameBytes;
  for (int i = 0; i < 3 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80; ++i) --end;
  return {name.substr(0, end), name.size()};
}

// Names cut to kMaxNameBytes since the process started.
std::uint64_t names_truncated() noexcept;

namespace detail {

enum class NameUse : std::uint8_t { kSpanName, kTagKey };

// Counts a cut name; warns (rate-limited) about an empty one, which the writer refuses.
[[gnu::cold]] void note_irregular_name(const RunTimeName& name, NameUse use) noexcept;

}  // namespace detail
}  // namespace zspan
