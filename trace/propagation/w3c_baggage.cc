#include "trace/propagation/w3c_baggage.hpp"

#include <algorithm>
#include <optional>

#include "trace/propagation/drops.hpp"

namespace zspan {

namespace {

constexpr bool all_baggage_octets(std::string_view s) noexcept {
  for (char c : s)
    if (!is_baggage_octet(c)) return false;
  return true;
}

// §3.2.1.4: property = key OWS "=" OWS value / key OWS, separated by OWS ";" OWS.
bool valid_properties(std::string_view properties) noexcept {
  while (true) {
    const std::size_t semicolon = properties.find(';');
    const std::string_view property = properties.substr(0, semicolon);
    const std::size_t eq = property.find('=');
    if (!is_token(trim_ows(property.substr(0, eq)))) return false;
    if (eq != std::string_view::npos && !all_baggage_octets(trim_ows(property.substr(eq + 1)))) return false;
    if (semicolon == std::string_view::npos) return true;
    properties.remove_prefix(semicolon + 1);
  }
}

// list-member = key OWS "=" OWS value *( OWS ";" OWS property )
std::optional<Baggage::Entry> parse_member(std::string_view member) {
  const std::size_t semicolon = member.find(';');
  const std::string_view key_value = member.substr(0, semicolon);
  const std::size_t eq = key_value.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  const std::string_view key = trim_ows(key_value.substr(0, eq));
  const std::string_view raw_value = trim_ows(key_value.substr(eq + 1));
  if (!is_token(key) || !all_baggage_octets(raw_value)) return std::nullopt;
  std::optional<std::string> value = percent_decode(raw_value);
  if (!value) return std::nullopt;
  std::string metadata;
  if (semicolon != std::string_view::npos) {
    const std::string_view properties = trim_ows(member.substr(semicolon + 1));
    if (!valid_properties(properties)) return std::nullopt;
    metadata = properties;
  }
  return Baggage::Entry{std::string(key), std::move(*value), std::move(metadata)};
}

}  // namespace

void upsert_baggage_entry(std::vector<Baggage::Entry>& entries, Baggage::Entry entry) {
  for (Baggage::Entry& e : entries) {
    if (e.key == entry.key) {
      e = std::move(entry);
      return;
    }
  }
  entries.push_back(std::move(entry));
}

void parse_baggage(std::string_view line, std::vector<Baggage::Entry>& entries) {
  std::size_t bytes = 0;
  while (true) {
    const std::size_t comma = line.find(',');
    const std::string_view member = trim_ows(line.substr(0, comma));
    if (!member.empty()) {
      bytes += member.size() + 1;
      std::optional<Baggage::Entry> entry;
      if (bytes <= kBaggageMaxBytes && member.size() <= kBaggageMaxEntryBytes) entry = parse_member(member);
      const bool is_new_key =
          entry && std::none_of(entries.begin(), entries.end(), [&](const Baggage::Entry& e) { return e.key == entry->key; });
      if (!entry || (is_new_key && entries.size() == kBaggageMaxEntries))
        detail::g_baggage_dropped.emit("{} bytes", member.size());
      else
        upsert_baggage_entry(entries, std::move(*entry));
    }
    if (comma == std::string_view::npos) return;
    line.remove_prefix(comma + 1);
  }
}

std::string format_baggage(const Baggage& baggage) {
  std::string out;
  std::size_t members = 0;
  for (const Baggage::Entry& e : baggage.entries()) {
    const std::size_t start = out.size();
    if (start != 0) out += ',';
    out += e.key;
    out += '=';
    append_percent_encoded(out, e.value, is_sent_unescaped);
    if (!e.metadata.empty()) out.append(";").append(e.metadata);
    const bool valid = is_token(e.key) && (e.metadata.empty() || valid_properties(e.metadata));
    if (!valid || members == kBaggageMaxEntries || out.size() > kBaggageMaxBytes) {
      out.resize(start);
      detail::g_baggage_dropped.emit("{}", valid ? "over the W3C limits" : "invalid key or properties");
      continue;
    }
    ++members;
  }
  return out;
}

void merge_baggage(SharedRef<const Baggage>& into, std::vector<Baggage::Entry> entries) noexcept {
  if (entries.empty()) return;
  try {
    if (into) {
      std::vector<Baggage::Entry> merged = into->entries();
      for (Baggage::Entry& e : entries) upsert_baggage_entry(merged, std::move(e));
      entries = std::move(merged);
    }
    into = SharedRef<const Baggage>::make(std::move(entries));
  } catch (...) {
    detail::g_baggage_dropped.emit("out of memory");
  }
}

}  // namespace zspan
