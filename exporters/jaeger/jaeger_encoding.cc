#include "zspan/exporters/jaeger/jaeger_encoding.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <type_traits>

#include "zspan/exporters/jaeger/thrift_writer.hpp"
#include "zspan/exporters/json/json_writer.hpp"
#include "zspan/trace/export/otel.hpp"
#include "zspan/trace/version.hpp"

namespace zspan::jaeger {
namespace {

// jaeger.thrift's enums.
enum TagType : std::int32_t { kString = 0, kDouble = 1, kBool = 2, kLong = 3 };
enum SpanRefType : std::int32_t { kChildOf = 0, kFollowsFrom = 1 };

constexpr std::int32_t kSampledFlag = 0x1;
constexpr std::int32_t kDebugFlag = 0x2;
constexpr std::uint64_t kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

constexpr std::int64_t as_i64(std::uint64_t bits) noexcept { return static_cast<std::int64_t>(bits); }
constexpr std::int64_t micros(std::uint64_t nanos) noexcept { return as_i64(nanos / 1000); }

std::string_view kind_tag(otel::SpanKind kind) noexcept {
  switch (kind) {
    case otel::SpanKind::kServer: return "server";
    case otel::SpanKind::kClient: return "client";
    case otel::SpanKind::kProducer: return "producer";
    case otel::SpanKind::kConsumer: return "consumer";
    default: return {};
  }
}

// Writes Tag structs: the visitor of otel::for_each_attribute, Event::for_each_attribute
// and Resource::for_each_attribute, and of the mapped tags.
template <class W>
struct TagWriter {
  W& w;
  std::string& scratch;

