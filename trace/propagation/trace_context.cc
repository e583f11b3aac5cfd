#include "zspan/trace/propagation/trace_context.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <memory>

#include "zspan/trace/internal/text.hpp"

namespace zspan {

namespace {

// §3.3.1.3.1: at most 32 list-members.
constexpr std::size_t kMaxTraceStateMembers = 32;

// The value of a lower-case hex digit (HEXDIGLC, §3.2.2); 0xff for any other byte.
constexpr std::uint8_t lower_hex_digit(char c) noexcept {
  const auto digit = static_cast<std::uint8_t>(c - '0');
  const auto letter = static_cast<std::uint8_t>(c - 'a');
  return digit < 10 ? digit : letter < 6 ? static_cast<std::uint8_t>(letter + 10) : 0xff;
}

// Eight nibbles, one per byte with the first in the lowest, packed into 32 bits: pairwise
// to 4 x 8 bits, 2 x 16, 1 x 32.
std::uint32_t pack_nibbles(std::uint64_t x) noexcept {
  if constexpr (std::endian::native == std::endian::big) x = __builtin_bswap64(x);
  x = ((x << 4) | (x >> 8)) & 0x00ff00ff00ff00ff;
  x = ((x << 8) | (x >> 16)) & 0x0000ffff0000ffff;
  return static_cast<std::uint32_t>((x << 16) | (x >> 32));
}

// Sixteen lower-case hex digits: their value; any other byte sets bits of `invalid`. The
// loop over bytes is one that compilers turn into a few vector instructions.
std::uint64_t lower_hex16(const char* at, std::uint64_t& invalid) noexcept {
  std::uint8_t nibbles[16];
  for (int i = 0; i < 16; ++i) nibbles[i] = lower_hex_digit(at[i]);
  std::uint64_t first, second;
  std::memcpy(&first, nibbles, sizeof(first));
  std::memcpy(&second, nibbles + 8, sizeof(second));
  invalid |= (first | second) & 0xf0f0f0f0f0f0f0f0;
  return std::uint64_t{pack_nibbles(first)} << 32 | pack_nibbles(second);
}

// The classes of tracestate bytes, one bit each (§3.3.1.3).
constexpr std::uint8_t kLcAlpha = 1;  // starts a simple-key, a tenant-id or a system-id
constexpr std::uint8_t kDigit = 2;    // also starts a tenant-id
constexpr std::uint8_t kKeyChar = 4;  // lcalpha / DIGIT / "_" / "-" / "*" / "/"
constexpr std::uint8_t kNblkChr = 8;  // %x21-2B / %x2D-3C / %x3E-7E
constexpr auto kTraceStateClass = [] {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0x21; c <= 0x7e; ++c)
    if (c != ',' && c != '=') table[c] |= kNblkChr;
  for (int c = 'a'; c <= 'z'; ++c) table[c] |= kLcAlpha | kKeyChar;
  for (int c = '0'; c <= '9'; ++c) table[c] |= kDigit | kKeyChar;
  for (char c : {'_', '-', '*', '/'}) table[static_cast<unsigned char>(c)] |= kKeyChar;
  return table;
}();
std::uint8_t tracestate_class(char c) noexcept { return kTraceStateClass[static_cast<unsigned char>(c)]; }

// The first byte from `p` on that is not an nblk-chr, or `end`: eight bytes at a time
// while eight remain, then one at a time.
const char* skip_nblk_chrs(const char* p, const char* end) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101, kHigh = kOnes * 0x80, kLow7 = ~kHigh;
  // The high bit of each byte that is zero (no carry crosses bytes).
  const auto zero_bytes = [](std::uint64_t v) { return ~(((v & kLow7) + kLow7) | v) & kHigh; };
  for (; end - p >= 8; p += 8) {
    std::uint64_t x;
    std::memcpy(&x, p, sizeof(x));
    const std::uint64_t low7 = x & kLow7;
    // The high bit of each byte that is no nblk-chr: below 0x21, from 0x7f up, "," or "=".
    const std::uint64_t others = (x | ~(low7 + kOnes * (0x80 - 0x21)) | (low7 + kOnes) | zero_bytes(x ^ kOnes * ',') |
                                  zero_bytes(x ^ kOnes * '=')) &
                                 kHigh;
    if (others != 0)
      return p + (std::endian::native == std::endian::little ? std::countr_zero(others) : std::countl_zero(others)) / 8;
  }
  while (p != end && (tracestate_class(*p) & kNblkChr)) ++p;
  return p;
}

