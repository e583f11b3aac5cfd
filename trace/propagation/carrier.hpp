// Carriers: the header containers propagators read from and write to.
//
//   std::map<std::string, std::string> headers;      // or std::unordered_map, a vector of
//   zspan::inject(headers);                          // pairs, a case-insensitive map...
//   zspan::SpanContext remote = zspan::extract(headers);
//
//   // Any other HTTP library: a visitor over its headers, and a setter.
//   auto carrier = zspan::callback_carrier(
//       [&](auto&& on_header) { for (auto& f : request) on_header(f.name_string(), f.value()); },
//       [&](std::string_view name, std::string_view value) { request.set(name, value); });
//
// Reading visits every header and compares names case-insensitively (RFC 9110 §5.1): a
// std::map filled with "Traceparent" works, and a header sent twice is seen twice (W3C
// Trace Context §3.2 and §3.3.1 treat duplicates differently). Requests carry tens of
// headers, so one scan per format costs less than a lookup per header name would.
#pragma once

#include <concepts>
#include <ranges>
#include <string_view>
#include <type_traits>
#include <utility>

#include "zspan/trace/propagation/header_text.hpp"

namespace zspan {

struct NoHeaderSetter {
  void operator()(std::string_view, std::string_view) const noexcept {}
};

// visit(on_header) calls on_header(name, value) for each header; set(name, value) adds
// or replaces one. An extract-only carrier leaves `set` out.
template <class Visit, class Set = NoHeaderSetter>
struct CallbackCarrier {
  Visit visit;
  Set set;
};

template <class Visit, class Set = NoHeaderSetter>
CallbackCarrier<Visit, Set> callback_carrier(Visit visit, Set set = {}) {
  return {std::move(visit), std::move(set)};
}

namespace detail {
template <class T>
inline constexpr bool is_callback_carrier = false;
template <class V, class S>
inline constexpr bool is_callback_carrier<CallbackCarrier<V, S>> = true;

template <class E>
concept HeaderPair = requires(const E& e) {
  std::string_view(e.first);
  std::string_view(e.second);
};

template <class C>
concept HeaderRange = std::ranges::input_range<const C> && HeaderPair<std::ranges::range_value_t<const C>>;

template <class C>
concept HeaderMap = HeaderRange<C> && requires(C& c, std::string_view v) {
  typename C::key_type;
  c.try_emplace(typename C::key_type(v)).first->second = v;
};

template <class C>
concept HeaderVector = HeaderRange<C> && !HeaderMap<C> && requires(C& c, std::string_view v) {
  c.emplace_back(v, v);
  c.begin()->second = v;
};
}  // namespace detail

template <class C>
concept ReadableCarrier = detail::is_callback_carrier<C> || detail::HeaderRange<C>;

template <class C>
concept WritableCarrier = detail::is_callback_carrier<C> || detail::HeaderMap<C> || detail::HeaderVector<C>;

// Calls on_header(name, value) for every header of the carrier, in its order.
template <ReadableCarrier C, class OnHeader>
void visit_headers(const C& carrier, OnHeader&& on_header) {
  if constexpr (detail::is_callback_carrier<C>) {
    carrier.visit([&](std::string_view name, std::string_view value) { on_header(name, value); });
  } else {
    for (const auto& [name, value] : carrier) on_header(std::string_view(name), std::string_view(value));
  }
}

// Adds `name: value`, replacing a header of that exact name (a case-insensitive map
// replaces any spelling; in a vector of pairs any spelling is replaced).
template <WritableCarrier C>
void set_header(C& carrier, std::string_view name, std::string_view value) {
  if constexpr (detail::is_callback_carrier<C>) {
    carrier.set(name, value);
  } else if constexpr (detail::HeaderMap<C>) {
    carrier.try_emplace(typename C::key_type(name)).first->second = value;
  } else {
    for (auto& [n, v] : carrier) {
      if (header_name_equals(n, name)) {
        v = value;
        return;
      }
    }
    carrier.emplace_back(name, value);
  }
}

}  // namespace zspan
