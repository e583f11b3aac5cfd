// ThreadBuffer: records come out in order and whole, wrap around the ring, stay when the
// collector leaves them, and a full ring drops and counts instead of blocking.
#include "zspan/trace/internal/thread_buffer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace zspan {
namespace {

detail::SpanRecord record_with(std::uint64_t span_id) {
  detail::SpanRecord r{};
  r.size_bytes = sizeof(detail::SpanRecord);
  r.span_id = SpanId{span_id};
  return r;
}

using WriteResult = detail::ThreadBuffer::WriteResult;

bool kept(WriteResult result) { return result == WriteResult::kWritten || result == WriteResult::kWrittenPastHalf; }

template <class OnRecord>
void for_each_drained(detail::ThreadBuffer& buffer, OnRecord&& on_record) {
  buffer.drain([&](const detail::RecordRun& run) {
    run.for_each(on_record);
    return run.count;
  });
}

std::vector<std::uint64_t> drain_ids(detail::ThreadBuffer& buffer) {
  std::vector<std::uint64_t> ids;
  for_each_drained(buffer, [&](const detail::SpanRecord& r) { ids.push_back(r.span_id.value); });
  return ids;
}

TEST(ThreadBuffer, CapacityIsAPowerOfTwoAndAtLeastOnePage) {
  EXPECT_EQ(detail::ThreadBuffer(5000).capacity(), 8192u);
  EXPECT_EQ(detail::ThreadBuffer(1).capacity(), 4096u);
}

TEST(ThreadBuffer, RecordsComeOutInWriteOrder) {
  detail::ThreadBuffer buffer(4096);
  for (std::uint64_t i = 1; i <= 10; ++i) ASSERT_TRUE(kept(buffer.try_write(record_with(i))));
  EXPECT_EQ(drain_ids(buffer), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_TRUE(drain_ids(buffer).empty());
}

TEST(ThreadBuffer, FullRingDropsAndCounts) {
  detail::ThreadBuffer buffer(4096);  // 64 records of 64 bytes
  int written = 0;
  for (int i = 0; i < 100; ++i)
    if (kept(buffer.try_write(record_with(static_cast<std::uint64_t>(i) + 1)))) ++written;
  EXPECT_EQ(written, 64);
  EXPECT_EQ(buffer.dropped(), 36u);
  EXPECT_EQ(drain_ids(buffer).size(), 64u);
  EXPECT_TRUE(kept(buffer.try_write(record_with(1)))) << "draining frees the space";
}

TEST(ThreadBuffer, SaysWhenMoreThanHalfIsWaiting) {
  detail::ThreadBuffer buffer(4096);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(buffer.try_write(record_with(1)), WriteResult::kWritten);
  EXPECT_EQ(buffer.try_write(record_with(1)), WriteResult::kWrittenPastHalf);
}

// The writer tells the collector once, not at every span past half or every span dropped
// (each telling touches memory the other threads share), and again once the collector
// has taken some and the ring fills again.
TEST(ThreadBuffer, SaysPastHalfAndFirstDropOnceUntilTheCollectorTakesSome) {
  detail::ThreadBuffer buffer(4096);  // 64 records of 64 bytes
  for (int round = 0; round < 2; ++round) {
    std::vector<WriteResult> results;
    for (int i = 0; i < 70; ++i) results.push_back(buffer.try_write(record_with(1)));
    EXPECT_EQ(std::count(results.begin(), results.end(), WriteResult::kWrittenPastHalf), 1) << "round " << round;
    EXPECT_EQ(std::count(results.begin(), results.end(), WriteResult::kWritten), 63) << "round " << round;
    EXPECT_EQ(results[64], WriteResult::kDropped) << "round " << round;
    EXPECT_EQ(std::count(results.begin(), results.end(), WriteResult::kDroppedAgain), 5) << "round " << round;
    EXPECT_EQ(drain_ids(buffer).size(), 64u);
  }
  EXPECT_EQ(buffer.dropped(), 12u);
}

// The collector takes what was written when it looked, and what was written meanwhile
// only when that is worth another look (kReleaseBytes): the rest waits for its next drain.
TEST(ThreadBuffer, DrainTakesWhatWasWrittenMeanwhileOnlyInBulk) {
  detail::ThreadBuffer buffer(64 * 1024);
  const auto written_meanwhile = [&](std::uint64_t bytes) {
    for (std::uint64_t i = 0; i < 4; ++i) EXPECT_TRUE(kept(buffer.try_write(record_with(1))));
    bool first = true;
    std::size_t seen = 0;
    for_each_drained(buffer, [&](const detail::SpanRecord&) {
      ++seen;
      if (!first) return;
      first = false;
      for (std::uint64_t n = 0; n < bytes / sizeof(detail::SpanRecord); ++n) ASSERT_TRUE(kept(buffer.try_write(record_with(2))));
    });
    return seen;
  };
  const std::uint64_t few = 16, many = detail::ThreadBuffer::kReleaseBytes / sizeof(detail::SpanRecord);
  EXPECT_EQ(written_meanwhile(few * sizeof(detail::SpanRecord)), 4u);
  EXPECT_EQ(drain_ids(buffer).size(), few) << "left for the next drain";
  EXPECT_EQ(written_meanwhile(many * sizeof(detail::SpanRecord)), 4u + many);
}

// The collector may take part of a run, or none of it (its exporter's queue is full but
// keeping up): the rest and everything after it stay, in order, for the next drain. A run
// may stay only while less than half the ring is waiting, so that the writer never runs
// short for it.
TEST(ThreadBuffer, WhatTheCollectorLeavesStaysInOrderForTheNextDrain) {
  detail::ThreadBuffer buffer(4096);  // 64 records of 64 bytes
  for (std::uint64_t i = 1; i <= 6; ++i) {
    detail::SpanRecord r = record_with(i);
    r.tracer = i <= 2 ? 0 : 1;
    ASSERT_TRUE(kept(buffer.try_write(r)));
  }
  std::vector<std::uint64_t> seen;
  const std::size_t taken = buffer.drain([&](const detail::RecordRun& run) -> std::uint32_t {
    EXPECT_TRUE(run.may_stay) << "6 of 64 records waiting";
    const detail::RecordRun part = run.first(run.tracer == 0 ? run.count : 1);
    part.for_each([&](const detail::SpanRecord& r) { seen.push_back(r.span_id.value); });
    return part.count;
  });
  EXPECT_EQ(taken, 3u);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(buffer.count_pending(), 3u);
  EXPECT_EQ(buffer.drain([](const detail::RecordRun&) { return 0u; }), 0u);
  EXPECT_EQ(drain_ids(buffer), (std::vector<std::uint64_t>{4, 5, 6}));

  for (std::uint64_t i = 1; i <= 33; ++i) ASSERT_TRUE(kept(buffer.try_write(record_with(i))));
  bool may_stay = true;
  buffer.drain([&](const detail::RecordRun& run) {
    may_stay = run.may_stay;
    return 0u;
  });
  EXPECT_FALSE(may_stay) << "33 of 64 records waiting";
  EXPECT_EQ(drain_ids(buffer).size(), 33u);
}

TEST(ThreadBuffer, RecordsThatWouldCrossTheEndWrapWhole) {
  detail::ThreadBuffer buffer(4096);
  // Records of 64 + 48 = 112 bytes do not divide 4096: the ring must pad and wrap.
  struct Big {
    detail::SpanRecord header;
    std::byte fields[48];
  };
  std::uint64_t next = 1;
  std::vector<std::uint64_t> seen;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 20; ++i) {
      Big big{};
      big.header = record_with(next);
      big.header.size_bytes = sizeof(Big);
      big.fields[47] = std::byte{0x5a};
      ASSERT_TRUE(kept(buffer.try_write(big.header)));
      ++next;
    }
    for_each_drained(buffer, [&](const detail::SpanRecord& r) {
      seen.push_back(r.span_id.value);
      EXPECT_EQ(r.size_bytes, sizeof(Big));
      EXPECT_EQ(r.entries_begin()[47], std::byte{0x5a});
    });
  }
  ASSERT_EQ(seen.size(), 400u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
}

// The collector takes a stretch of one tracer's records at a time: a run never mixes
// tracers, never holds the padding at the end of a lap, never crosses that end, and the
// runs in order are the records in order.
TEST(ThreadBuffer, DrainHandsOverRunsOfOneTracerWithinALap) {
  detail::ThreadBuffer buffer(4096);
  struct Big {  // 112 bytes do not divide 4096: each lap ends in padding
    detail::SpanRecord header;
    std::byte fields[48];
  };
  std::uint64_t next = 1;
  std::vector<std::uint64_t> seen;
  std::size_t runs = 0;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 20; ++i, ++next) {
      Big big{};
      big.header = record_with(next);
      big.header.size_bytes = sizeof(Big);
      big.header.tracer = static_cast<std::uint16_t>(next / 3 % 2);
      ASSERT_TRUE(kept(buffer.try_write(big.header)));
    }
    buffer.drain([&](const detail::RecordRun& run) {
      ++runs;
      EXPECT_NE(run.tracer, detail::ThreadBuffer::kPaddingTracer);
      EXPECT_EQ(run.bytes(), run.count * sizeof(Big));
      for (std::uint32_t i = 0; i <= run.count; ++i) EXPECT_EQ(run.starts[i], i * sizeof(Big));
      run.for_each([&](const detail::SpanRecord& r) {
        EXPECT_EQ(r.tracer, run.tracer);
        seen.push_back(r.span_id.value);
      });
      return run.count;
    });
  }
  ASSERT_EQ(seen.size(), 400u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
  EXPECT_GE(runs, 400u / 3) << "a run for each change of tracer";
}

