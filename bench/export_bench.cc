// Encoding finished spans for the file exporters (issue 6's export rows): the golden
// trace's six spans (every tag type, logs, links, non-ASCII text) encoded into memory, the
// buffer reused as the exporters reuse theirs. No file I/O is timed.
//
//   BM_EncodeChromeJson  ChromeTraceEncoder, a batch at a time (tracks and arrows included)
//   BM_EncodeJsonLines   JsonLinesEncoder, a span at a time
//   BM_EncodeJaegerCompact           jaeger::Encoder (the direct Thrift writer): one Jaeger
//                                    Batch per service, Process included, compact protocol
//   BM_EncodeJaegerCompactThriftLib  the same Batches with Apache Thrift's generated classes
//                                    (built from the spans' SpanData by the Jaeger tests'
//                                    support library) written by TCompactProtocol into a
//                                    TMemoryBuffer: the library's figure beside the direct one
//
// items_per_second is spans per second on one core; bytes_per_second the JSON written.
#include <benchmark/benchmark.h>

#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <memory>
#include <string>

#include "exporters/chrome/chrome_trace_exporter.hpp"
#include "exporters/jaeger/jaeger_encoding.hpp"
#include "exporters/jsonl/json_lines_exporter.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/jaeger/jaeger_test_support.hpp"

namespace {

using zspan::testing::GoldenTrace;

void BM_EncodeChromeJson(benchmark::State& state) {
  const auto batch = GoldenTrace::get().batch();
  zspan::ChromeTraceEncoder encoder;
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    encoder.encode(*batch, out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch->size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_EncodeChromeJson);

void BM_EncodeJsonLines(benchmark::State& state) {
  const auto batch = GoldenTrace::get().batch();
  zspan::JsonLinesEncoder encoder;
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    {
      zspan::JsonWriter json(out);
      for (const zspan::SpanView& span : *batch) encoder.encode(span, json);
    }
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch->size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_EncodeJsonLines);

void BM_EncodeJaegerCompact(benchmark::State& state) {
  const auto batch = GoldenTrace::get().batch();
  zspan::jaeger::Encoder encoder(zspan::jaeger::Protocol::kCompact);
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    for (std::string_view service : zspan::jaeger::services_of(*batch))
      encoder.append_batch(*batch, service, zspan::jaeger::Envelope::kNone, out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch->size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_EncodeJaegerCompact);

void BM_EncodeJaegerCompactThriftLib(benchmark::State& state) {
  const std::vector<zspan::SpanData>& spans = GoldenTrace::get().expected();
  const std::vector<std::string> status_messages = {"", "", "upstream returned 503", "", "", ""};
  auto buffer = std::make_shared<apache::thrift::transport::TMemoryBuffer>();
  apache::thrift::protocol::TCompactProtocol protocol(buffer);
  std::size_t bytes = 0;
  for (auto _ : state) {
    buffer->resetBuffer();
    for (const char* service : {"frontend", "backend"})
      zspan::testing::expected_batch(spans, status_messages, service).write(&protocol);
    bytes += buffer->available_read();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * spans.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_EncodeJaegerCompactThriftLib);

}  // namespace

BENCHMARK_MAIN();
