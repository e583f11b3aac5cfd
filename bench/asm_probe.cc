// Small functions holding one span each, for bench/show_asm.sh to disassemble: what the
// compiler makes of a span at -O2, as in user code. Not linked into anything.
#include "bench/cases.hpp"

using namespace zspan_bench;

extern "C" {
// BM_SpanSampled2Tags: a sampled root span with an int and a string tag.
void zspan_probe_sampled_2tags(SampledTracer& tracer, std::int64_t i) { sampled_span(tracer, i); }
// The same span without tags: the span machinery alone.
void zspan_probe_sampled(SampledTracer& tracer) { sampled_span_bare(tracer); }
// BM_SpanNested without tags: a child of the current span.
void zspan_probe_child() { child_span_bare(); }
// BM_SpanSampledOut: a span under a sampled-out span.
void zspan_probe_sampled_out(std::int64_t i) { sampled_out_span(i); }
}

int main() { return 0; }
