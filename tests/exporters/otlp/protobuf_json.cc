#include "tests/exporters/otlp/protobuf_json.hpp"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace zspan::testing {

std::string hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += {kDigits[b >> 4], kDigits[b & 15]};
  }
  return out;
}

std::string protobuf_json(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_enums_as_ints = true;
  std::string printed;
  if (!google::protobuf::util::MessageToJsonString(request, &printed, options).ok())
    throw std::runtime_error("protobuf could not print the request as JSON");
  // The printer's output follows the message's structure, so the ids are replaced walking
  // both side by side.
  nlohmann::json json = nlohmann::json::parse(printed);
  for (int r = 0; r < request.resource_spans_size(); ++r) {
    const auto& resource_spans = request.resource_spans(r);
    for (int s = 0; s < resource_spans.scope_spans_size(); ++s) {
      const auto& scope_spans = resource_spans.scope_spans(s);
      for (int i = 0; i < scope_spans.spans_size(); ++i) {
        const auto& span = scope_spans.spans(i);
        auto& out = json["resourceSpans"][r]["scopeSpans"][s]["spans"][i];
        out["traceId"] = hex(span.trace_id());
        out["spanId"] = hex(span.span_id());
        if (!span.parent_span_id().empty()) out["parentSpanId"] = hex(span.parent_span_id());
        for (int l = 0; l < span.links_size(); ++l) {
          out["links"][l]["traceId"] = hex(span.links(l).trace_id());
          out["links"][l]["spanId"] = hex(span.links(l).span_id());
        }
      }
    }
  }
  return json.dump();
}

}  // namespace zspan::testing
