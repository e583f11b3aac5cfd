// A batch of spans written straight as the protobuf bytes of an OTLP
// ExportTraceServiceRequest, without building the messages: the http/protobuf body of
// OtlpHttpExporter. It writes the request otlp::encode builds (exporters/otlp/otlp_encoding.hpp
// has the rules), field for field, in the order libprotobuf serializes it (by field number),
// so that the bytes are those of request.SerializeAsString().
//
//   zspan::otlp::WireEncoder encoder;    // keep it: it reuses its buffers
//   std::string body;
//   encoder.encode(batch, body);         // appends the request's bytes
//
// tests/exporters/otlp/wire_test.cc decodes its output with libprotobuf and compares it with
// otlp::encode's message (MessageDifferencer) on the golden batch and on random ones;
// bench/export_bench.cc measures both (BM_EncodeOtlpProtobuf, BM_EncodeOtlpProtobufLibrary).
//
// How: each length-delimited field (a message, a string) reserves room for its length's
// varint, is written, and then gets its length; when the length needs more or fewer bytes
// than reserved, what follows is moved (rarely: the room reserved fits the usual sizes).
#pragma once

#include <string>

#include "zspan/exporters/otlp/resource_groups.hpp"
#include "zspan/trace/export/exporter.hpp"

namespace zspan::otlp {

class WireEncoder {
 public:
  // Appends the batch's ExportTraceServiceRequest to `out`.
  void encode(const SpanBatch& batch, std::string& out);

 private:
  ResourceGroups groups_;
};

}  // namespace zspan::otlp
