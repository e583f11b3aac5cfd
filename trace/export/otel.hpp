// The OpenTelemetry view of a span: the one mapping from zspan's OpenTracing-style model
// that every exporter uses, so that OTLP, Zipkin, Jaeger and the local formats agree.
//
//   const zspan::otel::SpanSummary s = zspan::otel::summarize(span);   // kind, status, counts
//   zspan::otel::for_each_attribute(span, [&](std::string_view key, const auto& value) {
//     write(key, value);   // bool, int64_t, uint64_t, double, StringValue or ArrayValue
//   });
//   zspan::otel::for_each_event(span, [&](const zspan::otel::Event& e) { ... });
//   zspan::otel::for_each_link(span, [&](const zspan::otel::Link& l) { ... });
//   zspan::otel::Resource::get().for_each_attribute(span.service(), visit);
//
// The rules (after the OpenTelemetry OpenTracing-compatibility specification):
//  - kind: the `span.kind` tag (server, client, producer, consumer), else internal. The tag
//    itself is not an attribute.
//  - status: error when the span is marked failed (TRACE_ERROR, a log with error.kind, the
//    `error` tag), with the message of its first error event; unset otherwise.
//  - attributes: the tags, in the order set, under their OpenTelemetry names
//    (FieldKey::otel(), one table in instrument/tags.hpp). A cut string is what was kept.
//  - events: the logs. The name is the log's `event` field (not repeated as an attribute),
//    "log" when it has none; the other fields are the event's attributes.
//  - links: a followsFrom parent stays the parent and is also a link; every extra
//    reference is a link. Each carries `opentracing.ref_type` = child_of | follows_from.
//  - dropped counts: fields that did not fit the span are reported as dropped attributes
//    (the record cannot tell which kind they were), with those past the span limits.
//  - limits: the span limits (trace/export/span_limits.hpp, SpanLimits::get() unless one
//    is given) cut long strings and cap the attributes, events, links and each event's
//    attributes visited; summarize() counts what they leave out.
//
// A visitor needs one member, a generic call operator (as Rust tracing's Visit needs one
// method): overloads for the value types it treats specially are picked first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "zspan/trace/export/field_reader.hpp"
#include "zspan/trace/export/span_limits.hpp"
#include "zspan/trace/export/span_view.hpp"

namespace zspan::otel {

// Values as OTLP numbers them (SpanKind, Status.StatusCode).
enum class SpanKind : std::uint8_t { kUnspecified = 0, kInternal = 1, kServer = 2, kClient = 3, kProducer = 4, kConsumer = 5 };
enum class StatusCode : std::uint8_t { kUnset = 0, kOk = 1, kError = 2 };

// "INTERNAL", "SERVER", ... as OTLP JSON and Zipkin spell them; "" for unspecified.
std::string_view name(SpanKind kind) noexcept;
// "UNSET", "OK", "ERROR".
std::string_view name(StatusCode code) noexcept;

// The instrumentation scope of every span zspan exports (its version: kVersion).
inline constexpr std::string_view kScopeName = "zspan";

inline constexpr std::string_view kRefTypeKey = "opentracing.ref_type";
inline constexpr std::string_view ref_type(Reference r) noexcept {
  return r == Reference::kFollowsFrom ? "follows_from" : "child_of";
}

struct SpanSummary {
  SpanKind kind = SpanKind::kInternal;
  StatusCode status = StatusCode::kUnset;
  std::string_view status_message;  // points into the span: valid during the export call
  std::uint32_t attributes = 0;  // those exported, within the limits
  std::uint32_t events = 0;
  std::uint32_t links = 0;
  std::uint32_t dropped_attributes = 0;
  std::uint32_t dropped_events = 0;
  std::uint32_t dropped_links = 0;
};

// One pass over the span's fields.
SpanSummary summarize(const SpanView& span, const SpanLimits& limits = SpanLimits::get()) noexcept;

namespace detail {
inline bool is_kind_tag(const zspan::detail::FieldKey& key) noexcept { return key.name == "span.kind"; }
inline bool is_event_name(const zspan::detail::FieldKey& key) noexcept { return key.name == "event"; }

// Strings cut to `max_chars` characters.
template <class Visitor>
void visit_value(std::string_view key, const FieldValue& value, std::uint64_t max_chars, Visitor& visit) {
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, StringValue> || std::is_same_v<V, ArrayValue>)
          visit(key, v.first_chars(max_chars));
        else if constexpr (!std::is_same_v<V, ReferenceValue> && !std::is_same_v<V, LogValue>)
          visit(key, v);
      },
      value);
}
}  // namespace detail

