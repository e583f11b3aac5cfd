#include "zspan/trace/env.hpp"

#include <charconv>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/internal/text.hpp"

namespace zspan::env {
namespace {

// One warning per variable name, so that one bad variable cannot hide another's line.
struct NamedWarning {
  explicit NamedWarning(std::string name) : title("zspan: bad " + name), warning(title) {}
  std::string title;
  RateLimitedWarning warning;
};

RateLimitedWarning& warning_for(std::string_view name) {
  static std::mutex mutex;
  static auto* warnings = new std::map<std::string, std::unique_ptr<NamedWarning>, std::less<>>;  // never freed: used at exit
  const std::lock_guard lock(mutex);
  auto it = warnings->find(name);
  if (it == warnings->end())
    it = warnings->emplace(std::string(name), std::make_unique<NamedWarning>(std::string(name))).first;
  return it->second->warning;
}

}  // namespace

std::optional<std::string> value(std::string_view name) noexcept {
  try {
    const char* raw = std::getenv(std::string(name).c_str());
    if (!raw) return std::nullopt;
    const std::string_view trimmed = zspan::detail::trim_ows(raw);
    if (trimmed.empty()) return std::nullopt;
    return std::string(trimmed);
  } catch (...) {
    return std::nullopt;
  }
}

void bad_value(std::string_view name, std::string_view value, std::string_view why, std::string_view used) noexcept {
  try {
    warning_for(name).emit("{}=\"{}\" {}; using {}", name, value.substr(0, 200), why, used);
  } catch (...) {
    // Out of memory: the line is lost, the setting still falls back.
  }
}

namespace {
std::optional<std::uint64_t> whole_number(std::string_view text) noexcept {
  std::uint64_t parsed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (error == std::errc() && end == text.data() + text.size()) return parsed;
  return std::nullopt;
}
}  // namespace

std::uint64_t positive(std::string_view name, std::uint64_t fallback) noexcept {
  const std::optional<std::string> text = value(name);
  if (!text) return fallback;
  if (const std::optional<std::uint64_t> parsed = whole_number(*text); parsed && *parsed > 0) return *parsed;
  bad_value(name, *text, "is not a positive whole number", std::to_string(fallback));
  return fallback;
}

std::optional<std::uint64_t> limit(std::string_view name, std::optional<std::uint64_t> fallback) noexcept {
  const std::optional<std::string> text = value(name);
  if (!text) return fallback;
  if (const std::optional<std::uint64_t> parsed = whole_number(*text)) return parsed;
  bad_value(name, *text, "is not a whole number", fallback ? std::to_string(*fallback) : "no limit");
  return fallback;
}

std::chrono::milliseconds millis(std::string_view name, std::chrono::milliseconds fallback) noexcept {
  const std::optional<std::string> text = value(name);
  if (!text) return fallback;
  std::int64_t parsed = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), parsed);
  if (error == std::errc() && end == text->data() + text->size() && parsed > 0) return std::chrono::milliseconds(parsed);
  bad_value(name, *text, "is not a positive whole number of milliseconds", std::to_string(fallback.count()));
  return fallback;
}

bool is_http_url(std::string_view url) noexcept {
  for (std::string_view scheme : {"http://", "https://"})
    if (url.size() > scheme.size() && zspan::detail::equals_ignoring_case(url.substr(0, scheme.size()), scheme)) return true;
  return false;
}

std::string http_url(std::string_view name, std::string fallback) noexcept {
  std::optional<std::string> url = value(name);
  if (!url) return fallback;
  if (is_http_url(*url)) return std::move(*url);
  bad_value(name, *url, "is not an http:// or https:// URL", fallback);
  return fallback;
}

std::vector<std::pair<std::string, std::string>> key_values(std::string_view name) noexcept {
  std::vector<std::pair<std::string, std::string>> out;
  try {
    const std::optional<std::string> list = value(name);
    std::string_view rest = list ? std::string_view(*list) : std::string_view();
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view member = zspan::detail::trim_ows(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (member.empty()) continue;
      const std::size_t eq = member.find('=');
      std::optional<std::string> key, decoded;
      if (eq != std::string_view::npos) {
        key = zspan::detail::percent_decode(zspan::detail::trim_ows(member.substr(0, eq)));
        decoded = zspan::detail::percent_decode(zspan::detail::trim_ows(member.substr(eq + 1)));
      }
      if (key && !key->empty() && decoded) {
        out.emplace_back(std::move(*key), std::move(*decoded));
      } else {
        bad_value(name, member, "is not key=value with a non-empty key, percent-encoded", "the other members");
      }
    }
  } catch (...) {
    // Out of memory: the members read so far.
  }
  return out;
}

}  // namespace zspan::env
