#include "zspan/trace/trace_state.hpp"

#include <algorithm>
#include <memory>
#include <new>

namespace zspan {

namespace {
// Layout of the one allocation: [TraceState][Member x size][header value].
constexpr std::size_t kMembersOffset = sizeof(TraceState);
static_assert(kMembersOffset % alignof(TraceState::Member) == 0 &&
              alignof(TraceState) >= alignof(TraceState::Member));
}  // namespace

detail::SharedRef<const TraceState> TraceState::make(std::span<const Member> members) noexcept {
  if (members.empty()) return nullptr;
  std::size_t text_size = members.size() - 1;  // the commas
  for (const Member& m : members) text_size += m.key.size() + 1 + m.value.size();
  const std::size_t text_offset = kMembersOffset + members.size() * sizeof(Member);

  // Storage from operator new is an array of bytes that implicitly holds the objects
  // constructed in it ([intro.object]/10), so offsets into it are plain arithmetic.
  auto* const storage = static_cast<std::byte*>(::operator new(text_offset + text_size, std::nothrow));
  if (!storage) return nullptr;
  auto* const own_members = reinterpret_cast<Member*>(storage + kMembersOffset);
  char* const text = reinterpret_cast<char*>(storage + text_offset);

  char* out = text;
  const auto append = [&out](std::string_view s) {
    const std::string_view copy(out, s.size());
    out = std::copy(s.begin(), s.end(), out);
    return copy;
  };
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i > 0) *out++ = ',';
    const std::string_view key = append(members[i].key);
    *out++ = '=';
    std::construct_at(own_members + i, Member{key, append(members[i].value)});
  }
  return detail::SharedRef<const TraceState>::adopt(
      new (storage) TraceState(own_members, members.size(), std::string_view(text, text_size)));
}

}  // namespace zspan