// Calls visit(std::string_view otel_key, const V& value) for each attribute within the
// limits, where V is bool, std::int64_t, std::uint64_t, double, StringValue or ArrayValue.
template <class Visitor>
void for_each_attribute(const SpanView& span, Visitor&& visit, const SpanLimits& limits = SpanLimits::get()) {
  std::uint64_t visited = 0;
  span.for_each_field([&](const zspan::detail::FieldKey& key, const zspan::detail::FieldEntry& entry, const zspan::detail::FieldEntry* payload) {
    if (key.type == zspan::detail::FieldType::kLog || key.type == zspan::detail::FieldType::kReference || detail::is_kind_tag(key)) return;
    if (visited++ >= limits.attribute_count) return;
    detail::visit_value(key.otel(), decode_field(key, entry, payload).value, limits.attribute_value_length, visit);
  });
}

struct Event {
  std::string_view name;
  std::uint64_t unix_nanos;
  LogValue fields;
  const SpanLimits* limits;

  // The event's attributes: its fields but the name, visited as for_each_attribute does.
  template <class Visitor>
  void for_each_attribute(Visitor&& visit) const {
    std::uint64_t visited = 0;
    fields.for_each_field([&](const Field& f) {
      if (detail::is_event_name(*f.key) || visited++ >= limits->event_attribute_count) return;
      detail::visit_value(f.key->otel(), f.value, limits->attribute_value_length, visit);
    });
  }
  // Its attributes past the event attribute limit.
  std::uint32_t dropped_attributes() const noexcept;
};

// The name a log gets as an event: its `event` field, or "log".
std::string_view event_name(const LogValue& log) noexcept;

// Calls on_event(const Event&) for each log within the limits, in the order written.
template <class OnEvent>
void for_each_event(const SpanView& span, OnEvent&& on_event, const SpanLimits& limits = SpanLimits::get()) {
  std::uint64_t visited = 0;
  for_each_decoded_field(span, [&](const Field& f) {
    const auto* log = std::get_if<LogValue>(&f.value);
    if (log && visited++ < limits.event_count) on_event(Event{event_name(*log), log->unix_nanos(span), *log, &limits});
  });
}

struct Link {
  TraceId trace_id;
  SpanId span_id;
  Reference reference;  // its opentracing.ref_type attribute: ref_type(reference)
};

// Calls on_link(const Link&) for a followsFrom parent, then each extra reference, within
// the limits.
template <class OnLink>
void for_each_link(const SpanView& span, OnLink&& on_link, const SpanLimits& limits = SpanLimits::get()) {
  std::uint64_t visited = 0;
  if (span.parent_id().valid() && span.parent_reference() == Reference::kFollowsFrom && visited++ < limits.link_count)
    on_link(Link{span.trace_id(), span.parent_id(), Reference::kFollowsFrom});
  for_each_decoded_field(span, [&](const Field& f) {
    const auto* r = std::get_if<ReferenceValue>(&f.value);
    if (r && visited++ < limits.link_count) on_link(Link{r->trace_id, r->span_id, r->kind});
  });
}

// What produced the spans: the same for every tracer of the process but service.name.
class Resource {
 public:
  using Value = std::variant<std::string, std::int64_t>;
  struct Attribute {
    std::string key;
    Value value;
  };

  // Read once: telemetry.sdk.name/language/version, host.name and OTEL_RESOURCE_ATTRIBUTES
  // (a W3C-baggage-style key=value list, values percent-decoded; a malformed member is
  // skipped with one line on stderr).
  static const Resource& get();
  // For tests and programs that build their own.
  explicit Resource(std::vector<Attribute> attributes) : attributes_(std::move(attributes)) {}

  // Calls visit(std::string_view key, const V& value), V std::string_view or std::int64_t:
  // service.name = `service` (the tracer's, which wins over one in
  // OTEL_RESOURCE_ATTRIBUTES), process.pid (this process's, also after fork), then the rest.
  template <class Visitor>
  void for_each_attribute(std::string_view service, Visitor&& visit) const {
    visit(std::string_view("service.name"), service);
    visit(std::string_view("process.pid"), current_pid());
    for (const Attribute& a : attributes_) {
      if (a.key == "service.name" || a.key == "process.pid") continue;
      std::visit([&](const auto& v) { visit(std::string_view(a.key), as_view(v)); }, a.value);
    }
  }
  const std::vector<Attribute>& attributes() const noexcept { return attributes_; }

 private:
  static std::int64_t current_pid() noexcept;
  static std::string_view as_view(const std::string& s) noexcept { return s; }
  static std::int64_t as_view(std::int64_t v) noexcept { return v; }

  std::vector<Attribute> attributes_;
};

}  // namespace zspan::otel
