// Jaeger's native headers (https://www.jaegertracing.io/docs/client-libraries/#propagation-format):
//
//   uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1
//   uberctx-user-id: alice                           (one header per baggage item)
//
//   zspan::JaegerPropagator jaeger;                  // OTEL_PROPAGATORS=jaeger
//   jaeger.extract(request_headers, ctx);
//
// Ids are hex without leading zeros ("receivers MUST accept hex-strings shorter than 32
// characters"), the whole value may arrive URL-encoded (":" as %3A), the parent id is
// deprecated and ignored, and the flags are one or two hex digits: 1 sampled, 2 debug.
// Debug makes the trace forced (TraceFlags::kForced): recorded whatever the sampler
// says, and sent on with flags 03. A context that is not sampled is sent with a span id
// of its own (zspan::inject). Baggage keys are the header names' suffixes, lower-cased
// since header names are case-insensitive; values are percent-decoded.
//
// Jaeger sets no limit on baggage, so the W3C ones hold (trace/baggage.hpp), as they do
// in OpenTelemetry's Jaeger propagators: the uberctx-* headers of a request add to the
// context's baggage at most 64 members in 8192 bytes all told, and an inject writes no
// more, each member counted as key=value with the value as sent. What is left out is
// counted (propagation_drops().baggage_dropped).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "zspan/trace/propagation/carrier.hpp"
#include "zspan/trace/propagation/drops.hpp"
#include "zspan/trace/propagation/w3c_baggage.hpp"
#include "zspan/trace/span_context.hpp"

namespace zspan {

struct JaegerContext {
  TraceId trace_id;
  SpanId span_id;
  TraceFlags flags;  // sampled, or forced (debug)
};

std::optional<JaegerContext> parse_uber_trace_id(std::string_view value) noexcept;
// "uberctx-<key>: <value>" as a baggage entry; nullopt when the key or value is malformed.
std::optional<Baggage::Entry> parse_uberctx(std::string_view header_name, std::string_view value);

inline constexpr std::string_view kUberBaggagePrefix = "uberctx-";

struct JaegerPropagator {
  template <ReadableCarrier C>
  void extract(const C& carrier, SpanContext& ctx) const {
    std::string_view trace_header;
    int trace_lines = 0;
    BaggageBuilder baggage(ctx.baggage);
    visit_headers(carrier, [&](std::string_view name, std::string_view value) {
      if (header_name_equals(name, "uber-trace-id")) {
        trace_header = value;
        ++trace_lines;
      } else if (header_name_starts_with(name, kUberBaggagePrefix)) {
        if (std::optional<Baggage::Entry> entry = parse_uberctx(name, value))
          detail::count_baggage_drop(baggage.add(std::move(*entry)));
        else
          detail::g_baggage_dropped.emit("{}", "malformed uberctx-* header");
      }
    });
    ctx.baggage = std::move(baggage).build();
    if (trace_lines == 0) return;
    std::optional<JaegerContext> jaeger;
    if (trace_lines == 1) jaeger = parse_uber_trace_id(trace_header);
    if (!jaeger) return detail::g_jaeger_rejected.emit("{} line(s)", trace_lines);
    ctx.adopt_remote(jaeger->trace_id, jaeger->span_id, jaeger->flags);
  }

  template <WritableCarrier C>
  void inject(const SpanContext& ctx, C& carrier) const {
    if (ctx.valid()) {
      char value[32 + 1 + 16 + 3 + 2];
      ctx.trace_id.to_hex(value);
      value[32] = ':';
      ctx.span_id.to_hex(value + 33);
      std::string_view(ctx.flags.forced() ? ":0:03" : ctx.sampled() ? ":0:01" : ":0:00").copy(value + 49, 5);
      set_header(carrier, "uber-trace-id", std::string_view(value, sizeof(value)));
    }
    if (!ctx.baggage) return;
    BaggageBudget budget;
    std::string name, value;
    for (const Baggage::Entry& e : ctx.baggage->entries()) {
      if (!detail::is_token(e.key)) {
        detail::g_baggage_dropped.emit("{}", "key is not a header name");
        continue;
      }
      value.clear();
      append_percent_encoded(value, e.value, [](char c) { return detail::is_token_char(c) && c != '%'; });
      if (detail::count_baggage_drop(budget.take(e.key.size() + 1 + value.size())) != BaggageResult::kOk) continue;
      name.assign(kUberBaggagePrefix).append(e.key);
      set_header(carrier, name, value);
    }
  }
};

}  // namespace zspan