// Reads the list-member at `p` (after its leading OWS) up to the comma that ends it or
// `end`, with its trailing OWS; false when it is invalid.
// §3.3.1.3.1:
//   list-member = key "=" value
//   key = simple-key / multi-tenant-key
//   simple-key = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//   multi-tenant-key = tenant-id "@" system-id
//   tenant-id = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//   system-id = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
// §3.3.1.3.2:
//   value = 0*255(chr) nblk-chr
//   nblk-chr = %x21-2B / %x2D-3C / %x3E-7E      (printable, without "," and "=")
//   chr = %x20 / nblk-chr
bool read_tracestate_member(const char*& p, const char* end, TraceState::Member& member) noexcept {
  const auto skip_key_chars = [&p, end] {
    const char* const start = p;
    while (p != end && (tracestate_class(*p) & kKeyChar)) ++p;
    return static_cast<std::size_t>(p - start);
  };
  const char* const key = p;
  const std::size_t head = skip_key_chars();
  bool valid_key;
  if (p != end && *p == '@') {
    const char* const system = ++p;
    const std::size_t system_size = skip_key_chars();
    valid_key = head >= 1 && head <= 241 && (tracestate_class(*key) & (kLcAlpha | kDigit)) && system_size >= 1 &&
                system_size <= 14 && (tracestate_class(*system) & kLcAlpha);
  } else {
    valid_key = head >= 1 && head <= 256 && (tracestate_class(*key) & kLcAlpha);
  }
  if (!valid_key || p == end || *p != '=') return false;
  member.key = std::string_view(key, static_cast<std::size_t>(p - key));

  const char* const value = ++p;
  const char* value_end;  // after the last nblk-chr: spaces before it are the value's, after it OWS
  while (true) {
    p = skip_nblk_chrs(p, end);
    value_end = p;
    while (p != end && *p == ' ') ++p;
    if (p == end || *p == ',') break;
    if (*p == '\t') {  // OWS: nothing else may follow before the comma
      while (p != end && detail::is_ows(*p)) ++p;
      if (p != end && *p != ',') return false;
      break;
    }
    if (!(tracestate_class(*p) & kNblkChr)) return false;
    ++p;
  }
  member.value = std::string_view(value, static_cast<std::size_t>(value_end - value));
  return !member.value.empty() && member.value.size() <= 256;
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
  const char* p = line.data();
  const char* const end = p + line.size();
  while (true) {
    // §3.3.1.1: OWS around list-members; empty and white-space-only ones are skipped.
    while (p != end && detail::is_ows(*p)) ++p;
    if (p != end && *p != ',') {
      TraceState::Member member;
      if (!read_tracestate_member(p, end, member)) return false;
      // §3.3.1.3: keys are unique. A list that repeats one is passed on with the first
      // (left-most, most recent) member of the key; the later ones are dropped and counted.
      bool repeated = false;
      for (const TraceState::Member& m : parsed.view()) repeated |= m.key == member.key;
      if (repeated) {
        ++parsed.duplicates;
      } else {
        if (parsed.size == kMaxTraceStateMembers) return false;
        std::construct_at(parsed.members + parsed.size++, member);
      }
    }
    if (p == end) return true;
    ++p;  // the comma
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
  const char* const at = value.data();
  std::uint64_t invalid = 0;
  const TraceId trace_id{lower_hex16(at + 3, invalid), lower_hex16(at + 19, invalid)};
  const SpanId parent_id{lower_hex16(at + 36, invalid)};
  const std::uint8_t flags_high = lower_hex_digit(at[53]), flags_low = lower_hex_digit(at[54]);
  invalid |= (flags_high | flags_low) & 0xf0;
  const auto flags = static_cast<std::uint8_t>(flags_high << 4 | flags_low);
  if (invalid || !trace_id.valid() || !parent_id.valid()) return std::nullopt;
  // §3.2.2.5: version 00 defines `sampled` and (Level 2) `random`; others are not kept.
  return TraceParent{trace_id, parent_id, TraceFlags{static_cast<std::uint8_t>(flags & TraceFlags::kW3C)}};
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
