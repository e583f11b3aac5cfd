// ChromeTrackLayout: which track (a Chrome trace "thread", a tid) each span of a service is
// drawn on. Chrome's viewer and Perfetto draw a track as a stack: a slice that starts inside
// another and ends after it cannot be shown (Perfetto cuts it short and counts a
// misplaced_end_event). zspan does not record the thread a span ran on, and the spans of
// one service overlap freely (concurrent requests, followsFrom work that outlives its
// parent), so one track per service would lose them. Instead each service gets as many
// tracks as its spans need:
//
//   zspan::ChromeTrackLayout layout;
//   const auto placed = layout.place("frontend", start_ns, end_ns);   // tid 1, new track
//   if (placed.is_new) name_thread(placed.tid, placed.service, placed.lane);
//
// The rules:
//  - A span goes on the first track of its service where it nests inside, encloses or
//    stays apart from every span already there; `preferred` (the track of its children,
//    so that a parent encloses them) is tried first. A span that fits none opens the next
//    track (lane 0, 1, 2... of the service), up to kMaxLanes; past that it goes on the
//    preferred or last track regardless.
//  - tids are 1, 2, 3... in the order tracks open, over all services.
//  - Memory is bounded: a track remembers its latest kMaxIntervals spans or so (the oldest
//    top-level ones are forgotten first); a span arriving after those it would cross were
//    forgotten can cross them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zspan {

// The intervals of one track: a laminar family (any two nest or are apart).
class LaminarIntervals {
 public:
  // Adds [start, end] if it crosses no interval of the family (touching ends is apart);
  // false, leaving the family as it was, if it does.
  bool try_add(std::uint64_t start, std::uint64_t end);
  std::size_t size() const noexcept { return nodes_.size(); }

  static constexpr std::size_t kMaxIntervals = 4096;

 private:
  struct Node {
    std::uint64_t end;
    Node* parent;  // the innermost interval around this one, or null
  };
  // (start, ~end): in start order, an interval before those it contains (a preorder walk).
  using Key = std::pair<std::uint64_t, std::uint64_t>;
  using Iterator = std::map<Key, Node>::iterator;

  Iterator after_subtree(Iterator it);
  void forget_oldest();

  std::map<Key, Node> nodes_;
};

class ChromeTrackLayout {
 public:
  struct Placement {
    std::uint32_t tid;
    bool is_new;               // the track opened for this span: name it
    std::string_view service;  // valid until the next place()
    std::uint32_t lane;        // 0 for the service's first track
    std::uint32_t service_index;  // services in the order first seen, from 0
  };

  // `preferred` is a tid, 0 for none.
  Placement place(std::string_view service, std::uint64_t start, std::uint64_t end, std::uint32_t preferred = 0);

  static constexpr std::uint32_t kMaxLanes = 64;

 private:
  struct Track {
    std::uint32_t tid;
    LaminarIntervals spans;
  };
  struct Service {
    std::string name;
    std::vector<Track> tracks;
  };

  Service& service_named(std::string_view name, std::uint32_t& index);

  std::vector<Service> services_;
  std::size_t last_service_ = 0;  // where the previous span's service was
  std::uint32_t next_tid_ = 1;
};

}  // namespace zspan
