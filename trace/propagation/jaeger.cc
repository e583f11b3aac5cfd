#include "zspan/trace/propagation/jaeger.hpp"

namespace zspan {

namespace {
// Far longer than any valid value (32 + 16 + 16 + 2 digits, 3 separators, escaped).
constexpr std::size_t kMaxUberTraceIdBytes = 256;
}  // namespace

std::optional<JaegerContext> parse_uber_trace_id(std::string_view value) noexcept {
  value = detail::trim_ows(value);
  if (value.size() > kMaxUberTraceIdBytes) return std::nullopt;
  // Undo URL-encoding of the separators into a bounded buffer: no allocation.
  char decoded[kMaxUberTraceIdBytes];
  std::size_t n = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && value.size() - i >= 3 && value[i + 1] == '3' && detail::ascii_lower(value[i + 2]) == 'a') {
      decoded[n++] = ':';
      i += 2;
    } else {
      decoded[n++] = value[i];
    }
  }
  std::string_view fields[4];
  std::string_view rest(decoded, n);
  for (int i = 0; i < 4; ++i) {
    const std::size_t colon = rest.find(':');
    if ((colon == std::string_view::npos) != (i == 3)) return std::nullopt;
    fields[i] = rest.substr(0, colon);
    if (colon != std::string_view::npos) rest.remove_prefix(colon + 1);
  }
  const std::string_view trace_hex = fields[0];
  if (trace_hex.empty() || trace_hex.size() > 32) return std::nullopt;
  const std::size_t high_digits = trace_hex.size() > 16 ? trace_hex.size() - 16 : 0;
  const std::optional<std::uint64_t> high =
      high_digits ? parse_short_hex(trace_hex.substr(0, high_digits)) : std::optional<std::uint64_t>(0);
  const std::optional<std::uint64_t> low = parse_short_hex(trace_hex.substr(high_digits));
  const std::optional<std::uint64_t> span = parse_short_hex(fields[1]);
  const std::optional<std::uint64_t> flags = fields[3].size() <= 2 ? parse_short_hex(fields[3]) : std::nullopt;
  if (!high || !low || !span || !parse_short_hex(fields[2]) || !flags) return std::nullopt;
  const TraceId trace_id{*high, *low};
  if (!trace_id.valid() || *span == 0) return std::nullopt;
  constexpr std::uint64_t kSampled = 0x1, kDebug = 0x2;
  const std::uint64_t flag_bits = flags.value_or(0);
  const TraceFlags decision = TraceFlags{}.with_sampled((flag_bits & kSampled) != 0);
  return JaegerContext{trace_id, SpanId{*span}, (flag_bits & kDebug) ? decision.with_forced() : decision};
}

std::optional<Baggage::Entry> parse_uberctx(std::string_view header_name, std::string_view value) {
  std::string key(header_name.substr(kUberBaggagePrefix.size()));
  for (char& c : key) c = detail::ascii_lower(c);
  if (!detail::is_token(key)) return std::nullopt;
  std::optional<std::string> decoded = detail::percent_decode(detail::trim_ows(value));
  if (!decoded) return std::nullopt;
  return Baggage::Entry{std::move(key), std::move(*decoded), {}};
}

}  // namespace zspan
