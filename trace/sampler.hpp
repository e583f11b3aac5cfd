// Samplers decide, once per trace at its local root, whether its spans are recorded.
// Children inherit the decision through their context, so a sampler runs only where a
// trace starts in this process: a span with no parent, or one whose parent is remote.
//
// A sampler is any type with
//   bool should_sample(const SamplingInput&) noexcept;
// used as the first template argument of zspan::Tracer.
#pragma once

#include <concepts>

#include "trace/callsite.hpp"
#include "trace/ids.hpp"
#include "trace/span_context.hpp"

namespace zspan {

struct SamplingInput {
  TraceId trace_id;
  const Callsite* callsite;
  bool has_remote_parent;
  TraceFlags remote_parent_flags;  // meaningful when has_remote_parent
};

template <class S>
concept Sampler = requires(S& s, const SamplingInput& in) {
  { s.should_sample(in) } noexcept -> std::convertible_to<bool>;
};

struct AlwaysOnSampler {
  static constexpr bool should_sample(const SamplingInput&) noexcept { return true; }
};

struct AlwaysOffSampler {
  static constexpr bool should_sample(const SamplingInput&) noexcept { return false; }
};

}  // namespace zspan
