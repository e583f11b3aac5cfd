// HostVerdictCache: the last verdicts PeerWhitelists gave, so that a service checking
// every request's peer runs their regex once per host instead of on every request.
//
//   if (std::optional<Trust> known = cache.find(whitelist_id, host)) return *known;
//   cache.remember(whitelist_id, host, verdict);
//
// Direct-mapped and fixed in size: a flood of distinct (hostile) host names only evicts
// verdicts, which the regex then computes again. Names longer than kMaxHostBytes are not
// remembered and always go to the regex. Not thread-safe: PeerWhitelist keeps one per
// thread, shared by its instances, each known by an id no other instance ever had.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "zspan/trace/propagation/trust.hpp"

namespace zspan {

class HostVerdictCache {
 public:
  static constexpr std::size_t kSlots = 64;
  static constexpr std::size_t kMaxHostBytes = 112;  // a slot is 128 bytes

  // `owner` 0 is never a whitelist's id: it marks an empty slot.
  std::optional<Trust> find(std::uint64_t owner, std::string_view host) const noexcept {
    const Slot& slot = slots_[slot_index(owner, host)];
    if (slot.owner != owner || std::string_view(slot.host, slot.size) != host) return std::nullopt;
    return slot.verdict;
  }

  void remember(std::uint64_t owner, std::string_view host, Trust verdict) noexcept {
    if (host.size() > kMaxHostBytes) return;
    Slot& slot = slots_[slot_index(owner, host)];
    slot.owner = owner;
    slot.verdict = verdict;
    slot.size = static_cast<std::uint8_t>(host.size());
    std::copy(host.begin(), host.end(), slot.host);
  }

 private:
  struct Slot {
    std::uint64_t owner = 0;
    Trust verdict = Trust::kUntrusted;
    std::uint8_t size = 0;
    char host[kMaxHostBytes] = {};
  };
  static_assert(kMaxHostBytes <= UINT8_MAX);

  static std::size_t slot_index(std::uint64_t owner, std::string_view host) noexcept {
    return (std::hash<std::string_view>{}(host) ^ (owner * 0x9e3779b97f4a7c15)) % kSlots;
  }

  Slot slots_[kSlots] = {};
};

}  // namespace zspan
