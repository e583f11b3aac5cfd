// The golden trace: one request's spans with every feature an exporter must carry, made
// with the same writers the hot path uses but with fixed ids and times, so that every
// exporter's test decodes its own output and compares it with the same facts.
//
//   const zspan::testing::GoldenTrace& golden = zspan::testing::GoldenTrace::get();
//   MyExporter exporter;
//   exporter.export_batch(*golden.batch());
//   for (const zspan::SpanData& want : golden.expected()) ...   // compare field by field
//
// The spans (service "frontend" unless said):
//   0 "GET /users"    root; server; http.request.method "GET", http.response.status_code 200,
//                     component "http"; log {event "cache miss", key "users:42"}
//   1 "authenticate"  child of 0; every tag type: bool, int64, uint64 (> int64 max),
//                     double, short and long strings, arrays of each type
//   2 "SELECT users"  child of 0, service "backend"; client; error via TRACE_ERROR
//                     "upstream returned 503" (status message), db.query.text cut at the
//                     string limit (truncated)
//   3 "send email"    follows from 0 (a link too); producer
//   4 "handle"        remote parent (another process); extra followsFrom reference to a
//                     span of another trace (a link); 3 fields dropped
//   5 "naïve \"quoted\"\n\ttab"  child of 0: non-ASCII and control characters in its
//                     name, a tag and a log message
//   6 "POST /orders/:id"  child of 0, callsite "dispatch": named and renamed at run time;
//                     run-time keys config.tier "gold", config.quota 42; log {event
//                     "retry", retry.reason (a run-time key) "route not matched yet"}
// All spans share one trace id (4 continues its remote caller's trace). Times are exact
// nanoseconds: the clock anchor maps tick t to kStartUnixNanos + t.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "zspan/trace/export/exporter.hpp"
#include "zspan/trace/export/span_data.hpp"

namespace zspan::testing {

class GoldenTrace {
 public:
  static constexpr std::uint64_t kStartUnixNanos = 1'700'000'000'000'000'000;
  static constexpr TraceId kTraceId{0x0af7651916cd43dd, 0x8448eb211c80319c};
  static constexpr TraceId kOtherTraceId{0x1111111111111111, 0x2222222222222222};
  static constexpr SpanId kRemoteParent{0xb7ad6b7169203331};
  static constexpr std::size_t kSpans = 7;

  static const GoldenTrace& get();

  // A batch of all spans in the order above; owns its views' storage.
  std::unique_ptr<SpanBatch> batch() const;
  // The clock that turns the spans' ticks into the exact times above.
  const ClockAnchor& clock() const noexcept { return clock_; }
  // What each span must come out as, in the same order (decoded by SpanData::copy_of,
  // itself checked against literals in golden_trace_test).
  const std::vector<SpanData>& expected() const noexcept { return expected_; }

  GoldenTrace(const GoldenTrace&) = delete;
  GoldenTrace& operator=(const GoldenTrace&) = delete;

 private:
  GoldenTrace();
  struct Span;
  std::vector<std::unique_ptr<Span>> spans_;
  std::vector<BatchedSpan> batched_;
  ClockAnchor clock_;
  std::vector<SpanData> expected_;
};

// An exporter's result on the golden batch, and how long its export_batch took (the
// transport tests' bounds on retries and timeouts).
struct TimedExport {
  ExportResult result;
  std::chrono::milliseconds took;
};
template <class Exporter>
TimedExport export_golden(Exporter& exporter) {
  const auto start = std::chrono::steady_clock::now();
  const ExportResult result = exporter.export_batch(*GoldenTrace::get().batch());
  return {result, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)};
}

}  // namespace zspan::testing
