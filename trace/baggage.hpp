// Baggage: key/values that every descendant of a span can read, in this process and in
// others (W3C Baggage). Immutable: setting an entry makes a new Baggage, so a child that
// started earlier keeps the baggage it started with. Never exported as span data.
//
//   zspan::SharedRef<const zspan::Baggage> bag;               // null: no baggage, no cost
//   zspan::BaggageResult r = zspan::Baggage::set(bag, "tenant", "acme");
//   std::optional<std::string_view> tenant = bag->find("tenant");
//
// Limits follow W3C Baggage §3.3.2: a platform must propagate all list-members while
// there are at most 64 of them in at most 8192 bytes of baggage-string, may drop members
// beyond that, and must not send part of one; so those are the limits of one context's
// baggage. The per list-member cap of 4096 bytes is the earlier draft's, still used by
// OpenTelemetry SDKs. Sizes are those of the header: key=value;properties with the value
// percent-encoded, and a comma between members.
//
// One rule for every way baggage is made or sent: BaggageBudget holds the limits while a
// baggage-string grows member by member, and BaggageBuilder (a set, and extraction in every
// format, from any number of header lines) and the injectors go through it. A refused set
// leaves the baggage as it was and is counted (baggage_stats); what propagation leaves
// out is counted in propagation_drops().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zspan/trace/internal/shared_ref.hpp"

namespace zspan {

inline constexpr std::size_t kBaggageMaxEntries = 64;
inline constexpr std::size_t kBaggageMaxBytes = 8192;       // the whole baggage-string
inline constexpr std::size_t kBaggageMaxEntryBytes = 4096;  // one list-member

// W3C Baggage §3.2.1: baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
// (printable US-ASCII without space, DQUOTE, comma, semicolon and backslash).
constexpr bool is_baggage_octet(char c) noexcept {
  return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}
// A value byte sent as it is; any other is percent-encoded (§3.2.1.3), '%' too, or it
// would read as an escape.
constexpr bool is_sent_unescaped(char c) noexcept { return is_baggage_octet(c) && c != '%'; }

enum class BaggageResult : std::uint8_t {
  kOk,
  kEntryTooLong,    // key=value over kBaggageMaxEntryBytes
  kTooManyEntries,  // a new key beyond kBaggageMaxEntries
  kTotalTooLarge,   // the baggage-string would exceed kBaggageMaxBytes
  kInvalidKey,      // not a W3C token (RFC 7230 tchar: letters, digits, !#$%&'*+-.^_`|~)
  kOutOfMemory,
  kNoSpan,  // no current span to carry it: none, a remote or captured context, or tracing compiled out
};
std::string_view to_string(BaggageResult result) noexcept;

class Baggage final : public detail::RefCounted {
 public:
  struct Entry {
    std::string key;
    std::string value;
    std::string metadata;  // W3C "properties" after the value, kept verbatim
  };

  Baggage() = default;
  explicit Baggage(std::vector<Entry> entries) : entries_(std::move(entries)) {}

  std::optional<std::string_view> find(std::string_view key) const noexcept {
    for (const Entry& e : entries_)
      if (e.key == key) return std::string_view(e.value);
    return std::nullopt;
  }
  const std::vector<Entry>& entries() const noexcept { return entries_; }

  static bool valid_key(std::string_view key) noexcept;
  // Bytes the entry takes in a baggage header (key=value;metadata), and the whole list.
  static std::size_t header_bytes(const Entry& entry) noexcept;
  std::size_t header_bytes() const noexcept;

  // Makes `baggage` a new Baggage with `key` set to `value` (replacing an entry of that
  // key), or leaves it alone and says why not. Never throws.
  static BaggageResult set(detail::SharedRef<const Baggage>& baggage, std::string_view key, std::string_view value) noexcept;

 private:
  std::vector<Entry> entries_;
};

// The W3C limits on a baggage-string made one list-member at a time (a Baggage being
// built, or a header being written): a member is taken whole or not at all.
class BaggageBudget {
 public:
  BaggageBudget() = default;
  // What `start` already takes, as it is. Over the limits (a Baggage made directly from
  // entries), it takes only what brings it back within them.
  explicit BaggageBudget(const Baggage& start) noexcept;

  // Takes a member of `bytes` (key=value;properties as written), in place of one of
  // `replaced_bytes` when it replaces one; or says which limit it would break and takes
  // nothing.
  BaggageResult take(std::size_t bytes, std::optional<std::size_t> replaced_bytes = std::nullopt) noexcept;

 private:
  std::size_t members_ = 0;
  std::size_t bytes_ = 0;  // the members and the commas between them
};

// A Baggage made from entries that arrive one by one (a set; members extracted from any
// number of header lines, in any format), within the limits. An entry replaces the one of
// its key, in its place; an entry the limits refuse leaves the others as they were.
class BaggageBuilder {
 public:
  // Starts from `start` (null: no baggage), taken as it is.
  explicit BaggageBuilder(detail::SharedRef<const Baggage> start);

  // Adds `entry`, or says why not. Throws std::bad_alloc only.
  BaggageResult add(Baggage::Entry entry);
  // The baggage made: `start` itself when nothing was added. Throws std::bad_alloc only.
  detail::SharedRef<const Baggage> build() &&;

 private:
  detail::SharedRef<const Baggage> start_;
  std::vector<Baggage::Entry> entries_;
  BaggageBudget budget_;
  bool added_ = false;
};

// Since the process started: sets refused, by reason, and typed reads that found a value
// not of their key's type (instrument/baggage_key.hpp).
struct BaggageStats {
  std::uint64_t entry_too_long = 0;
  std::uint64_t too_many_entries = 0;
  std::uint64_t total_too_large = 0;
  std::uint64_t invalid_key = 0;
  std::uint64_t out_of_memory = 0;
  std::uint64_t no_span = 0;
  std::uint64_t unparsable_reads = 0;
};
BaggageStats baggage_stats() noexcept;

namespace detail {
// Counts a refused set and passes its result through.
BaggageResult count_baggage_refusal(BaggageResult result) noexcept;
// Counts a typed read of `key` that found a value not of the key's type, and says so on
// stderr (rate-limited).
void count_unparsable_baggage(std::string_view key) noexcept;
}  // namespace detail

}  // namespace zspan
