#include "zspan/instrument/http/route.hpp"

#include <array>
#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "zspan/trace/diagnostics.hpp"

namespace zspan::http {
namespace {

struct Method {
  std::string_view name;
  Callsite callsite;
};

constexpr Callsite method_callsite(std::string_view name) noexcept {
  return {name, "zspan::http::Route", __FILE__, __LINE__, Level::kInfo};
}

constexpr std::array<Method, 10> kMethods{{
    {"GET", method_callsite("GET")},
    {"HEAD", method_callsite("HEAD")},
    {"POST", method_callsite("POST")},
    {"PUT", method_callsite("PUT")},
    {"DELETE", method_callsite("DELETE")},
    {"CONNECT", method_callsite("CONNECT")},
    {"OPTIONS", method_callsite("OPTIONS")},
    {"TRACE", method_callsite("TRACE")},
    {"PATCH", method_callsite("PATCH")},
    {"_OTHER", method_callsite("HTTP")},
}};
constexpr const Method& kOther = kMethods[9];

const Method& find_method(std::string_view name) noexcept {
  for (const Method& m : kMethods)
    if (m.name == name && &m != &kOther) return m;
  return kOther;
}

struct Named {
  std::string name;   // "GET /users/:id"
  Callsite callsite;  // views `name`
};

struct Table {
  std::mutex mutex;
  std::deque<Named> routes;  // never moves what it holds
  std::unordered_map<std::string_view, const Named*> by_name;
};

Table& table() {
  static Table* t = new Table;  // outlives every span that points into it: never destroyed
  return *t;
}

std::atomic<std::uint64_t> g_routes_not_named{0};
std::atomic<std::uint64_t> g_requests_refused{0};
std::atomic<std::uint64_t> g_headers_lost{0};
constinit RateLimitedWarning g_route_not_named("zspan: HTTP route not named (too many routes)");

}  // namespace

Route Route::of_method(std::string_view method) noexcept {
  const Method& m = find_method(method);
  return {&m.callsite, m.name, {}};
}

Route::Route(std::string_view method, std::string_view route) noexcept : Route(of_method(method)) {
  if (route.empty()) return;
  try {
    const std::string name = std::string(callsite_->name) + " " + std::string(route);
    Table& t = table();
    const std::lock_guard lock(t.mutex);
    auto found = t.by_name.find(name);
    if (found == t.by_name.end()) {
      if (t.routes.size() >= kMaxRoutes) {
        g_routes_not_named.fetch_add(1, std::memory_order_relaxed);
        g_route_not_named.emit("{}", name.substr(0, 128));
        return;
      }
      Named& named = t.routes.emplace_back(Named{name, {}});
      named.callsite = {named.name, "zspan::http::Route", __FILE__, __LINE__, Level::kInfo};
      found = t.by_name.emplace(named.name, &named).first;
    }
    callsite_ = &found->second->callsite;
    route_ = std::string_view(found->second->name).substr(callsite_->name.size() - route.size());
  } catch (...) {
    g_routes_not_named.fetch_add(1, std::memory_order_relaxed);
  }
}

HttpDrops http_drops() noexcept {
  return {g_routes_not_named.load(std::memory_order_relaxed), g_requests_refused.load(std::memory_order_relaxed),
          g_headers_lost.load(std::memory_order_relaxed)};
}

namespace detail {
void count_refused_request() noexcept { g_requests_refused.fetch_add(1, std::memory_order_relaxed); }
void count_lost_header() noexcept { g_headers_lost.fetch_add(1, std::memory_order_relaxed); }
}  // namespace detail

}  // namespace zspan::http
