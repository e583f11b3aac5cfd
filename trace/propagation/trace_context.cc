#include "zspan/trace/propagation/trace_context.hpp"

#include <array>
#include <memory>

namespace zspan {

namespace {

// §3.3.1.3.1: at most 32 list-members.
constexpr std::size_t kMaxTraceStateMembers = 32;

// HEXDIGLC (§3.2.2): the value of a lower-case hex digit, 0xff for any other byte.
constexpr auto kLowerHex = [] {
  std::array<std::uint8_t, 256> table{};
  table.fill(0xff);
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<std::uint8_t>(c - 'a' + 10);
  return table;
}();

// `digits` lower-case hex digits in one pass; nullopt on any other byte.
std::optional<std::uint64_t> parse_lower_hex(const char* at, int digits) noexcept {
  std::uint64_t value = 0;
  std::uint8_t invalid = 0;
  for (int i = 0; i < digits; ++i) {
    const std::uint8_t d = kLowerHex[static_cast<unsigned char>(at[i])];
    invalid |= d & 0xf0;
    value = (value << 4) | (d & 0x0f);
  }
  if (invalid) return std::nullopt;
  return value;
}

bool is_key_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' || c == '/';
}
bool all_key_chars(std::string_view s) noexcept {
  for (char c : s)
    if (!is_key_char(c)) return false;
  return true;
}

// §3.3.1.3.1:
//   key = simple-key / multi-tenant-key
//   simple-key = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//   multi-tenant-key = tenant-id "@" system-id
//   tenant-id = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//   system-id = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
bool valid_tracestate_key(std::string_view key) noexcept {
  const auto lcalpha = [](char c) { return c >= 'a' && c <= 'z'; };
  const std::size_t at = key.find('@');
  if (at == std::string_view::npos)
    return !key.empty() && key.size() <= 256 && lcalpha(key[0]) && all_key_chars(key);
  const std::string_view tenant = key.substr(0, at);
  const std::string_view system = key.substr(at + 1);
  return !tenant.empty() && tenant.size() <= 241 && (lcalpha(tenant[0]) || (tenant[0] >= '0' && tenant[0] <= '9')) &&
         all_key_chars(tenant) && !system.empty() && system.size() <= 14 && lcalpha(system[0]) && all_key_chars(system);
}

// §3.3.1.3.2:
//   value = 0*255(chr) nblk-chr
//   nblk-chr = %x21-2B / %x2D-3C / %x3E-7E      (printable, without "," and "=")
//   chr = %x20 / nblk-chr
bool valid_tracestate_value(std::string_view value) noexcept {
  if (value.empty() || value.size() > 256 || value.back() == ' ') return false;
  for (char c : value)
    if (c < 0x20 || c > 0x7e || c == ',' || c == '=') return false;
  return true;
}

// The list-members parsed so far, viewing the header lines.
struct ParsedMembers {
  // Left uninitialized: zeroing 32 members would cost as much as parsing a short list.
  ParsedMembers() noexcept {}
  std::span<const TraceState::Member> view() const noexcept { return {members, size}; }

  union {
    TraceState::Member members[kMaxTraceStateMembers];
  };
  std::size_t size = 0;
  std::size_t duplicates = 0;  // members dropped for repeating an earlier key
};

// Appends the members of one header line; false when the line is invalid.
bool parse_tracestate_line(std::string_view line, ParsedMembers& parsed) noexcept {
  while (true) {
    const std::size_t comma = line.find(',');
    // §3.3.1.1: empty and white-space-only list-members are allowed and skipped.
    const std::string_view member = detail::trim_ows(line.substr(0, comma));
    if (!member.empty()) {
      const std::size_t eq = member.find('=');
      if (eq == std::string_view::npos) return false;
      const std::string_view key = member.substr(0, eq);
      const std::string_view value = member.substr(eq + 1);
      if (!valid_tracestate_key(key) || !valid_tracestate_value(value)) return false;
      // §3.3.1.3: keys are unique. A list that repeats one is passed on with the first
      // (left-most, most recent) member of the key; the later ones are dropped and counted.
      bool repeated = false;
      for (const TraceState::Member& m : parsed.view()) repeated |= m.key == key;
      if (repeated) {
        ++parsed.duplicates;
      } else {
        if (parsed.size == kMaxTraceStateMembers) return false;
        std::construct_at(parsed.members + parsed.size++, TraceState::Member{key, value});
      }
    }
    if (comma == std::string_view::npos) return true;
    line.remove_prefix(comma + 1);
  }
}

}  // namespace