// The walk notes where each record starts, whatever their sizes, so that the collector
// reads them without walking again; a run of the smallest records, as long as a run can
// be (kReleaseBytes), fills the walk's notes exactly (under ASan, one more would fail here).
TEST(ThreadBuffer, DrainSaysWhereEachRecordOfARunStarts) {
  detail::ThreadBuffer buffer(64 * 1024);
  std::vector<std::uint32_t> sizes;
  for (std::uint64_t i = 1; i <= 24; ++i) {
    struct {
      detail::SpanRecord header;
      std::byte fields[64];
    } record{};
    record.header = record_with(i);
    record.header.size_bytes = static_cast<std::uint32_t>(sizeof(detail::SpanRecord) + i % 5 * 16);
    sizes.push_back(record.header.size_bytes);
    ASSERT_TRUE(kept(buffer.try_write(record.header)));
  }
  std::vector<std::uint64_t> seen;
  buffer.drain([&](const detail::RecordRun& run) {
    EXPECT_EQ(run.count, sizes.size()) << "one tracer, one run";
    std::uint32_t at = 0;
    for (std::uint32_t i = 0; i < run.count; ++i) {
      EXPECT_EQ(run.starts[i], at);
      seen.push_back(run.record(i).span_id.value);
      at += sizes[i];
    }
    EXPECT_EQ(run.bytes(), at);
    const detail::RecordRun part = run.first(10);
    EXPECT_EQ(part.bytes(), run.starts[10]);
    return run.count;
  });
  EXPECT_EQ(seen.size(), sizes.size());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);

  constexpr std::uint32_t kLongest = detail::ThreadBuffer::kReleaseBytes / sizeof(detail::SpanRecord);
  for (std::uint64_t i = 1; i <= 3 * kLongest; ++i) ASSERT_TRUE(kept(buffer.try_write(record_with(i))));
  std::vector<std::uint32_t> counts;
  buffer.drain([&](const detail::RecordRun& run) {
    counts.push_back(run.count);
    for (std::uint32_t i = 0; i <= run.count; ++i) EXPECT_EQ(run.starts[i], i * sizeof(detail::SpanRecord));
    return run.count;
  });
  EXPECT_EQ(counts, (std::vector<std::uint32_t>(3, kLongest)));
}

