#include "tests/exporters/jaeger/jaeger_test_support.hpp"

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/jaeger/Agent.h"
#include "zspan/trace/export/otel.hpp"
#include "zspan/trace/version.hpp"

namespace zspan::testing {
namespace {

using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::protocol::TCompactProtocol;
using apache::thrift::protocol::TMessageType;
using apache::thrift::protocol::TProtocol;
using apache::thrift::transport::TMemoryBuffer;

constexpr std::uint64_t kInt64Max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// Reads `bytes` with `read(protocol)` and checks that nothing is left.
template <class Read>
void read_all(std::string_view bytes, jaeger::Protocol protocol, Read&& read) {
  auto buffer = std::make_shared<TMemoryBuffer>(reinterpret_cast<std::uint8_t*>(const_cast<char*>(bytes.data())),
                                                static_cast<std::uint32_t>(bytes.size()), TMemoryBuffer::COPY);
  std::unique_ptr<TProtocol> in;
  if (protocol == jaeger::Protocol::kCompact) in = std::make_unique<TCompactProtocol>(buffer);
  else in = std::make_unique<TBinaryProtocol>(buffer);
  read(*in);
  if (buffer->available_read() != 0)
    throw std::runtime_error(std::to_string(buffer->available_read()) + " bytes left after the message");
}

// The OpenTelemetry names of the golden trace's keys that have one of their own.
std::string otel_name(const std::string& key) {
  for (const zspan::detail::FieldKey* k : {&tags::http_method.field, &tags::http_status_code.field, &tags::db_statement.field,
                            &logs::error_kind.field, &logs::error_object.field, &logs::stack.field})
    if (k->name == key) return std::string(k->otel());
  return key;
}

struct ToTag {
  const std::string& key;
  jt::Tag operator()(bool v) const { return bool_tag(key, v); }
  jt::Tag operator()(std::int64_t v) const { return long_tag(key, v); }
  jt::Tag operator()(std::uint64_t v) const {
    return v > kInt64Max ? string_tag(key, std::to_string(v)) : long_tag(key, static_cast<std::int64_t>(v));
  }
  jt::Tag operator()(double v) const { return double_tag(key, v); }
  jt::Tag operator()(const std::string& v) const { return string_tag(key, v); }
  template <class T>
  jt::Tag operator()(const std::vector<T>& v) const {
    return string_tag(key, nlohmann::json(v).dump());
  }
};

jt::Tag tag_of(const std::string& key, const SpanData::TagValue& value) { return std::visit(ToTag{key}, value); }

jt::SpanRef reference(jt::SpanRefType::type type, TraceId trace, SpanId span) {
  jt::SpanRef r;
  r.refType = type;
  r.traceIdLow = static_cast<std::int64_t>(trace.low);
  r.traceIdHigh = static_cast<std::int64_t>(trace.high);
  r.spanId = static_cast<std::int64_t>(span.value);
  return r;
}

}  // namespace

jt::Tag string_tag(const std::string& key, const std::string& value) {
  jt::Tag t;
  t.key = key;
  t.vType = jt::TagType::STRING;
  t.__set_vStr(value);
  return t;
}
jt::Tag long_tag(const std::string& key, std::int64_t value) {
  jt::Tag t;
  t.key = key;
  t.vType = jt::TagType::LONG;
  t.__set_vLong(value);
  return t;
}
jt::Tag bool_tag(const std::string& key, bool value) {
  jt::Tag t;
  t.key = key;
  t.vType = jt::TagType::BOOL;
  t.__set_vBool(value);
  return t;
}
jt::Tag double_tag(const std::string& key, double value) {
  jt::Tag t;
  t.key = key;
  t.vType = jt::TagType::DOUBLE;
  t.__set_vDouble(value);
  return t;
}

jt::Batch decode_batch(std::string_view bytes, jaeger::Protocol protocol) {
  jt::Batch batch;
  read_all(bytes, protocol, [&](TProtocol& in) { batch.read(&in); });
  return batch;
}

jt::Batch decode_emit_batch(std::string_view datagram, jaeger::Protocol protocol) {
  jaegertracing::agent::thrift::Agent_emitBatch_args args;
  read_all(datagram, protocol, [&](TProtocol& in) {
    std::string name;
    TMessageType type;
    std::int32_t sequence_id = 0;
    in.readMessageBegin(name, type, sequence_id);
    if (name != "emitBatch" || type != apache::thrift::protocol::T_ONEWAY)
      throw std::runtime_error("not a oneway emitBatch: " + name + " type " + std::to_string(type));
    args.read(&in);
    in.readMessageEnd();
  });
  if (!args.__isset.batch) throw std::runtime_error("emitBatch without its batch");
  return args.batch;
}

jt::Span expected_span(const SpanData& d, const std::string& status_message, std::size_t kept_tags,
                       std::size_t kept_logs) {
  jt::Span s;
  s.traceIdLow = static_cast<std::int64_t>(d.trace_id.low);
  s.traceIdHigh = static_cast<std::int64_t>(d.trace_id.high);
  s.spanId = static_cast<std::int64_t>(d.span_id.value);
  s.parentSpanId = static_cast<std::int64_t>(d.parent_id.value);
  s.operationName = d.name;
  std::vector<jt::SpanRef> references;
  if (d.parent_id.valid())
    references.push_back(reference(
        d.parent_reference == Reference::kFollowsFrom ? jt::SpanRefType::FOLLOWS_FROM : jt::SpanRefType::CHILD_OF,
        d.trace_id, d.parent_id));
  for (const SpanData::ExtraReference& r : d.references)
    references.push_back(reference(
        r.kind == Reference::kFollowsFrom ? jt::SpanRefType::FOLLOWS_FROM : jt::SpanRefType::CHILD_OF, r.trace_id,
        r.span_id));
  if (!references.empty()) s.__set_references(references);
  s.flags = 1;  // sampled
  s.startTime = static_cast<std::int64_t>(d.start_unix_nanos / 1000);
  s.duration = static_cast<std::int64_t>(d.duration_nanos / 1000);

  std::vector<jt::Tag> tags;
  std::string kind;
  std::size_t attributes = 0;
  for (const SpanData::Tag& t : d.tags) {
    if (t.key == "span.kind") {
      kind = std::get<std::string>(t.value);
      continue;
    }
    if (attributes++ < kept_tags) tags.push_back(tag_of(otel_name(t.key), t.value));
  }
  if (!kind.empty() && kind != "internal") tags.push_back(string_tag("span.kind", kind));
  if (d.error) {
    tags.push_back(string_tag("otel.status_code", "ERROR"));
    if (!status_message.empty()) tags.push_back(string_tag("otel.status_description", status_message));
    tags.push_back(bool_tag("error", true));
  }
  tags.push_back(string_tag("otel.scope.name", "zspan"));
  tags.push_back(string_tag("otel.scope.version", std::string(kVersion)));
  const std::size_t dropped_tags = d.dropped_fields + (attributes - std::min(attributes, kept_tags));
  if (dropped_tags) tags.push_back(long_tag("otel.dropped_attributes_count", static_cast<std::int64_t>(dropped_tags)));
  if (kept_logs < d.logs.size())
    tags.push_back(long_tag("otel.dropped_events_count", static_cast<std::int64_t>(d.logs.size() - kept_logs)));
  s.__set_tags(tags);

  std::vector<jt::Log> logs;
  for (const SpanData::Log& log : d.logs) {
    if (logs.size() == kept_logs) break;
    jt::Log& l = logs.emplace_back();
    l.timestamp = static_cast<std::int64_t>(log.unix_nanos / 1000);
    const SpanData::Tag* event = log.field("event");
    l.fields.push_back(string_tag("event", event ? std::get<std::string>(event->value) : "log"));
    for (const SpanData::Tag& f : log.fields)
      if (f.key != "event") l.fields.push_back(tag_of(otel_name(f.key), f.value));
  }
  if (!logs.empty()) s.__set_logs(logs);
  return s;
}

jt::Process expected_process(const std::string& service) {
  jt::Process p;
  p.serviceName = service;
  std::vector<jt::Tag> tags = {string_tag("jaeger.version", "zspan-C++-" + std::string(kVersion))};
  for (const otel::Resource::Attribute& a : otel::Resource::get().attributes())
    if (a.key == "host.name") tags.push_back(string_tag("hostname", std::get<std::string>(a.value)));
  if (!jaeger::host_ip().empty()) tags.push_back(string_tag("ip", jaeger::host_ip()));
  otel::Resource::get().for_each_attribute(service, [&](std::string_view key, const auto& value) {
    if (key == "service.name") return;
    if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::int64_t>)
      tags.push_back(long_tag(std::string(key), value));
    else
      tags.push_back(string_tag(std::string(key), std::string(value)));
  });
  p.__set_tags(tags);
  return p;
}

std::vector<std::string> golden_status_messages() { return {"", "", "upstream returned 503", "", "", "", ""}; }

jt::Batch expected_batch(const std::vector<SpanData>& spans, const std::vector<std::string>& status_messages,
                         const std::string& service) {
  jt::Batch batch;
  batch.process = expected_process(service);
  for (std::size_t i = 0; i < spans.size(); ++i)
    if (spans[i].service == service) batch.spans.push_back(expected_span(spans[i], status_messages.at(i)));
  return batch;
}

}  // namespace zspan::testing
