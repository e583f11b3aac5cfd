// Encoding finished spans, as each exporter does before it writes or sends: the golden
// trace's six spans (every tag type, logs, links, non-ASCII text) encoded into memory, the
// buffer reused as the exporters reuse theirs. No I/O is timed.
//
//   BM_EncodeChromeJson           ChromeTraceEncoder, a batch at a time (tracks and arrows included)
//   BM_EncodeJsonLines            JsonLinesEncoder, a span at a time
//   BM_EncodeZipkinJson           ZipkinEncoder, a batch at a time (the POST body)
//   BM_EncodeOtlpProtobuf         otlp::WireEncoder (the http/protobuf body)
//   BM_EncodeOtlpProtobufLibrary  the same bytes through libprotobuf: otlp::encode into a
//                                 request Clear()ed between batches, SerializeToString
//   BM_EncodeOtlpJson             otlp::JsonEncoder (the http/json body)
//   BM_EncodeOtlpJsonLibrary      the same JSON through libprotobuf: otlp::encode, then its
//                                 JSON printer and the ids turned to hex (the JSON encoder
//                                 tests' reference, tests/exporters/otlp/protobuf_json.hpp)
//   BM_EncodeJaegerCompact        jaeger::Encoder (the direct Thrift writer): one Jaeger
//                                 Batch per service, Process included, compact protocol
//   BM_EncodeJaegerCompactThriftLib  the same Batches with Apache Thrift's generated classes
//                                 (built from the spans' SpanData by the Jaeger tests'
//                                 support library) written by TCompactProtocol into a
//                                 TMemoryBuffer: the library's figure beside the direct one
//
// items_per_second is spans per second on one core; bytes_per_second the bytes written.
#include <benchmark/benchmark.h>

#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <memory>
#include <string>

#include "zspan/exporters/chrome/chrome_trace_exporter.hpp"
#include "zspan/exporters/jaeger/jaeger_encoding.hpp"
#include "zspan/exporters/jsonl/json_lines_exporter.hpp"
#include "zspan/exporters/otlp/otlp_encoding.hpp"
#include "zspan/exporters/otlp/otlp_json.hpp"
#include "zspan/exporters/otlp/otlp_wire.hpp"
#include "zspan/exporters/zipkin/zipkin_exporter.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/jaeger/jaeger_test_support.hpp"
#include "tests/exporters/otlp/protobuf_json.hpp"

namespace {

using zspan::testing::GoldenTrace;

// The measuring loop of every row: `encode(out)` writes one golden batch into `out`,
// which the loop empties before each call.
template <class Encode>
void measure(benchmark::State& state, Encode encode) {
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    encode(out);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * GoldenTrace::kSpans));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_EncodeChromeJson(benchmark::State& state) {
  const auto batch = GoldenTrace::get().batch();
  zspan::ChromeTraceEncoder encoder;
  measure(state, [&](std::string& out) { encoder.encode(*batch, out); });
}
BENCHMARK(BM_EncodeChromeJson);

void BM_EncodeJsonLines(benchmark::State& state) {
  const auto batch = GoldenTrace::get().batch();
  zspan::JsonLinesEncoder encoder;
  measure(state, [&](std::string& out) {
    zspan::JsonWriter json(out);
    for (const zspan::SpanView& span : *batch) encoder.encode(span, json);
  });
}
BENCHMARK(BM_EncodeJsonLines);

void BM_EncodeZipkinJson(benchmark::State& state) {
  const auto batch = GoldenTrace::get().batch();
  zspan::ZipkinEncoder encoder;
  measure(state, [&](std::string& out) { encoder.encode(*batch, out); });
}
BENCHMARK(BM_EncodeZipkinJson);

void BM_EncodeOtlpProtobuf(benchmark::State& state) {
  const auto batch = GoldenTrace::get().batch();
  zspan::otlp::WireEncoder encoder;
  measure(state, [&](std::string& out) { encoder.encode(*batch, out); });
}
BENCHMARK(BM_EncodeOtlpProtobuf);

void BM_EncodeOtlpProtobufLibrary(benchmark::State& state) {
  const auto batch = GoldenTrace::get().batch();
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
  measure(state, [&](std::string& out) {
    request.Clear();
    zspan::otlp::encode(*batch, request);
    request.SerializeToString(&out);
  });
}
BENCHMARK(BM_EncodeOtlpProtobufLibrary);

void BM_EncodeOtlpJson(benchmark::State& state) {
  const auto batch = GoldenTrace::get().batch();
  zspan::otlp::JsonEncoder encoder;
  measure(state, [&](std::string& out) { encoder.encode(*batch, out); });
}
BENCHMARK(BM_EncodeOtlpJson);

void BM_EncodeOtlpJsonLibrary(benchmark::State& state) {
  const auto batch = GoldenTrace::get().batch();
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
  measure(state, [&](std::string& out) {
    request.Clear();
    zspan::otlp::encode(*batch, request);
    out = zspan::testing::protobuf_json(request);
  });
}
BENCHMARK(BM_EncodeOtlpJsonLibrary);

void BM_EncodeJaegerCompact(benchmark::State& state) {
  const auto batch = GoldenTrace::get().batch();
  zspan::jaeger::Encoder encoder(zspan::jaeger::Protocol::kCompact);
  measure(state, [&](std::string& out) {
    for (std::string_view service : zspan::jaeger::services_of(*batch))
      encoder.append_batch(*batch, service, zspan::jaeger::Envelope::kNone, out);
  });
}
BENCHMARK(BM_EncodeJaegerCompact);

void BM_EncodeJaegerCompactThriftLib(benchmark::State& state) {
  const std::vector<zspan::SpanData>& spans = GoldenTrace::get().expected();
  const std::vector<std::string> status_messages = zspan::testing::golden_status_messages();
  auto buffer = std::make_shared<apache::thrift::transport::TMemoryBuffer>();
  apache::thrift::protocol::TCompactProtocol protocol(buffer);
  measure(state, [&](std::string& out) {
    buffer->resetBuffer();
    for (const char* service : {"frontend", "backend"})
      zspan::testing::expected_batch(spans, status_messages, service).write(&protocol);
    out.resize(buffer->available_read());
  });
}
BENCHMARK(BM_EncodeJaegerCompactThriftLib);

}  // namespace

BENCHMARK_MAIN();
