// stats_of: one exporter's counts in zspan::stats(), by its name.
//
//   const zspan::ExporterStats e = zspan::testing::stats_of(zspan::stats(), "otlp");
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "zspan/trace/collector.hpp"

namespace zspan::testing {

// The exporter named `name` in `s` (a test failure, and all-zero counts, if there is none).
// A reference into `s`: copy it when `s` is a temporary.
inline const ExporterStats& stats_of(const Stats& s, std::string_view name) {
  for (const ExporterStats& e : s.exporters)
    if (e.name == name) return e;
  static const ExporterStats none;
  ADD_FAILURE() << "no exporter named " << name;
  return none;
}

}  // namespace zspan::testing
