// What the OTLP tests share: requests decoded as a collector would, ids as hex
// (tests/exporters/otlp/protobuf_json.hpp).
#pragma once

#include <string>

#include "zspan/exporters/otlp/otlp_http_exporter.hpp"
#include "exporters/otlp/proto/trace_service.pb.h"
#include "tests/exporters/http/receiver.hpp"
#include "tests/exporters/otlp/protobuf_json.hpp"

namespace zspan::testing {

namespace pb = opentelemetry::proto;

// The body of a received request decoded (gunzipped first when it says gzip); fails the
// test if it does not parse.
inline pb::collector::trace::v1::ExportTraceServiceRequest decode(const Receiver::Request& request) {
  pb::collector::trace::v1::ExportTraceServiceRequest decoded;
  const bool gzip = request.header("content-encoding") == "gzip";
  if (!decoded.ParseFromString(gzip ? gunzip(request.body) : request.body)) ADD_FAILURE() << "not an ExportTraceServiceRequest";
  return decoded;
}

// Options that send to `receiver` and give up after `timeout`.
inline OtlpHttpExporter::Options options_for(const Receiver& receiver, std::chrono::milliseconds timeout) {
  OtlpHttpExporter::Options o;
  o.endpoint = receiver.url("/v1/traces");
  o.timeout = timeout;
  return o;
}

}  // namespace zspan::testing
