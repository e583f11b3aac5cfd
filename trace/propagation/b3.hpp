// B3 (https://github.com/openzipkin/b3-propagation), Zipkin's headers, single and multi:
//
//   b3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90
//   X-B3-TraceId: 80f198ee56343ba864fe8b2a57d3eff7   X-B3-SpanId: e457b5a2e4d86bd1
//   X-B3-Sampled: 1
//
//   zspan::B3Propagator<zspan::B3Encoding::kSingle> b3;   // OTEL_PROPAGATORS=b3
//   zspan::B3Propagator<zspan::B3Encoding::kMulti> b3m;   // OTEL_PROPAGATORS=b3multi
//
// Both read either encoding, the single header first (as OpenTelemetry's B3 propagator
// does); they differ in what they write. The debug flag ("d", X-B3-Flags: 1) makes the
// trace forced (TraceFlags::kForced): recorded whatever the sampler says, and sent on as
// debug ("d", or X-B3-Flags: 1 without X-B3-Sampled, which debug implies). A deferred
// decision (no sampling state) arrives as not sampled, and a sampling state without ids
// ("b3: 0") carries no context: zspan cannot follow a trace without its ids. B3 carries
// no baggage. A context that is not sampled is sent with a span id of its own
// (zspan::inject).
#pragma once

#include <optional>
#include <string_view>

#include "zspan/trace/propagation/carrier.hpp"
#include "zspan/trace/propagation/drops.hpp"
#include "zspan/trace/span_context.hpp"

namespace zspan {

struct B3Context {
  TraceId trace_id;
  SpanId span_id;
  TraceFlags flags;  // sampled, or forced (debug)
};

// {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]
std::optional<B3Context> parse_b3_single(std::string_view value) noexcept;

// The X-B3-* values, each empty when absent.
struct B3MultiValues {
  std::string_view trace_id, span_id, sampled, flags;
};
std::optional<B3Context> parse_b3_multi(const B3MultiValues& values) noexcept;

enum class B3Encoding { kSingle, kMulti };

template <B3Encoding kEncoding>
struct B3Propagator {
  template <ReadableCarrier C>
  void extract(const C& carrier, SpanContext& ctx) const {
    std::string_view single;
    B3MultiValues multi;
    int single_lines = 0;
    bool multi_duplicated = false;
    visit_headers(carrier, [&](std::string_view name, std::string_view value) {
      auto take = [&](std::string_view& slot) {
        if (!slot.empty()) multi_duplicated = true;
        slot = value;
      };
      if (header_name_equals(name, "b3")) {
        single = value;
        ++single_lines;
      } else if (header_name_equals(name, "x-b3-traceid")) {
        take(multi.trace_id);
      } else if (header_name_equals(name, "x-b3-spanid")) {
        take(multi.span_id);
      } else if (header_name_equals(name, "x-b3-sampled")) {
        take(multi.sampled);
      } else if (header_name_equals(name, "x-b3-flags")) {
        take(multi.flags);
      }
    });
    std::optional<B3Context> b3;
    if (single_lines == 1) b3 = parse_b3_single(single);
    if (!b3 && !multi_duplicated && !multi.trace_id.empty()) b3 = parse_b3_multi(multi);
    if (!b3) {
      if (single_lines != 0 || !multi.trace_id.empty()) detail::g_b3_rejected.emit();
      return;
    }
    ctx.adopt_remote(b3->trace_id, b3->span_id, b3->flags);
  }

  template <WritableCarrier C>
  void inject(const SpanContext& ctx, C& carrier) const {
    if (!ctx.valid()) return;
    char trace_id[32];
    char span_id[16];
    ctx.trace_id.to_hex(trace_id);
    ctx.span_id.to_hex(span_id);
    const char sampled = ctx.flags.forced() ? 'd' : ctx.sampled() ? '1' : '0';
    if constexpr (kEncoding == B3Encoding::kSingle) {
      char value[32 + 1 + 16 + 1 + 1];
      std::string_view(trace_id, 32).copy(value, 32);
      value[32] = '-';
      std::string_view(span_id, 16).copy(value + 33, 16);
      value[49] = '-';
      value[50] = sampled;
      set_header(carrier, "b3", std::string_view(value, sizeof(value)));
    } else {
      set_header(carrier, "X-B3-TraceId", std::string_view(trace_id, 32));
      set_header(carrier, "X-B3-SpanId", std::string_view(span_id, 16));
      if (ctx.flags.forced()) set_header(carrier, "X-B3-Flags", "1");
      else set_header(carrier, "X-B3-Sampled", std::string_view(&sampled, 1));
    }
  }
};

}  // namespace zspan
