#include "zspan/trace/propagation/w3c_baggage.hpp"

#include <optional>

#include "zspan/trace/propagation/drops.hpp"

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
    if (!detail::is_token(detail::trim_ows(property.substr(0, eq)))) return false;
    if (eq != std::string_view::npos && !all_baggage_octets(detail::trim_ows(property.substr(eq + 1)))) return false;
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
  const std::string_view key = detail::trim_ows(key_value.substr(0, eq));
  const std::string_view raw_value = detail::trim_ows(key_value.substr(eq + 1));
  if (!detail::is_token(key) || !all_baggage_octets(raw_value)) return std::nullopt;
  std::optional<std::string> value = detail::percent_decode(raw_value);
  if (!value) return std::nullopt;
  std::string metadata;
  if (semicolon != std::string_view::npos) {
    const std::string_view properties = detail::trim_ows(member.substr(semicolon + 1));
    if (!valid_properties(properties)) return std::nullopt;
    metadata = properties;
  }
  return Baggage::Entry{std::string(key), std::move(*value), std::move(metadata)};
}

}  // namespace

void parse_baggage(std::string_view line, BaggageBuilder& baggage) {
  while (true) {
    const std::size_t comma = line.find(',');
    const std::string_view member = detail::trim_ows(line.substr(0, comma));
    if (!member.empty()) {
      if (std::optional<Baggage::Entry> entry = parse_member(member))
        detail::count_baggage_drop(baggage.add(std::move(*entry)));
      else
        detail::g_baggage_dropped.emit("malformed, {} bytes", member.size());
    }
    if (comma == std::string_view::npos) return;
    line.remove_prefix(comma + 1);
  }
}

std::string format_baggage(const Baggage& baggage) {
  std::string out;
  BaggageBudget budget;
  for (const Baggage::Entry& e : baggage.entries()) {
    const std::size_t start = out.size();
    if (start != 0) out += ',';
    const std::size_t member_start = out.size();
    out += e.key;
    out += '=';
    append_percent_encoded(out, e.value, is_sent_unescaped);
    if (!e.metadata.empty()) out.append(";").append(e.metadata);
    const bool valid = detail::is_token(e.key) && (e.metadata.empty() || valid_properties(e.metadata));
    if (!valid) detail::g_baggage_dropped.emit("{}", "invalid key or properties");
    if (!valid || detail::count_baggage_drop(budget.take(out.size() - member_start)) != BaggageResult::kOk)
      out.resize(start);
  }
  return out;
}

namespace detail {
BaggageResult count_baggage_drop(BaggageResult result) noexcept {
  if (result != BaggageResult::kOk) g_baggage_dropped.emit("{}", to_string(result));
  return result;
}
}  // namespace detail

}  // namespace zspan
