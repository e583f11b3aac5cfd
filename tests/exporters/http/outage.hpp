// The backend outage every HTTP exporter's end-to-end test goes through: spans recorded
// while nothing listens, batches retried and kept in the queue, then the backend comes
// back and everything that fitted the queue arrives once.
//
//   const std::uint16_t port = unused_port();
//   Tracer<AlwaysOnSampler, ZipkinExporter> tracer{...endpoint on port...};
//   Outage outage = record_through_outage(tracer, port, kSpans);
//   ASSERT_TRUE(outage.flushed);
//   ... decode outage.receiver->requests() ...
//   expect_exported_once_after_retries("zipkin", kSpans);
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>

#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/http/receiver.hpp"

namespace zspan::testing {

struct Outage {
  std::unique_ptr<Receiver> receiver;  // on the port, started once the batches were retried
  bool flushed = false;                // the tracer flushed within 30 s of it
};

// Records `spans` spans "work" with `tracer` while nothing listens on `port`, waits (at most
// 20 s) until the pipeline has retried twice, then starts a Receiver there and flushes.
template <class TracerT>
Outage record_through_outage(TracerT& tracer, std::uint16_t port, std::size_t spans) {
  using namespace std::chrono_literals;
  using Clock = std::chrono::steady_clock;
  for (std::size_t i = 0; i < spans; ++i) {
    TRACE_SCOPE_WITH(tracer, "work");
  }
  const auto retries = [] {
    const Stats s = stats();
    return s.exporters.empty() ? 0 : s.exporters[0].retries;
  };
  for (const auto start = Clock::now(); retries() < 2 && Clock::now() - start < 20s;)
    std::this_thread::sleep_for(10ms);  // batches fail and wait in the queue
  Outage outage{std::make_unique<Receiver>(port)};
  const auto start = Clock::now();
  while (!outage.flushed && Clock::now() - start < 30s) outage.flushed = tracer.flush(1s);
  return outage;
}

// zspan::stats() after the outage: every span of the one exporter, named `exporter`,
// exported once, none dropped, after at least two retries.
inline void expect_exported_once_after_retries(std::string_view exporter, std::size_t spans) {
  const Stats s = stats();
  EXPECT_EQ(s.spans_recorded, s.spans_exported + s.spans_dropped() + s.spans_pending);
  EXPECT_EQ(s.spans_dropped(), 0u);
  ASSERT_EQ(s.exporters.size(), 1u);
  const ExporterStats& e = s.exporters[0];
  EXPECT_EQ(e.name, exporter);
  EXPECT_EQ(e.received, spans);
  EXPECT_EQ(e.exported, spans);
  EXPECT_EQ(e.pending, 0u);
  EXPECT_EQ(e.rejected + e.dropped_queue_full + e.dropped_failed + e.dropped_shutdown, 0u);
  EXPECT_GE(e.retries, 2u);
}

}  // namespace zspan::testing
