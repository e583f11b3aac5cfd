#include "zspan/trace/propagation/b3.hpp"

namespace zspan {

namespace {

// "TraceId ... encoded as 32 or 16 lower-hex characters": a 64-bit id is the low half.
std::optional<TraceId> parse_b3_trace_id(std::string_view hex) noexcept {
  if (!is_lower_hex(hex)) return std::nullopt;
  std::optional<TraceId> id;
  if (hex.size() == 32) id = TraceId::from_hex(hex);
  else if (hex.size() == 16) id = TraceId{0, detail::parse_hex_u64(hex).value_or(0)};
  if (!id || !id->valid()) return std::nullopt;
  return id;
}

std::optional<SpanId> parse_b3_span_id(std::string_view hex) noexcept {
  if (hex.size() != 16 || !is_lower_hex(hex)) return std::nullopt;
  std::optional<SpanId> id = SpanId::from_hex(hex);
  if (!id || !id->valid()) return std::nullopt;
  return id;
}

}  // namespace

std::optional<B3Context> parse_b3_single(std::string_view value) noexcept {
  value = detail::trim_ows(value);
  const std::size_t dash1 = value.find('-');
  if (dash1 == std::string_view::npos) return std::nullopt;  // sampling state only
  const std::optional<TraceId> trace_id = parse_b3_trace_id(value.substr(0, dash1));
  std::string_view rest = value.substr(dash1 + 1);
  const std::size_t dash2 = rest.find('-');
  const std::optional<SpanId> span_id = parse_b3_span_id(rest.substr(0, dash2));
  if (!trace_id || !span_id) return std::nullopt;
  TraceFlags flags;  // deferred: not sampled
  if (dash2 != std::string_view::npos) {
    rest.remove_prefix(dash2 + 1);
    const std::size_t dash3 = rest.find('-');
    const std::string_view state = rest.substr(0, dash3);
    if (state == "1") flags = flags.with_sampled(true);
    else if (state == "d") flags = flags.with_forced();
    else if (state != "0") return std::nullopt;
    if (dash3 != std::string_view::npos && !parse_b3_span_id(rest.substr(dash3 + 1))) return std::nullopt;
  }
  return B3Context{*trace_id, *span_id, flags};
}

std::optional<B3Context> parse_b3_multi(const B3MultiValues& values) noexcept {
  const std::optional<TraceId> trace_id = parse_b3_trace_id(detail::trim_ows(values.trace_id));
  const std::optional<SpanId> span_id = parse_b3_span_id(detail::trim_ows(values.span_id));
  if (!trace_id || !span_id) return std::nullopt;
  // "true"/"false" are accepted as older Zipkin clients sent them; "X-B3-Flags: 1" is debug.
  const std::string_view sampled = detail::trim_ows(values.sampled);
  const std::string_view flags = detail::trim_ows(values.flags);
  if (!sampled.empty() && sampled != "1" && sampled != "0" && sampled != "true" && sampled != "false")
    return std::nullopt;
  const TraceFlags decision = TraceFlags{}.with_sampled(sampled == "1" || sampled == "true");
  return B3Context{*trace_id, *span_id, flags == "1" ? decision.with_forced() : decision};
}

}  // namespace zspan
