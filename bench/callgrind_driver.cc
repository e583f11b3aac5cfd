// Runs N spans of one case, for bench/callgrind_spans.sh to count their instructions.
//
//   callgrind_driver CASE N
//
// Only the loop functions below are measured (valgrind --toggle-collect=zspan_bench_loop_*),
// on the calling thread: the collector thread's work is not counted, as in the field
// figures the targets come from. The script runs each case with N and 2N spans and
// divides the difference by N, so set-up and one-off costs (the thread's first span
// attaches its buffer and seeds its id generator) cancel out.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "bench/cases.hpp"

using namespace zspan_bench;

// A compiler barrier: what benchmark::ClobberMemory() is in span_bench.cc.
#define ZSPAN_BENCH_CLOBBER() asm volatile("" ::: "memory")

extern "C" {
[[gnu::noinline]] void zspan_bench_loop_baseline(std::int64_t n) {
  for (std::int64_t i = 1; i <= n; ++i) ZSPAN_BENCH_CLOBBER();
}
[[gnu::noinline]] void zspan_bench_loop_sampled(std::int64_t n) {
  SampledTracer& tracer = sampled_tracer();
  for (std::int64_t i = 1; i <= n; ++i) {
    sampled_span(tracer, i);
    ZSPAN_BENCH_CLOBBER();
  }
}
[[gnu::noinline]] void zspan_bench_loop_sampled_runtime_string(std::int64_t n) {
  SampledTracer& tracer = sampled_tracer();
  for (std::int64_t i = 1; i <= n; ++i) {
    sampled_span_runtime_string(tracer, i);
    ZSPAN_BENCH_CLOBBER();
  }
}
[[gnu::noinline]] void zspan_bench_loop_sampled_runtime_name(std::int64_t n) {
  SampledTracer& tracer = sampled_tracer();
  for (std::int64_t i = 1; i <= n; ++i) {
    sampled_span_runtime_name(tracer, i);
    ZSPAN_BENCH_CLOBBER();
  }
}
[[gnu::noinline]] void zspan_bench_loop_nested(std::int64_t n) {
  for (std::int64_t i = 1; i <= n; ++i) {
    child_span(i);
    ZSPAN_BENCH_CLOBBER();
  }
}
[[gnu::noinline]] void zspan_bench_loop_sampled_out(std::int64_t n) {
  for (std::int64_t i = 1; i <= n; ++i) {
    sampled_out_span(i);
    ZSPAN_BENCH_CLOBBER();
  }
}
[[gnu::noinline]] void zspan_bench_loop_sampled_bare(std::int64_t n) {
  SampledTracer& tracer = sampled_tracer();
  for (std::int64_t i = 1; i <= n; ++i) {
    sampled_span_bare(tracer);
    ZSPAN_BENCH_CLOBBER();
  }
}
[[gnu::noinline]] void zspan_bench_loop_nested_bare(std::int64_t n) {
  for (std::int64_t i = 1; i <= n; ++i) {
    child_span_bare();
    ZSPAN_BENCH_CLOBBER();
  }
}
[[gnu::noinline]] void zspan_bench_loop_sampled_out_root(std::int64_t n) {
  SilentTracer& tracer = silent_tracer();
  for (std::int64_t i = 1; i <= n; ++i) {
    sampled_out_root(tracer, i);
    ZSPAN_BENCH_CLOBBER();
  }
}
[[gnu::noinline]] void zspan_bench_loop_sampled_out_ratio_root(std::int64_t n) {
  RatioTracer& tracer = ratio_tracer();
  for (std::int64_t i = 1; i <= n; ++i) {
    sampled_out_root(tracer, i);
    ZSPAN_BENCH_CLOBBER();
  }
}
}

namespace {
// Keeps the size of the last record it saw: what one span takes in the thread buffer.
struct SizeExporter {
  std::uint32_t bytes = 0;
  zspan::ExportResult export_batch(const zspan::SpanBatch& batch) noexcept {
    for (const zspan::SpanView& span : batch) bytes = span.record().size_bytes;
    return zspan::ExportResult::success();
  }
};
}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && !std::strcmp(argv[1], "bytes")) {
    // Bytes per recorded span with the two tags of the sampled case, header included.
    zspan::Tracer<zspan::AlwaysOnSampler, SizeExporter> tracer{"zspan-bench-bytes"};
    {
      TRACE_SCOPE_WITH(tracer, "bench.span", tags::http_status_code = 200, tags::http_method = kMethod);
    }
    tracer.flush();
    std::printf("%u\n", tracer.exporter().bytes);
    return 0;
  }
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s baseline|sampled|sampled_runtime_string|sampled_runtime_name|nested|sampled_out|sampled_out_root|sampled_out_ratio_root|sampled_bare|nested_bare N | bytes\n", argv[0]);
    return 2;
  }
  const char* which = argv[1];
  const std::int64_t n = std::atoll(argv[2]);
  // Warm up: give this thread its full ring (no growth while counting), seed its ids,
  // start the collector, then start from an empty buffer so the measured spans never
  // find it full.
  zspan::reserve_thread_buffer();
  zspan_bench::sampled_span(sampled_tracer(), 0);
  zspan::flush();

  if (!std::strcmp(which, "baseline")) {
    zspan_bench_loop_baseline(n);
  } else if (!std::strcmp(which, "sampled")) {
    zspan_bench_loop_sampled(n);
  } else if (!std::strcmp(which, "nested")) {
    TRACE_SCOPE_WITH(sampled_tracer(), "bench.parent");
    zspan_bench_loop_nested(n);
  } else if (!std::strcmp(which, "sampled_out")) {
    TRACE_SCOPE_WITH(silent_tracer(), "bench.request");
    zspan_bench_loop_sampled_out(n);
  } else if (!std::strcmp(which, "sampled_bare")) {
    zspan_bench_loop_sampled_bare(n);
  } else if (!std::strcmp(which, "nested_bare")) {
    TRACE_SCOPE_WITH(sampled_tracer(), "bench.parent");
    zspan_bench_loop_nested_bare(n);
  } else if (!std::strcmp(which, "sampled_out_root")) {
    zspan_bench_loop_sampled_out_root(n);
  } else if (!std::strcmp(which, "sampled_runtime_string")) {
    zspan_bench_loop_sampled_runtime_string(n);
  } else if (!std::strcmp(which, "sampled_runtime_name")) {
    zspan_bench_loop_sampled_runtime_name(n);
  } else if (!std::strcmp(which, "sampled_out_ratio_root")) {
    zspan_bench_loop_sampled_out_ratio_root(n);
  } else {
    std::fprintf(stderr, "unknown case %s\n", which);
    return 2;
  }
  zspan::flush();
  const zspan::Stats s = zspan::stats();
  // The script checks this: a dropped span takes a shorter path and would skew the count.
  std::printf("dropped %llu\n", static_cast<unsigned long long>(s.spans_dropped_buffer_full));
  return 0;
}
