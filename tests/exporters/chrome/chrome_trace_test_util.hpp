// Reading a Chrome trace file back in the tests: strict parsing, events by phase and
// name, times in nanoseconds.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/exporters/test_files.hpp"

namespace zspan::testing {

using nlohmann::json;

// The document, parsed by a strict parser; null (and a test failure) if it is not JSON.
inline json parse_document(const std::string& text) {
  json doc = json::parse(text, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << "not valid JSON:\n" << text;
  if (doc.is_discarded()) return nullptr;
  EXPECT_TRUE(doc.is_array());
  return doc;
}

inline std::vector<json> events_of_phase(const json& doc, std::string_view phase) {
  std::vector<json> out;
  for (const json& e : doc)
    if (e.value("ph", "") == phase) out.push_back(e);
  return out;
}

inline std::vector<json> metadata_named(const json& doc, std::string_view name) {
  std::vector<json> out;
  for (const json& e : events_of_phase(doc, "M"))
    if (e["name"] == name) out.push_back(e);
  return out;
}

// A ts or dur (microseconds, up to three decimals) in nanoseconds.
inline std::int64_t nanos(const json& micros) { return std::llround(micros.get<double>() * 1000); }

inline std::string thread_name(const json& doc, std::uint64_t tid) {
  for (const json& e : metadata_named(doc, "thread_name"))
    if (e["tid"] == tid) return e["args"]["name"];
  return "<unnamed>";
}

// Two complete events on one track that cross (one starts inside the other, ends after it).
inline std::vector<std::string> crossing_events(const json& doc) {
  std::vector<std::string> crossings;
  const auto spans = events_of_phase(doc, "X");
  for (std::size_t i = 0; i < spans.size(); ++i) {
    for (std::size_t j = 0; j < spans.size(); ++j) {
      const json &a = spans[i], &b = spans[j];
      if (i == j || a["tid"] != b["tid"]) continue;
      const std::int64_t a_start = nanos(a["ts"]), a_end = a_start + nanos(a["dur"]);
      const std::int64_t b_start = nanos(b["ts"]), b_end = b_start + nanos(b["dur"]);
      if (a_start < b_start && b_start < a_end && a_end < b_end)
        crossings.push_back(a["name"].get<std::string>() + " x " + b["name"].get<std::string>());
    }
  }
  return crossings;
}

}  // namespace zspan::testing
