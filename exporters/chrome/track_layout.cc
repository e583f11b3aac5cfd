#include "zspan/exporters/chrome/track_layout.hpp"

#include <iterator>

namespace zspan {

// The first interval after `it` that is not inside it.
LaminarIntervals::Iterator LaminarIntervals::after_subtree(Iterator it) {
  const std::uint64_t start = it->first.first, end = it->second.end;
  return end > start ? nodes_.lower_bound({end, 0}) : std::next(it);
}

bool LaminarIntervals::try_add(std::uint64_t start, std::uint64_t end) {
  const Key key{start, ~end};
  const Iterator next = nodes_.lower_bound(key);
  if (next != nodes_.end() && next->first == key) return true;  // the same interval again

  // The innermost interval around `start` is the one before in preorder or an ancestor of it.
  Node* container = next == nodes_.begin() ? nullptr : &std::prev(next)->second;
  while (container && container->end <= start) container = container->parent;
  if (container && container->end < end) return false;  // starts inside it, ends after

  // Those that start inside [start, end) must end inside: they become its children.
  for (Iterator it = next; it != nodes_.end() && it->first.first < end; it = after_subtree(it))
    if (it->second.end > end) return false;

  if (nodes_.size() >= kMaxIntervals) {
    forget_oldest();
    return try_add(start, end);
  }
  const Iterator added = nodes_.emplace_hint(next, key, Node{end, container});
  for (Iterator it = std::next(added); it != nodes_.end() && it->first.first < end; it = after_subtree(it))
    it->second.parent = &added->second;
  return true;
}

// Drops the oldest top-level intervals, with what they contain, down to three quarters.
void LaminarIntervals::forget_oldest() {
  while (nodes_.size() > kMaxIntervals / 4 * 3) nodes_.erase(nodes_.begin(), after_subtree(nodes_.begin()));
}

ChromeTrackLayout::Service& ChromeTrackLayout::service_named(std::string_view name, std::uint32_t& index) {
  if (last_service_ < services_.size() && services_[last_service_].name == name) {
    index = static_cast<std::uint32_t>(last_service_);
    return services_[last_service_];
  }
  std::size_t i = 0;
  while (i < services_.size() && services_[i].name != name) ++i;
  if (i == services_.size()) services_.push_back({std::string(name), {}});
  last_service_ = i;
  index = static_cast<std::uint32_t>(i);
  return services_[i];
}

ChromeTrackLayout::Placement ChromeTrackLayout::place(std::string_view service_name, std::uint64_t start,
                                                      std::uint64_t end, std::uint32_t preferred) {
  std::uint32_t index;
  Service& service = service_named(service_name, index);
  auto placed = [&](std::size_t lane, bool is_new) {
    return Placement{service.tracks[lane].tid, is_new, service.name, static_cast<std::uint32_t>(lane), index};
  };
  std::size_t preferred_lane = service.tracks.size();
  for (std::size_t lane = 0; lane < service.tracks.size(); ++lane)
    if (service.tracks[lane].tid == preferred) preferred_lane = lane;
  if (preferred_lane < service.tracks.size() && service.tracks[preferred_lane].spans.try_add(start, end))
    return placed(preferred_lane, false);
  for (std::size_t lane = 0; lane < service.tracks.size(); ++lane)
    if (lane != preferred_lane && service.tracks[lane].spans.try_add(start, end)) return placed(lane, false);
  if (service.tracks.size() < kMaxLanes) {
    service.tracks.push_back({next_tid_++, {}});
    service.tracks.back().spans.try_add(start, end);
    return placed(service.tracks.size() - 1, true);
  }
  return placed(preferred_lane < service.tracks.size() ? preferred_lane : service.tracks.size() - 1, false);
}

}  // namespace zspan
