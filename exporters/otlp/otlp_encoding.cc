#include "exporters/otlp/otlp_encoding.hpp"

#include <google/protobuf/util/json_util.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>
#include <vector>

#include "trace/export/otel.hpp"
#include "trace/version.hpp"

namespace zspan::otlp {
namespace {

namespace pb = opentelemetry::proto;
using pb::common::v1::AnyValue;
using KeyValues = google::protobuf::RepeatedPtrField<pb::common::v1::KeyValue>;

constexpr std::uint32_t kSampled = 0x01;
constexpr std::uint32_t kHasIsRemote = pb::trace::v1::SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK;
constexpr std::uint32_t kIsRemote = pb::trace::v1::SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK;

void append_big_endian(std::uint64_t value, std::string& out) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}
std::string id_bytes(SpanId id) {
  std::string out;
  append_big_endian(id.value, out);
  return out;
}
std::string id_bytes(TraceId id) {
  std::string out;
  append_big_endian(id.high, out);
  append_big_endian(id.low, out);
  return out;
}

constexpr bool fits_int64(std::uint64_t v) noexcept { return v <= std::numeric_limits<std::int64_t>::max(); }

// Writes one attribute value of any type for_each_attribute or Resource hands out.
struct ValueWriter {
  AnyValue& out;

  void operator()(bool v) const { out.set_bool_value(v); }
  void operator()(std::int64_t v) const { out.set_int_value(v); }
  void operator()(std::uint64_t v) const {
    if (fits_int64(v))
      out.set_int_value(static_cast<std::int64_t>(v));
    else
      out.set_string_value(std::to_string(v));
  }
  void operator()(double v) const { out.set_double_value(v); }
  void operator()(std::string_view v) const { out.set_string_value(valid_utf8(v)); }
  void operator()(const StringValue& v) const { (*this)(v.text); }
  void operator()(const ArrayValue& array) const {
    bool uint64_as_strings = false;
    if (array.element_type() == FieldType::kUint64)
      array.for_each([&](const ScalarValue& e) { uint64_as_strings |= !fits_int64(std::get<std::uint64_t>(e)); });
    auto* values = out.mutable_array_value();
    array.for_each([&](const ScalarValue& e) {
      AnyValue& element = *values->add_values();
      if (uint64_as_strings)
        element.set_string_value(std::to_string(std::get<std::uint64_t>(e)));
      else
        std::visit(ValueWriter{element}, e);
    });
  }
};

auto attribute_adder(KeyValues* list) {
  return [list](std::string_view key, const auto& value) {
    auto* kv = list->Add();
    kv->set_key(valid_utf8(key));
    ValueWriter{*kv->mutable_value()}(value);
  };
}

void encode_span(const SpanView& span, pb::trace::v1::Span& out) {
  const otel::SpanSummary summary = otel::summarize(span);
  out.set_trace_id(id_bytes(span.trace_id()));
  out.set_span_id(id_bytes(span.span_id()));
  if (span.parent_id().valid()) out.set_parent_span_id(id_bytes(span.parent_id()));
  std::uint32_t flags = kHasIsRemote;
  if (span.record().flags & SpanRecord::kSampled) flags |= kSampled;
  if (span.has_remote_parent()) flags |= kIsRemote;
  out.set_flags(flags);
  out.set_name(valid_utf8(span.name()));
  out.set_kind(static_cast<pb::trace::v1::Span::SpanKind>(summary.kind));
  out.set_start_time_unix_nano(span.start_unix_nanos());
  out.set_end_time_unix_nano(span.end_unix_nanos());
  otel::for_each_attribute(span, attribute_adder(out.mutable_attributes()));
  out.set_dropped_attributes_count(summary.dropped_attributes);
  otel::for_each_event(span, [&](const otel::Event& e) {
    auto& event = *out.add_events();
    event.set_time_unix_nano(e.unix_nanos);
    event.set_name(valid_utf8(e.name));
    e.for_each_attribute(attribute_adder(event.mutable_attributes()));
    event.set_dropped_attributes_count(e.dropped_attributes());
  });
  out.set_dropped_events_count(summary.dropped_events);
  otel::for_each_link(span, [&](const otel::Link& l) {
    auto& link = *out.add_links();
    link.set_trace_id(id_bytes(l.trace_id));
    link.set_span_id(id_bytes(l.span_id));
    attribute_adder(link.mutable_attributes())(otel::kRefTypeKey, otel::ref_type(l.reference));
  });
  out.set_dropped_links_count(summary.dropped_links);
  if (summary.status != otel::StatusCode::kUnset) {
    auto& status = *out.mutable_status();
    status.set_code(static_cast<pb::trace::v1::Status::StatusCode>(summary.status));
    status.set_message(valid_utf8(summary.status_message));
  }
}

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

}  // namespace

std::string to_json(const pb::collector::trace::v1::ExportTraceServiceRequest& request) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_enums_as_ints = true;
  std::string printed;
  if (!google::protobuf::util::MessageToJsonString(request, &printed, options).ok())
    throw std::runtime_error("protobuf could not print the request as JSON");
  // The printer writes bytes as base64; OTLP wants ids in hex. Its output follows the
  // message's structure, so the ids are replaced walking both side by side.
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

std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return 1;
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
  if (b >= 0xc2 && b <= 0xdf) n = 2;
  else if (b >= 0xe0 && b <= 0xef) n = 3, lo = b == 0xe0 ? 0xa0 : 0x80, hi = b == 0xed ? 0x9f : 0xbf;
  else if (b >= 0xf0 && b <= 0xf4) n = 4, lo = b == 0xf0 ? 0x90 : 0x80, hi = b == 0xf4 ? 0x8f : 0xbf;
  else return 0;
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  return n;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  std::size_t copied = 0;  // text[0, copied) is in `out` (once something was replaced)
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t n = utf8_sequence(text, i)) {
      i += n;
      continue;
    }
    out.append(text.substr(copied, i - copied)).append("\xef\xbf\xbd");
    copied = ++i;
  }
  if (copied == 0) return std::string(text);
  return out.append(text.substr(copied));
}

void encode(const SpanBatch& batch, pb::collector::trace::v1::ExportTraceServiceRequest& request) {
  std::vector<std::pair<std::string_view, pb::trace::v1::ScopeSpans*>> services;
  for (const SpanView& span : batch) {
    pb::trace::v1::ScopeSpans* scope = nullptr;
    for (const auto& [service, spans] : services)
      if (service == span.service()) scope = spans;
    if (!scope) {
      auto& resource_spans = *request.add_resource_spans();
      otel::Resource::get().for_each_attribute(span.service(),
                                               attribute_adder(resource_spans.mutable_resource()->mutable_attributes()));
      scope = resource_spans.add_scope_spans();
      scope->mutable_scope()->set_name(std::string(otel::kScopeName));
      scope->mutable_scope()->set_version(std::string(kVersion));
      services.emplace_back(span.service(), scope);
    }
    encode_span(span, *scope->add_spans());
  }
}

}  // namespace zspan::otlp
