// The current trace and span ids on every spdlog line: a pattern flag for spdlog's
// pattern_formatter. (Bazel: //instrument/log:spdlog.)
//
//   auto formatter = std::make_unique<spdlog::pattern_formatter>();
//   formatter->add_flag<zspan::SpdlogIdsFlag>('*').set_pattern("[%l] %v %*");
//   logger->set_formatter(std::move(formatter));
//   logger->info("charged");   // [info] charged trace_id=4bf92f35... span_id=00f067aa...
//
// The flag writes "trace_id=<32 hex> span_id=<16 hex>" of the span current on the thread
// that logs (instrument/log/correlation.hpp), and nothing outside any span. It formats
// into spdlog's line buffer: no allocation of its own. spdlog here is header-only over
// zspan's fmt (//third_party:spdlog says why).
#pragma once

#include <spdlog/pattern_formatter.h>

#include <iterator>
#include <memory>

#include "zspan/instrument/log/correlation.hpp"

namespace zspan {

class SpdlogIdsFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const CurrentIds ids = current_ids();
    if (ids.valid()) fmt::format_to(std::back_inserter(dest), "trace_id={} span_id={}", ids.trace_id, ids.span_id);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SpdlogIdsFlag>(); }
};

}  // namespace zspan
