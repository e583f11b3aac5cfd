// Baggage: key/values that every descendant of a span can read, in this process and in
// others (W3C Baggage). Immutable: setting an entry makes a new Baggage, so a child that
// started earlier keeps the baggage it started with. Never exported as span data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/shared_ref.hpp"

namespace zspan {

class Baggage final : public RefCounted {
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

 private:
  std::vector<Entry> entries_;
};

}  // namespace zspan
