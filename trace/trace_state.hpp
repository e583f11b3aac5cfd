// TraceState: the W3C `tracestate` list-members a trace carries from vendor to vendor.
// Immutable and shared by every span of the trace that inherits it.
//
//   const TraceState::Member members[] = {{"congo", "t61rcWkgMzE"}, {"rojo", "00f067aa0ba902b7"}};
//   zspan::SharedRef<const zspan::TraceState> state = zspan::TraceState::make(members);
//   state->header_value();                              // "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"
//   for (auto [key, value] : state->members()) ...      // views into the state itself
//
// A state is one allocation: the object, its members' views, then the header value they
// point into. An extract makes one per request, so this is its only allocation.
// Members are taken as given: parse_tracestate (trace/propagation/trace_context.hpp)
// validates what comes from other processes.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "zspan/trace/internal/shared_ref.hpp"

namespace zspan {

class TraceState final : public detail::RefCounted {
 public:
  struct Member {
    std::string_view key;
    std::string_view value;
  };

  // Null when `members` is empty (a trace without a state carries no object) or when
  // memory ran out.
  static detail::SharedRef<const TraceState> make(std::span<const Member> members) noexcept;

  std::span<const Member> members() const noexcept { return {members_, size_}; }
  // "key=value,key=value", ready to be sent as the tracestate header.
  std::string_view header_value() const noexcept { return header_value_; }

  TraceState(const TraceState&) = delete;
  TraceState& operator=(const TraceState&) = delete;
  // The allocation is the object and its trailing storage together, made by make().
  static void operator delete(void* state) noexcept { ::operator delete(state); }

 private:
  TraceState(const Member* members, std::size_t size, std::string_view header_value) noexcept
      : members_(members), size_(size), header_value_(header_value) {}

  const Member* members_;
  std::size_t size_;
  std::string_view header_value_;
};

}  // namespace zspan
