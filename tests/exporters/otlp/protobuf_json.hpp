// An OTLP request in OTLP/JSON as libprotobuf writes it: its JSON printer (enums as
// integers), then trace and span ids turned from the printer's base64 into the lower-case
// hex OTLP/JSON wants. The reference otlp::JsonEncoder is checked against
// (tests/exporters/otlp/json_test.cc) and measured beside (BM_EncodeOtlpJsonLibrary).
//
//   pb::collector::trace::v1::ExportTraceServiceRequest request;
//   zspan::otlp::encode(batch, request);
//   std::string json = zspan::testing::protobuf_json(request);
//   std::string id = zspan::testing::hex(request.resource_spans(0).scope_spans(0).spans(0).span_id());
#pragma once

#include <string>

#include "exporters/otlp/proto/trace_service.pb.h"

namespace zspan::testing {

// Id bytes (big-endian) as lower-case hex, as OTLP/JSON writes ids.
std::string hex(const std::string& bytes);

// Throws std::runtime_error if protobuf cannot print the request.
std::string protobuf_json(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request);

}  // namespace zspan::testing
