// MemoryTracer: a tracer whose spans a test reads back, and flushed(), what it kept.
//
//   zspan::testing::MemoryTracer tracer{"svc"};              // samples every trace
//   zspan::testing::MemoryTracerWith<zspan::AlwaysOffSampler> off{"off"};
//   { TRACE_SCOPE_WITH(tracer, "work"); }
//   const std::vector<zspan::SpanData> spans = flushed(tracer);
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "zspan/exporters/memory/memory_exporter.hpp"
#include "zspan/trace/export/span_data.hpp"
#include "zspan/trace/sampler.hpp"
#include "zspan/trace/tracer.hpp"

namespace zspan::testing {

template <class Sampler>
using MemoryTracerWith = Tracer<Sampler, MemoryExporter>;
using MemoryTracer = MemoryTracerWith<AlwaysOnSampler>;

// Exports what every tracer recorded until now (a test failure if that times out), and
// returns every span `tracer` has kept.
template <class Sampler>
std::vector<SpanData> flushed(MemoryTracerWith<Sampler>& tracer) {
  EXPECT_TRUE(flush());
  return tracer.exporter().spans();
}

}  // namespace zspan::testing
