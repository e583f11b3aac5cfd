#include "zspan/trace/baggage.hpp"

#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/internal/text.hpp"

#include <algorithm>
#include <array>
#include <atomic>

namespace zspan {
namespace {

std::size_t encoded_size(std::string_view value) noexcept {
  std::size_t size = 0;
  for (char c : value) size += is_sent_unescaped(c) ? 1 : 3;
  return size;
}

constexpr std::size_t kResults = static_cast<std::size_t>(BaggageResult::kNoSpan) + 1;
constinit std::array<std::atomic<std::uint64_t>, kResults> g_refused{};
constinit RateLimitedWarning g_unparsable_read("zspan: baggage value not of its key's type, read as nothing");

std::uint64_t refused(BaggageResult result) noexcept {
  return g_refused[static_cast<std::size_t>(result)].load(std::memory_order_relaxed);
}

}  // namespace

std::string_view to_string(BaggageResult result) noexcept {
  switch (result) {
    case BaggageResult::kOk: return "ok";
    case BaggageResult::kEntryTooLong: return "entry too long";
    case BaggageResult::kTooManyEntries: return "too many entries";
    case BaggageResult::kTotalTooLarge: return "total too large";
    case BaggageResult::kInvalidKey: return "invalid key";
    case BaggageResult::kOutOfMemory: return "out of memory";
    case BaggageResult::kNoSpan: return "no span";
  }
  return "unknown";
}

bool Baggage::valid_key(std::string_view key) noexcept { return detail::is_token(key); }

std::size_t Baggage::header_bytes(const Entry& entry) noexcept {
  return entry.key.size() + 1 + encoded_size(entry.value) + (entry.metadata.empty() ? 0 : 1 + entry.metadata.size());
}

std::size_t Baggage::header_bytes() const noexcept {
  std::size_t total = entries_.empty() ? 0 : entries_.size() - 1;  // the commas
  for (const Entry& e : entries_) total += header_bytes(e);
  return total;
}

BaggageResult Baggage::set(detail::SharedRef<const Baggage>& baggage, std::string_view key, std::string_view value) noexcept {
  try {
    BaggageBuilder builder(baggage);
    const BaggageResult result = builder.add({std::string(key), std::string(value), {}});
    if (result != BaggageResult::kOk) return detail::count_baggage_refusal(result);
    baggage = std::move(builder).build();
    return BaggageResult::kOk;
  } catch (...) {
    return detail::count_baggage_refusal(BaggageResult::kOutOfMemory);
  }
}

BaggageBudget::BaggageBudget(const Baggage& start) noexcept
    : members_(start.entries().size()), bytes_(start.header_bytes()) {}

BaggageResult BaggageBudget::take(std::size_t bytes, std::optional<std::size_t> replaced_bytes) noexcept {
  const std::size_t members = replaced_bytes ? members_ : members_ + 1;
  const std::size_t total = replaced_bytes ? bytes_ - *replaced_bytes + bytes : bytes_ + (members_ != 0) + bytes;
  if (bytes > kBaggageMaxEntryBytes) return BaggageResult::kEntryTooLong;
  if (members > kBaggageMaxEntries) return BaggageResult::kTooManyEntries;
  if (total > kBaggageMaxBytes) return BaggageResult::kTotalTooLarge;
  members_ = members;
  bytes_ = total;
  return BaggageResult::kOk;
}

BaggageBuilder::BaggageBuilder(detail::SharedRef<const Baggage> start) : start_(std::move(start)) {
  if (!start_) return;
  entries_ = start_->entries();
  budget_ = BaggageBudget(*start_);
}

BaggageResult BaggageBuilder::add(Baggage::Entry entry) {
  if (!Baggage::valid_key(entry.key)) return BaggageResult::kInvalidKey;
  const auto same_key = std::find_if(entries_.begin(), entries_.end(), [&](const Baggage::Entry& e) { return e.key == entry.key; });
  const bool replaces = same_key != entries_.end();
  const BaggageResult result = budget_.take(Baggage::header_bytes(entry),
                                            replaces ? std::optional(Baggage::header_bytes(*same_key)) : std::nullopt);
  if (result != BaggageResult::kOk) return result;
  if (replaces)
    *same_key = std::move(entry);
  else
    entries_.push_back(std::move(entry));
  added_ = true;
  return result;
}

detail::SharedRef<const Baggage> BaggageBuilder::build() && {
  if (!added_) return std::move(start_);
  return detail::SharedRef<const Baggage>::adopt(new Baggage(std::move(entries_)));
}

BaggageStats baggage_stats() noexcept {
  BaggageStats s;
  s.entry_too_long = refused(BaggageResult::kEntryTooLong);
  s.too_many_entries = refused(BaggageResult::kTooManyEntries);
  s.total_too_large = refused(BaggageResult::kTotalTooLarge);
  s.invalid_key = refused(BaggageResult::kInvalidKey);
  s.out_of_memory = refused(BaggageResult::kOutOfMemory);
  s.no_span = refused(BaggageResult::kNoSpan);
  s.unparsable_reads = g_unparsable_read.count();  // each emit counts, written or held back
  return s;
}

namespace detail {
BaggageResult count_baggage_refusal(BaggageResult result) noexcept {
  g_refused[static_cast<std::size_t>(result)].fetch_add(1, std::memory_order_relaxed);
  return result;
}

void count_unparsable_baggage(std::string_view key) noexcept {
  g_unparsable_read.emit("key {}", key);
}
}  // namespace detail

}  // namespace zspan
