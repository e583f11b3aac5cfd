#include "zspan/exporters/otlp/otlp_encoding.hpp"

#include <cstdint>
#include <utility>
#include <vector>

#include "zspan/trace/export/otel.hpp"
#include "zspan/trace/version.hpp"

namespace zspan::otlp {
namespace {

namespace pb = opentelemetry::proto;
using pb::common::v1::AnyValue;
using KeyValues = google::protobuf::RepeatedPtrField<pb::common::v1::KeyValue>;

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
    const bool uint64_as_strings = uint64s_as_strings(array);
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
  out.set_flags(span_flags(span));
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

}  // namespace

std::uint32_t span_flags(const SpanView& span) noexcept {
  // A record's flags begin as its trace flags, the W3C ones at their own bits.
  constexpr std::uint8_t kW3C = zspan::detail::SpanRecord::kSampled | zspan::detail::SpanRecord::kRandom;
  std::uint32_t flags = pb::trace::v1::SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK | (span.record().flags & kW3C);
  if (span.has_remote_parent()) flags |= pb::trace::v1::SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK;
  return flags;
}

bool uint64s_as_strings(const ArrayValue& array) noexcept {
  bool as_strings = false;
  if (array.element_type() == zspan::detail::FieldType::kUint64)
    array.for_each([&](const ScalarValue& e) { as_strings |= !fits_int64(std::get<std::uint64_t>(e)); });
  return as_strings;
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
