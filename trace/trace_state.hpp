// TraceState: the W3C `tracestate` list-members a trace carries from vendor to vendor.
// Immutable and shared by every span of the trace that inherits it.
#pragma once

#include <string>
#include <vector>

#include "trace/shared_ref.hpp"

namespace zspan {

class TraceState final : public RefCounted {
 public:
  struct Member {
    std::string key;
    std::string value;
  };

  TraceState() = default;
  explicit TraceState(std::vector<Member> members) : members_(std::move(members)) {}

  const std::vector<Member>& members() const noexcept { return members_; }

 private:
  std::vector<Member> members_;
};

}  // namespace zspan
