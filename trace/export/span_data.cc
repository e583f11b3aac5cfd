#include "zspan/trace/export/span_data.hpp"

#include <algorithm>
#include <type_traits>

#include "zspan/trace/export/field_reader.hpp"

namespace zspan {
namespace {

const SpanData::Tag* find_last(const std::vector<SpanData::Tag>& tags, std::string_view key) noexcept {
  auto it = std::find_if(tags.rbegin(), tags.rend(), [&](const SpanData::Tag& t) { return t.key == key; });
  return it == tags.rend() ? nullptr : &*it;
}

template <class Element>
std::vector<Element> copy_elements(const ArrayValue& array, bool& truncated) {
  std::vector<Element> out;
  out.reserve(array.size());
  array.for_each([&](const ScalarValue& element) {
    if constexpr (std::is_same_v<Element, std::string>) {
      const auto& s = std::get<StringValue>(element);
      truncated = truncated || s.truncated();
      out.emplace_back(s.text);
    } else {
      out.push_back(std::get<Element>(element));
    }
  });
  return out;
}

// Owning copies of decoded values; `truncated` notes whether a string was cut.
struct OwnedValue {
  bool& truncated;

  template <class Scalar>
  SpanData::TagValue operator()(Scalar v) const {
    return v;
  }
  SpanData::TagValue operator()(const StringValue& s) const {
    truncated = s.truncated();
    return std::string(s.text);
  }
  SpanData::TagValue operator()(const ArrayValue& array) const {
    switch (array.element_type()) {
      case detail::FieldType::kBool: return copy_elements<bool>(array, truncated);
      case detail::FieldType::kInt64: return copy_elements<std::int64_t>(array, truncated);
      case detail::FieldType::kUint64: return copy_elements<std::uint64_t>(array, truncated);
      case detail::FieldType::kDouble: return copy_elements<double>(array, truncated);
      default: return copy_elements<std::string>(array, truncated);
    }
  }
};

SpanData::Tag copy_tag(const Field& field) {
  SpanData::Tag tag{std::string(field.key->name), {}, false};
  std::visit(
      [&](const auto& value) {
        using V = std::decay_t<decltype(value)>;
        if constexpr (!std::is_same_v<V, ReferenceValue> && !std::is_same_v<V, LogValue>)
          tag.value = OwnedValue{tag.truncated}(value);
      },
      field.value);
  return tag;
}

}  // namespace

const SpanData::Tag* SpanData::tag(std::string_view key) const noexcept { return find_last(tags, key); }
const SpanData::Tag* SpanData::Log::field(std::string_view key) const noexcept {
  return find_last(fields, key);
}

SpanData SpanData::copy_of(const SpanView& span) {
  SpanData out;
  out.name = std::string(span.name());
  out.service = std::string(span.service());
  out.callsite = &span.callsite();
  out.trace_id = span.trace_id();
  out.span_id = span.span_id();
  out.parent_id = span.parent_id();
  out.parent_reference = span.parent_reference();
  out.remote_parent = span.has_remote_parent();
  out.forced = span.forced();
  out.error = span.is_error();
  out.start_unix_nanos = span.start_unix_nanos();
  out.end_unix_nanos = span.end_unix_nanos();
  out.duration_nanos = span.duration_nanos();
  out.dropped_fields = span.dropped_fields();
  for_each_decoded_field(span, [&](const Field& field) {
    if (const auto* reference = std::get_if<ReferenceValue>(&field.value)) {
      out.references.push_back({reference->kind, reference->trace_id, reference->span_id});
    } else if (const auto* log = std::get_if<LogValue>(&field.value)) {
      Log& copy = out.logs.emplace_back();
      copy.unix_nanos = log->unix_nanos(span);
      log->for_each_field([&](const Field& log_field) { copy.fields.push_back(copy_tag(log_field)); });
    } else {
      out.tags.push_back(copy_tag(field));
    }
  });
  return out;
}

}  // namespace zspan
