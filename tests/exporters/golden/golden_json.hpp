// Comparing a JSON exporter's output, decoded with nlohmann::json, with the golden trace:
// what each span's attributes and events must be under the OpenTelemetry mapping, and
// whether a decoded value is exactly a SpanData value (same JSON type, same value).
//
//   for (const auto& [key, tag] : golden_attributes(i)) expect_json_value(args.at(key), tag->value, key);
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "tests/exporters/golden/golden_trace.hpp"
#include "zspan/trace/export/otel.hpp"

namespace zspan::testing {

struct GoldenAttribute {
  std::string key;  // the OpenTelemetry name
  const SpanData::Tag* tag;
};

// Span `index`'s attributes: its tags but span.kind, in order, under their OpenTelemetry
// names (as otel::for_each_attribute names them).
inline std::vector<GoldenAttribute> golden_attributes(std::size_t index) {
  const GoldenTrace& golden = GoldenTrace::get();
  std::vector<std::string> keys;
  otel::for_each_attribute((*golden.batch())[index], [&](std::string_view key, const auto&) { keys.emplace_back(key); });
  std::vector<GoldenAttribute> out;
  for (const SpanData::Tag& tag : golden.expected()[index].tags)
    if (tag.key != "span.kind") out.push_back({keys.at(out.size()), &tag});
  EXPECT_EQ(out.size(), keys.size());
  return out;
}

struct GoldenEvent {
  std::string name;
  std::uint64_t unix_nanos;
  std::vector<GoldenAttribute> attributes;  // the log's fields but `event`
};

// Span `index`'s logs as OpenTelemetry events.
inline std::vector<GoldenEvent> golden_events(std::size_t index) {
  const GoldenTrace& golden = GoldenTrace::get();
  std::vector<std::vector<std::string>> keys;
  otel::for_each_event((*golden.batch())[index], [&](const otel::Event& e) {
    e.for_each_attribute([&, &k = keys.emplace_back()](std::string_view key, const auto&) { k.emplace_back(key); });
  });
  std::vector<GoldenEvent> out;
  for (const SpanData::Log& log : golden.expected()[index].logs) {
    const SpanData::Tag* event = log.field("event");
    GoldenEvent& e = out.emplace_back(GoldenEvent{event ? std::get<std::string>(event->value) : "log", log.unix_nanos, {}});
    for (const SpanData::Tag& field : log.fields)
      if (field.key != "event") e.attributes.push_back({keys.at(out.size() - 1).at(e.attributes.size()), &field});
  }
  return out;
}

// `actual` holds exactly `expected`: bool as a JSON boolean, integers as JSON integers of
// the same value, doubles as JSON floating-point numbers, strings byte for byte, arrays
// element by element.
inline void expect_json_value(const nlohmann::json& actual, const SpanData::TagValue& expected, const std::string& key) {
  SCOPED_TRACE(key);
  auto scalar = [&](const nlohmann::json& j, const auto& want) {
    using T = std::decay_t<decltype(want)>;
    if constexpr (std::is_same_v<T, bool>) {
      ASSERT_TRUE(j.is_boolean()) << j;
      EXPECT_EQ(j.get<bool>(), want);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      ASSERT_TRUE(j.is_number_integer()) << j;
      EXPECT_EQ(j.get<std::int64_t>(), want);
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
      ASSERT_TRUE(j.is_number_unsigned()) << j;
      EXPECT_EQ(j.get<std::uint64_t>(), want);
    } else if constexpr (std::is_same_v<T, double>) {
      ASSERT_TRUE(j.is_number_float()) << j;
      EXPECT_EQ(j.get<double>(), want);
    } else {
      ASSERT_TRUE(j.is_string()) << j;
      EXPECT_EQ(j.get<std::string>(), want);
    }
  };
  std::visit(
      [&](const auto& want) {
        using T = std::decay_t<decltype(want)>;
        if constexpr (requires { want.size(); typename T::value_type; } && !std::is_same_v<T, std::string>) {
          ASSERT_TRUE(actual.is_array()) << actual;
          ASSERT_EQ(actual.size(), want.size()) << actual;
          for (std::size_t i = 0; i < want.size(); ++i) scalar(actual[i], typename T::value_type(want[i]));
        } else {
          scalar(actual, want);
        }
      },
      expected);
}

inline std::string hex(TraceId id) {
  char out[32];
  id.to_hex(out);
  return {out, sizeof(out)};
}
inline std::string hex(SpanId id) {
  char out[16];
  id.to_hex(out);
  return {out, sizeof(out)};
}

}  // namespace zspan::testing