  [[gnu::always_inline]] void begin(std::string_view key, TagType type) const {
    w.struct_begin();
    w.field_string(1, key);
    w.field_i32(2, type);
  }
  void operator()(std::string_view key, bool v) const {
    begin(key, kBool);
    w.field_bool(5, v);
    w.struct_end();
  }
  void operator()(std::string_view key, std::int64_t v) const {
    begin(key, kLong);
    w.field_i64(6, v);
    w.struct_end();
  }
  void operator()(std::string_view key, std::uint64_t v) const {
    if (v <= kInt64Max) return (*this)(key, as_i64(v));
    char digits[20];
    const auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
    (*this)(key, std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  void operator()(std::string_view key, double v) const {
    begin(key, kDouble);
    w.field_double(4, v);
    w.struct_end();
  }
  void operator()(std::string_view key, std::string_view v) const {
    begin(key, kString);
    w.field_string(3, v);
    w.struct_end();
  }
  void operator()(std::string_view key, const StringValue& v) const { (*this)(key, v.text); }
  void operator()(std::string_view key, const ArrayValue& v) const {
    scratch.clear();
    {
      JsonWriter json(scratch);
      json.value(v);
    }
    (*this)(key, std::string_view(scratch));
  }
};

template <class W>
void write_reference(W& w, SpanRefType type, TraceId trace, SpanId span) {
  w.struct_begin();
  w.field_i32(1, type);
  w.field_i64(2, as_i64(trace.low));
  w.field_i64(3, as_i64(trace.high));
  w.field_i64(4, as_i64(span.value));
  w.struct_end();
}

template <class W, class FixedTags>
FixedTags fixed_tags() {
  FixedTags fixed;
  std::string unused;  // no array tag
  auto encode = [&](std::string& out, std::string_view key, std::string_view value) {
    W w(out);
    TagWriter<W>{w, unused}(key, value);
  };
  encode(fixed.scope, "otel.scope.name", otel::kScopeName);
  encode(fixed.scope, "otel.scope.version", kVersion);
  for (std::uint8_t k = 0; k < std::size(fixed.kinds); ++k)
    if (const std::string_view kind = kind_tag(static_cast<otel::SpanKind>(k)); !kind.empty())
      encode(fixed.kinds[k], "span.kind", kind);
  return fixed;
}

template <class W, class FixedTags>
void write_span(W& w, const SpanView& span, Trim trim, std::string& scratch, const FixedTags& fixed) {
  const otel::SpanSummary summary = otel::summarize(span);
  const TagWriter<W> tag{w, scratch};
  w.struct_begin();
  w.field_i64(1, as_i64(span.trace_id().low));
  w.field_i64(2, as_i64(span.trace_id().high));
  w.field_i64(3, as_i64(span.span_id().value));
  w.field_i64(4, as_i64(span.parent_id().value));
  w.field_string(5, span.name());

  const bool child_of_parent = span.parent_id().valid() && span.parent_reference() == Reference::kChildOf;
  if (const std::uint32_t references = (child_of_parent ? 1 : 0) + summary.links) {
    w.field_struct_list(6, references);
    if (child_of_parent) write_reference(w, kChildOf, span.trace_id(), span.parent_id());
    if (summary.links)
      otel::for_each_link(span, [&](const otel::Link& link) {
        write_reference(w, link.reference == Reference::kFollowsFrom ? kFollowsFrom : kChildOf, link.trace_id,
                        link.span_id);
      });
  }
  const std::uint8_t flags = span.record().flags;
  w.field_i32(7, ((flags & zspan::detail::SpanRecord::kSampled) ? kSampledFlag : 0) | ((flags & zspan::detail::SpanRecord::kForced) ? kDebugFlag : 0));
  w.field_i64(8, micros(span.start_unix_nanos()));
  w.field_i64(9, micros(span.duration_nanos()));

  const std::uint32_t kept_tags = std::min(summary.attributes, trim.tags);
  const std::uint32_t kept_logs = std::min(summary.events, trim.logs);
  const std::uint32_t dropped_attributes = summary.dropped_attributes + (summary.attributes - kept_tags);
  const std::uint32_t dropped_events = summary.dropped_events + (summary.events - kept_logs);
  const std::string_view kind = fixed.kinds[static_cast<std::uint8_t>(summary.kind)];
  const bool has_status = summary.status != otel::StatusCode::kUnset;
  const bool is_error = summary.status == otel::StatusCode::kError;
  const std::uint32_t tags = kept_tags + (kind.empty() ? 0 : 1) + (has_status ? 1 : 0) +
                             (has_status && !summary.status_message.empty() ? 1 : 0) + (is_error ? 1 : 0) + 2 +
                             (dropped_attributes ? 1 : 0) + (dropped_events ? 1 : 0);
  w.field_struct_list(10, tags);
  std::uint32_t attribute = 0;
  if (kept_tags)
    otel::for_each_attribute(span, [&](std::string_view key, const auto& value) {
      if (attribute++ < kept_tags) tag(key, value);
    });
  w.element_bytes(kind);
  if (has_status) {
    tag("otel.status_code", otel::name(summary.status));
    if (!summary.status_message.empty()) tag("otel.status_description", summary.status_message);
    if (is_error) tag("error", true);
  }
  w.element_bytes(fixed.scope);
  if (dropped_attributes) tag("otel.dropped_attributes_count", std::int64_t{dropped_attributes});
  if (dropped_events) tag("otel.dropped_events_count", std::int64_t{dropped_events});

  if (kept_logs) {
    w.field_struct_list(11, kept_logs);
    std::uint32_t log = 0;
    otel::for_each_event(span, [&](const otel::Event& event) {
      if (log++ >= kept_logs) return;
      w.struct_begin();
      w.field_i64(1, micros(event.unix_nanos));
      std::uint32_t fields = 1;
      event.for_each_attribute([&](std::string_view, const auto&) { ++fields; });
      w.field_struct_list(2, fields);
      tag("event", event.name);
      event.for_each_attribute(tag);
      w.struct_end();
    });
  }
  w.struct_end();
}

template <class W>
void write_process(W& w, std::string_view service, std::string& scratch) {
  const otel::Resource& resource = otel::Resource::get();
  std::string_view hostname;
  for (const otel::Resource::Attribute& a : resource.attributes())
    if (const auto* s = std::get_if<std::string>(&a.value); s && a.key == "host.name") hostname = *s;
  const std::string& ip = host_ip();
  const std::string& version = client_version();

  std::uint32_t tags = 1 + (hostname.empty() ? 0 : 1) + (ip.empty() ? 0 : 1);
  resource.for_each_attribute(service, [&](std::string_view key, const auto&) { tags += key != "service.name"; });

  const TagWriter<W> tag{w, scratch};
  w.struct_begin();
  w.field_string(1, service);
  w.field_struct_list(2, tags);
  tag("jaeger.version", std::string_view(version));
  if (!hostname.empty()) tag("hostname", hostname);
  if (!ip.empty()) tag("ip", std::string_view(ip));
  resource.for_each_attribute(service, [&](std::string_view key, const auto& value) {
    if (key != "service.name") tag(key, value);
  });
  w.struct_end();
}

template <class W>
void write_batch_head(W& w, Envelope envelope, std::string_view process, std::uint32_t spans, std::int32_t sequence_id) {
  if (envelope == Envelope::kEmitBatch) {
    w.message_begin(kEmitBatch, thrift::MessageType::kOneway, sequence_id);
    w.struct_begin();     // emitBatch's arguments
    w.field_struct(1);    // batch
  } else {
    w.struct_begin();     // the Batch
  }
  w.field_struct_bytes(1, process);
  w.field_struct_list(2, spans);
}

// The whole Batch in one writer: head, spans, the stops of the Batch and the envelope.
template <class W, class FixedTags>
void write_batch(W& w, const SpanBatch& batch, std::string_view service, Envelope envelope, std::string_view process,
                 std::uint32_t spans, std::string& scratch, const FixedTags& fixed) {
  write_batch_head(w, envelope, process, spans, 0);
  for (const SpanView& span : batch)
    if (is_of(span, service)) write_span(w, span, {}, scratch, fixed);
  w.struct_end();
  if (envelope == Envelope::kEmitBatch) w.struct_end();
}

}  // namespace

std::vector<std::string_view> services_of(const SpanBatch& batch) {
  std::vector<std::string_view> services;
  for (const SpanView& span : batch)
    if (std::none_of(services.begin(), services.end(), [&](std::string_view s) { return is_of(span, s); }))
      services.push_back(span.service());
  return services;
}

std::uint32_t count_of(const SpanBatch& batch, std::string_view service) noexcept {
  std::uint32_t n = 0;
  for (const SpanView& span : batch) n += is_of(span, service);
  return n;
}

const std::string& host_ip() {
  static const std::string ip = [] {
    std::string found;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return found;
    for (const ifaddrs* i = list; i && found.empty(); i = i->ifa_next) {
      if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
      if (!(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK)) continue;
      char text[INET_ADDRSTRLEN];
      if (inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr, text, sizeof text))
        found = text;
    }
    freeifaddrs(list);
    return found;
  }();
  return ip;
}

const std::string& client_version() {
  static const std::string version = "zspan-C++-" + std::string(kVersion);
  return version;
}

Encoder::Encoder(Protocol protocol)
    : protocol_(protocol),
      fixed_(protocol == Protocol::kCompact ? fixed_tags<thrift::CompactWriter, FixedTags>()
                                            : fixed_tags<thrift::BinaryWriter, FixedTags>()) {}

void Encoder::append_span(const SpanView& span, std::string& out, Trim trim) {
  if (protocol_ == Protocol::kCompact) {
    thrift::CompactWriter w(out);
    write_span(w, span, trim, scratch_, fixed_);
  } else {
    thrift::BinaryWriter w(out);
    write_span(w, span, trim, scratch_, fixed_);
  }
}

std::string_view Encoder::process(std::string_view service) {
  for (const auto& [name, encoded] : processes_)
    if (name == service) return encoded;
  if (processes_.size() == kMaxProcesses) processes_.clear();
  auto& [name, encoded] = processes_.emplace_back(service, std::string());
  if (protocol_ == Protocol::kCompact) {
    thrift::CompactWriter w(encoded);
    write_process(w, service, scratch_);
  } else {
    thrift::BinaryWriter w(encoded);
    write_process(w, service, scratch_);
  }
  return encoded;
}

void Encoder::append_batch_head(Envelope envelope, std::string_view process, std::uint32_t spans,
                                std::int32_t sequence_id, std::string& out) const {
  if (protocol_ == Protocol::kCompact) {
    thrift::CompactWriter w(out);
    write_batch_head(w, envelope, process, spans, sequence_id);
  } else {
    thrift::BinaryWriter w(out);
    write_batch_head(w, envelope, process, spans, sequence_id);
  }
}

void Encoder::append_batch(const SpanBatch& batch, std::string_view service, Envelope envelope, std::string& out) {
  const std::uint32_t spans = count_of(batch, service);
  const std::string_view encoded_process = process(service);
  if (protocol_ == Protocol::kCompact) {
    thrift::CompactWriter w(out);
    write_batch(w, batch, service, envelope, encoded_process, spans, scratch_, fixed_);
  } else {
    thrift::BinaryWriter w(out);
    write_batch(w, batch, service, envelope, encoded_process, spans, scratch_, fixed_);
  }
}

}  // namespace zspan::jaeger
