// What the Zipkin tests share: a received request decoded as Zipkin would, and options
// that send to a test's receiver.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "zspan/exporters/zipkin/zipkin_exporter.hpp"
#include "tests/exporters/http/receiver.hpp"

namespace zspan::testing {

// The body of a received POST: a JSON array of spans; fails the test if it is not one.
inline nlohmann::json decode(const Receiver::Request& request) {
  nlohmann::json spans = nlohmann::json::parse(request.body, nullptr, false);
  if (!spans.is_array()) ADD_FAILURE() << "not a JSON array of spans: " << request.body.substr(0, 200);
  return spans;
}

// Options that send to `receiver` and give up after `timeout`.
inline ZipkinExporter::Options options_for(const Receiver& receiver, std::chrono::milliseconds timeout) {
  ZipkinExporter::Options o;
  o.endpoint = receiver.url("/api/v2/spans");
  o.timeout = timeout;
  return o;
}

}  // namespace zspan::testing
