// Tracks for the Chrome trace: spans on one track never cross, a service gets more tracks
// only when its spans overlap, and memory stays bounded.
#include "zspan/exporters/chrome/track_layout.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <algorithm>

namespace zspan {
namespace {

TEST(LaminarIntervals, NestedAndApartIntervalsFitCrossingOnesDoNot) {
  LaminarIntervals track;
  EXPECT_TRUE(track.try_add(10, 20));
  EXPECT_TRUE(track.try_add(12, 15)) << "inside";
  EXPECT_TRUE(track.try_add(0, 100)) << "around both, added after them";
  EXPECT_TRUE(track.try_add(20, 30)) << "touching the end is apart";
  EXPECT_TRUE(track.try_add(10, 20)) << "the same interval again";
  EXPECT_TRUE(track.try_add(10, 15)) << "same start, inside";
  EXPECT_TRUE(track.try_add(14, 15)) << "same end, inside";
  EXPECT_TRUE(track.try_add(16, 16)) << "an instant";
  EXPECT_FALSE(track.try_add(15, 25)) << "starts inside [10, 20], ends after it";
  EXPECT_FALSE(track.try_add(5, 12)) << "ends inside [10, 20], started before it";
  EXPECT_FALSE(track.try_add(50, 150)) << "crosses the outermost";
  EXPECT_TRUE(track.try_add(5, 35)) << "around [10, 20] and [20, 30], inside [0, 100]";
  EXPECT_FALSE(track.try_add(25, 40)) << "crosses the interval just added";
  EXPECT_EQ(track.size(), 8u);
}

struct Interval {
  std::uint64_t start, end;
};

bool cross(const Interval& a, const Interval& b) {
  return (a.start < b.start && b.start < a.end && a.end < b.end) ||
         (b.start < a.start && a.start < b.end && b.end < a.end);
}

// Random overlapping spans, in the order they end (as they are exported).
std::vector<Interval> random_spans(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Interval> spans;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t start = rng() % 10'000, length = rng() % 500;
    spans.push_back({start, start + length});
  }
  std::sort(spans.begin(), spans.end(), [](const Interval& a, const Interval& b) { return a.end < b.end; });
  return spans;
}

TEST(LaminarIntervals, WhatItTakesNeverCrossesAndWhatItRefusesWould) {
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    LaminarIntervals track;
    std::vector<Interval> taken;
    for (const Interval& candidate : random_spans(300, seed)) {
      const bool crosses = std::any_of(taken.begin(), taken.end(), [&](const Interval& t) { return cross(t, candidate); });
      EXPECT_EQ(track.try_add(candidate.start, candidate.end), !crosses) << seed;
      if (!crosses) taken.push_back(candidate);
    }
  }
}

TEST(LaminarIntervals, ForgetsTheOldestWhenFull) {
  LaminarIntervals track;
  EXPECT_TRUE(track.try_add(0, 10));
  for (std::uint64_t i = 1; i <= LaminarIntervals::kMaxIntervals + 10; ++i) EXPECT_TRUE(track.try_add(i * 100, i * 100 + 10));
  EXPECT_LE(track.size(), LaminarIntervals::kMaxIntervals);
  EXPECT_TRUE(track.try_add(5, 20)) << "would have crossed [0, 10], forgotten";
  EXPECT_FALSE(track.try_add((LaminarIntervals::kMaxIntervals + 10) * 100 + 5, ~0ull)) << "the latest are kept";
}

TEST(ChromeTrackLayout, ServicesGetTracksAsTheirSpansOverlap) {
  ChromeTrackLayout layout;
  const auto first = layout.place("frontend", 0, 100);
  EXPECT_EQ(first.tid, 1u);
  EXPECT_TRUE(first.is_new);
  EXPECT_EQ(first.lane, 0u);
  EXPECT_EQ(first.service, "frontend");

  const auto child = layout.place("frontend", 10, 20);
  EXPECT_EQ(child.tid, 1u);
  EXPECT_FALSE(child.is_new);

  const auto backend = layout.place("backend", 10, 200);
  EXPECT_EQ(backend.tid, 2u);
  EXPECT_EQ(backend.service_index, 1u);

  const auto overlapping = layout.place("frontend", 50, 150);
  EXPECT_EQ(overlapping.tid, 3u);
  EXPECT_TRUE(overlapping.is_new);
  EXPECT_EQ(overlapping.lane, 1u);

  EXPECT_EQ(layout.place("frontend", 60, 70, 3).tid, 3u) << "the preferred track, though the first would take it";
  EXPECT_EQ(layout.place("frontend", 200, 300, 99).tid, 1u) << "an unknown preference is ignored";
}

TEST(ChromeTrackLayout, RandomSpansNeverCrossOnATrack) {
  ChromeTrackLayout layout;
  std::map<std::uint32_t, std::vector<Interval>> tracks;
  for (const Interval& span : random_spans(600, 7)) tracks[layout.place("svc", span.start, span.end).tid].push_back(span);
  EXPECT_GT(tracks.size(), 1u);
  EXPECT_LE(tracks.size(), ChromeTrackLayout::kMaxLanes);
  for (const auto& [tid, spans] : tracks)
    for (std::size_t i = 0; i < spans.size(); ++i)
      for (std::size_t j = i + 1; j < spans.size(); ++j) ASSERT_FALSE(cross(spans[i], spans[j])) << tid;
}

TEST(ChromeTrackLayout, PastTheLastLaneSpansShareATrack) {
  ChromeTrackLayout layout;
  for (std::uint32_t i = 0; i < ChromeTrackLayout::kMaxLanes; ++i) EXPECT_TRUE(layout.place("svc", i, 1000 + i).is_new);
  const auto extra = layout.place("svc", 500, 5000);
  EXPECT_FALSE(extra.is_new);
  EXPECT_EQ(extra.tid, ChromeTrackLayout::kMaxLanes);
}

}  // namespace
}  // namespace zspan
