// BM_SpanCompiledOut: the sampled span's code in a translation unit built with tracing
// compiled out (ZSPAN_DISABLED). It must cost what BM_Baseline costs: the macros leave no
// code (tests/instrument/codegen proves the machine code identical) and evaluate nothing.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string_view>

#include "zspan/instrument/zspan.hpp"

static_assert(!zspan::kTracingEnabled, "built with local_defines = [\"ZSPAN_DISABLED\"]");

namespace {

void BM_SpanCompiledOut(benchmark::State& state) {
  std::int64_t i = 0;
  for (auto _ : state) {
    TRACE_SCOPE("bench.span", zspan::tags::http_status_code = ++i, zspan::tags::http_method = std::string_view("GET"));
    benchmark::DoNotOptimize(i);
  }
}
BENCHMARK(BM_SpanCompiledOut);

}  // namespace
