#include "zspan/exporters/otlp/otlp_json.hpp"

#include <cstdint>
#include <string_view>
#include <variant>

#include "zspan/exporters/json/json_writer.hpp"
#include "zspan/exporters/otlp/otlp_encoding.hpp"
#include "zspan/trace/export/otel.hpp"
#include "zspan/trace/version.hpp"

namespace zspan::otlp {
namespace {

// An AnyValue's member for any type for_each_attribute or Resource hands out, in the
// object being written (otlp::encode's ValueWriter).
struct ValueWriter {
  JsonWriter& json;

  void operator()(bool v) const { json.member("boolValue", v); }
  void operator()(std::int64_t v) const {
    json.key("intValue");
    json.quoted(v);
  }
  void operator()(std::uint64_t v) const {
    if (fits_int64(v)) return (*this)(static_cast<std::int64_t>(v));
    json.key("stringValue");
    json.quoted(v);
  }
  void operator()(double v) const { json.member("doubleValue", v); }
  void operator()(std::string_view v) const { json.member("stringValue", v); }
  void operator()(const StringValue& v) const { (*this)(v.text); }
  void operator()(const ArrayValue& array) const {
    const bool uint64_as_strings = uint64s_as_strings(array);
    json.key("arrayValue");
    json.begin_object();
    if (array.size() > 0) {
      json.key("values");
      json.begin_array();
      array.for_each([&](const ScalarValue& e) {
        json.begin_object();
        if (uint64_as_strings) {
          json.key("stringValue");
          json.quoted(std::get<std::uint64_t>(e));
        } else {
          std::visit(*this, e);
        }
        json.end_object();
      });
      json.end_array();
    }
    json.end_object();
  }
};

// Writes an attribute as a KeyValue, an element of the array being written.
template <class V>
void write_key_value(JsonWriter& json, std::string_view key, const V& value) {
  json.begin_object();
  if (!key.empty()) json.member("key", key);
  json.key("value");
  json.begin_object();
  ValueWriter{json}(value);
  json.end_object();
  json.end_object();
}

// Writes each attribute as a KeyValue of the array `name`, which it opens at the first one
// (an empty repeated field is omitted); finish() closes it.
class AttributeWriter {
 public:
  AttributeWriter(JsonWriter& json, JsonKey name) noexcept : json_(json), name_(name) {}

  template <class V>
  void operator()(std::string_view key, const V& value) {
    if (!open_) {
      json_.key(name_);
      json_.begin_array();
      open_ = true;
    }
    write_key_value(json_, key, value);
  }
  void finish() {
    if (open_) json_.end_array();
  }

 private:
  JsonWriter& json_;
  JsonKey name_;
  bool open_ = false;
};

// The resource's attributes that differ from service to service: service.name and
// process.pid, the first two otel::Resource hands out.
constexpr std::size_t kServiceAttributes = 2;

template <class Visit>
void write_attributes(JsonWriter& json, JsonKey name, Visit&& visit) {
  AttributeWriter writer(json, name);
  visit(writer);
  writer.finish();
}

// A time (a fixed64): a string of its decimal digits, omitted when 0.
void write_time(JsonWriter& json, JsonKey name, std::uint64_t unix_nanos) {
  if (unix_nanos == 0) return;
  json.key(name);
  json.quoted(unix_nanos);
}

void write_span(const SpanView& span, JsonWriter& json) {
  const otel::SpanSummary summary = otel::summarize(span);
  json.begin_object();
  json.member("traceId", span.trace_id());
  json.member("spanId", span.span_id());
  if (span.parent_id().valid()) json.member("parentSpanId", span.parent_id());
  if (!span.name().empty()) json.member("name", span.name());
  if (summary.kind != otel::SpanKind::kUnspecified) json.member("kind", static_cast<unsigned>(summary.kind));
  write_time(json, "startTimeUnixNano", span.start_unix_nanos());
  write_time(json, "endTimeUnixNano", span.end_unix_nanos());
  write_attributes(json, "attributes", [&](AttributeWriter& w) { otel::for_each_attribute(span, w); });
  if (summary.dropped_attributes) json.member("droppedAttributesCount", summary.dropped_attributes);
  if (summary.events > 0) {
    json.key("events");
    json.begin_array();
    otel::for_each_event(span, [&](const otel::Event& e) {
      json.begin_object();
      write_time(json, "timeUnixNano", e.unix_nanos);
      if (!e.name.empty()) json.member("name", e.name);
      write_attributes(json, "attributes", [&](AttributeWriter& w) { e.for_each_attribute(w); });
      if (const std::uint32_t dropped = e.dropped_attributes()) json.member("droppedAttributesCount", dropped);
      json.end_object();
    });
    json.end_array();
  }
  if (summary.dropped_events) json.member("droppedEventsCount", summary.dropped_events);
  if (summary.links > 0) {
    json.key("links");
    json.begin_array();
    otel::for_each_link(span, [&](const otel::Link& l) {
      json.begin_object();
      json.member("traceId", l.trace_id);
      json.member("spanId", l.span_id);
      write_attributes(json, "attributes", [&](AttributeWriter& w) { w(otel::kRefTypeKey, otel::ref_type(l.reference)); });
      json.end_object();
    });
    json.end_array();
  }
  if (summary.dropped_links) json.member("droppedLinksCount", summary.dropped_links);
  if (summary.status != otel::StatusCode::kUnset) {
    json.key("status");
    json.begin_object();
    if (!summary.status_message.empty()) json.member("message", summary.status_message);
    json.member("code", static_cast<unsigned>(summary.status));
    json.end_object();
  }
  json.member("flags", span_flags(span));
  json.end_object();
}

}  // namespace

JsonEncoder::JsonEncoder() {
  JsonWriter json(common_resource_);
  std::size_t visited = 0;
  otel::Resource::get().for_each_attribute({}, [&](std::string_view key, const auto& value) {
    if (visited++ >= kServiceAttributes) write_key_value(json, key, value);
  });
}

void JsonEncoder::encode(const SpanBatch& batch, std::string& out) {
  groups_.group(batch);
  JsonWriter json(out);
  json.begin_object();
  if (!groups_.services().empty()) {
    json.key("resourceSpans");
    json.begin_array();
  }
  for (std::uint32_t s = 0; s < groups_.services().size(); ++s) {
    json.begin_object();
    json.key("resource");
    json.begin_object();
    json.key("attributes");
    json.begin_array();
    std::size_t visited = 0;
    otel::Resource::get().for_each_attribute(groups_.services()[s], [&](std::string_view key, const auto& value) {
      if (visited++ < kServiceAttributes) write_key_value(json, key, value);
    });
    if (!common_resource_.empty()) json.members(common_resource_);
    json.end_array();
    json.end_object();
    json.key("scopeSpans");
    json.begin_array();
    json.begin_object();
    json.key("scope");
    json.begin_object();
    json.member("name", otel::kScopeName);
    json.member("version", kVersion);
    json.end_object();
    json.key("spans");
    json.begin_array();
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (groups_.service_of(i) == s) write_span(batch[i], json);
    json.end_array();
    json.end_object();
    json.end_array();
    json.end_object();
  }
  if (!groups_.services().empty()) json.end_array();
  json.end_object();
}

}  // namespace zspan::otlp