// A span guard's write copies a size known at compile time, in fixed moves: records of
// each size, at the end of a lap and in a ring filled until it drops all come out whole.
// The ring has no room past its end: under ASan a copy past a record fails here.
template <std::uint32_t kSize>
bool write_as_guard(detail::ThreadBuffer& buffer, const detail::SpanRecord& record) {
  return buffer.try_write_fast<kSize>(record) || kept(buffer.write_slow(record));
}

TEST(ThreadBuffer, GuardsCopiesOfTheirKnownSizeKeepEveryRecordWhole) {
  detail::ThreadBuffer buffer(4096);
  struct Guard {
    detail::SpanRecord header;
    std::byte fields[64];
  };
  const auto entry_bytes = [](std::uint64_t id) { return 16 * static_cast<std::uint32_t>(id % 5); };  // 0 to 64
  std::uint64_t next = 1;
  std::vector<std::uint64_t> written, seen;
  for (int round = 0; round < 40; ++round) {
    for (int i = 0; i < 10 + round; ++i) {  // the later rounds fill the ring: drops
      Guard guard{};
      guard.header = record_with(next);
      guard.header.size_bytes = sizeof(detail::SpanRecord) + entry_bytes(next);
      for (std::uint32_t b = 0; b < entry_bytes(next); ++b) guard.fields[b] = static_cast<std::byte>(next + b);
      constexpr std::uint32_t kHeader = sizeof(detail::SpanRecord);
      bool kept_it = false;
      switch (entry_bytes(next)) {
        case 0: kept_it = write_as_guard<kHeader>(buffer, guard.header); break;
        case 16: kept_it = write_as_guard<kHeader + 16>(buffer, guard.header); break;
        case 32: kept_it = write_as_guard<kHeader + 32>(buffer, guard.header); break;
        case 48: kept_it = write_as_guard<kHeader + 48>(buffer, guard.header); break;
        default: kept_it = write_as_guard<kHeader + 64>(buffer, guard.header); break;
      }
      if (kept_it) written.push_back(next);
      ++next;
    }
    for_each_drained(buffer, [&](const detail::SpanRecord& r) {
      seen.push_back(r.span_id.value);
      ASSERT_EQ(r.size_bytes, sizeof(detail::SpanRecord) + entry_bytes(r.span_id.value));
      for (std::uint32_t b = 0; b < entry_bytes(r.span_id.value); ++b) {
        ASSERT_EQ(r.entries_begin()[b], static_cast<std::byte>(r.span_id.value + b)) << "record " << r.span_id.value;
      }
    });
  }
  EXPECT_GT(buffer.dropped(), 0u) << "the ring was filled";
  EXPECT_EQ(seen, written);
}
}  // namespace
}  // namespace zspan