std::optional<TraceParent> parse_traceparent(std::string_view value) noexcept {
  value = detail::trim_ows(value);
  // §3.2.2.1 (version = 2HEXDIGLC, ff invalid) and §4.3: a header shorter than version
  // 00's is not parsed, whatever its version.
  if (value.size() < kTraceParentSize) return std::nullopt;
  const std::string_view version = value.substr(0, 2);
  if (!is_lower_hex(version) || version == "ff" || value[2] != '-') return std::nullopt;
  // Version 00 is exactly 55 characters. A later version may append fields after a "-"
  // (§4.3: "the 2 characters [of flags] are either the end of the string or a dash").
  if (version == "00" ? value.size() != kTraceParentSize
                      : value.size() > kTraceParentSize && value[kTraceParentSize] != '-')
    return std::nullopt;
  // §3.2.2.3/§3.2.2.4: lower-case hex only; all-zero ids are invalid.
  if (value[35] != '-' || value[52] != '-') return std::nullopt;
  const std::optional<std::uint64_t> trace_high = parse_lower_hex(value.data() + 3, 16);
  const std::optional<std::uint64_t> trace_low = parse_lower_hex(value.data() + 19, 16);
  const std::optional<std::uint64_t> parent = parse_lower_hex(value.data() + 36, 16);
  const std::optional<std::uint64_t> flags = parse_lower_hex(value.data() + 53, 2);
  if (!trace_high || !trace_low || !parent || !flags) return std::nullopt;
  const TraceId trace_id{*trace_high, *trace_low};
  const SpanId parent_id{*parent};
  if (!trace_id.valid() || !parent_id.valid()) return std::nullopt;
  // §3.2.2.5: version 00 defines `sampled` and (Level 2) `random`; others are not kept.
  return TraceParent{trace_id, parent_id, TraceFlags{static_cast<std::uint8_t>(*flags & TraceFlags::kW3C)}};
}

void format_traceparent(TraceId trace_id, SpanId parent_id, TraceFlags flags, char (&out)[kTraceParentSize]) noexcept {
  constexpr char kDigits[] = "0123456789abcdef";
  const auto bits = static_cast<std::uint8_t>(flags.bits & TraceFlags::kW3C);
  out[0] = '0';
  out[1] = '0';
  out[2] = '-';
  trace_id.to_hex(out + 3);
  out[35] = '-';
  parent_id.to_hex(out + 36);
  out[52] = '-';
  out[53] = kDigits[bits >> 4];
  out[54] = kDigits[bits & 0xf];
}

detail::SharedRef<const TraceState> parse_tracestate(std::span<const std::string_view> values) noexcept {
  ParsedMembers parsed;
  for (std::string_view line : values) {
    if (!parse_tracestate_line(line, parsed)) {
      detail::g_tracestate_rejected.emit("{} bytes", line.size());
      return nullptr;
    }
  }
  if (parsed.duplicates > 0) detail::g_tracestate_duplicates.emit("{} member(s) dropped", parsed.duplicates);
  detail::SharedRef<const TraceState> state = TraceState::make(parsed.view());
  if (!state && parsed.size > 0) detail::g_tracestate_rejected.emit("out of memory");
  return state;
}

}  // namespace zspan
