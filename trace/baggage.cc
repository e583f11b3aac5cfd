#include "trace/baggage.hpp"

#include "trace/text.hpp"

#include <array>
#include <atomic>

namespace zspan {
namespace {

std::size_t encoded_size(std::string_view value) noexcept {
  std::size_t size = 0;
  for (char c : value) size += is_sent_unescaped(c) ? 1 : 3;
  return size;
}
std::size_t entry_bytes(std::string_view key, std::string_view value, std::string_view metadata) noexcept {
  return key.size() + 1 + encoded_size(value) + (metadata.empty() ? 0 : 1 + metadata.size());
}

constexpr std::size_t kResults = static_cast<std::size_t>(BaggageResult::kNoSpan) + 1;
constinit std::array<std::atomic<std::uint64_t>, kResults> g_refused{};

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

bool Baggage::valid_key(std::string_view key) noexcept { return is_token(key); }

std::size_t Baggage::header_bytes(const Entry& entry) noexcept {
  return entry_bytes(entry.key, entry.value, entry.metadata);
}

std::size_t Baggage::header_bytes() const noexcept {
  std::size_t total = entries_.empty() ? 0 : entries_.size() - 1;  // the commas
  for (const Entry& e : entries_) total += header_bytes(e);
  return total;
}

BaggageResult Baggage::set(SharedRef<const Baggage>& baggage, std::string_view key, std::string_view value) noexcept {
  using detail::count_baggage_refusal;
  if (!valid_key(key)) return count_baggage_refusal(BaggageResult::kInvalidKey);
  const std::size_t new_bytes = entry_bytes(key, value, {});
  if (new_bytes > kBaggageMaxEntryBytes) return count_baggage_refusal(BaggageResult::kEntryTooLong);

  // What stays beside the new entry: every entry of another key, each with its comma.
  std::size_t others = 0;
  std::size_t others_bytes = 0;
  if (baggage) {
    for (const Entry& e : baggage->entries_) {
      if (e.key == key) continue;
      ++others;
      others_bytes += header_bytes(e) + 1;
    }
  }
  if (others + 1 > kBaggageMaxEntries) return count_baggage_refusal(BaggageResult::kTooManyEntries);
  if (others_bytes + new_bytes > kBaggageMaxBytes) return count_baggage_refusal(BaggageResult::kTotalTooLarge);

  try {
    std::vector<Entry> entries;
    entries.reserve(others + 1);
    bool replaced = false;
    if (baggage) {
      for (const Entry& e : baggage->entries_) {
        if (e.key != key) {
          entries.push_back(e);
        } else if (!replaced) {  // the entry keeps its place in the list
          entries.push_back({e.key, std::string(value), {}});
          replaced = true;
        }
      }
    }
    if (!replaced) entries.push_back({std::string(key), std::string(value), {}});
    SharedRef<const Baggage> made = SharedRef<const Baggage>::make(std::move(entries));
    if (!made) return count_baggage_refusal(BaggageResult::kOutOfMemory);
    baggage = std::move(made);
    return BaggageResult::kOk;
  } catch (...) {
    return count_baggage_refusal(BaggageResult::kOutOfMemory);
  }
}

BaggageStats baggage_stats() noexcept {
  BaggageStats s;
  s.entry_too_long = refused(BaggageResult::kEntryTooLong);
  s.too_many_entries = refused(BaggageResult::kTooManyEntries);
  s.total_too_large = refused(BaggageResult::kTotalTooLarge);
  s.invalid_key = refused(BaggageResult::kInvalidKey);
  s.out_of_memory = refused(BaggageResult::kOutOfMemory);
  s.no_span = refused(BaggageResult::kNoSpan);
  return s;
}

namespace detail {
BaggageResult count_baggage_refusal(BaggageResult result) noexcept {
  g_refused[static_cast<std::size_t>(result)].fetch_add(1, std::memory_order_relaxed);
  return result;
}
}  // namespace detail

}  // namespace zspan
