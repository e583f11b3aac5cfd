#include "zspan/exporters/jsonl/json_lines_exporter.hpp"

#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/export/otel.hpp"

namespace zspan {
namespace {

RateLimitedWarning write_failed("zspan: JSON Lines exporter could not write spans");

void write_cut_keys(JsonWriter& json, std::vector<std::string_view>& cut_keys) {
  json.key("truncated_attributes");
  json.begin_array();
  for (std::string_view key : cut_keys) json.value(key);
  json.end_array();
  cut_keys.clear();
}

}  // namespace

void JsonLinesEncoder::encode(const SpanView& span, JsonWriter& json) {
  const otel::SpanSummary summary = otel::summarize(span);
  json.begin_object();
  json.member("trace_id", span.trace_id());
  json.member("span_id", span.span_id());
  if (span.parent_id().valid()) json.member("parent_span_id", span.parent_id());
  else json.member("parent_span_id", "");
  json.member("parent_is_remote", span.has_remote_parent());
  json.member("name", span.name());
  json.member("service", span.service());
  json.member("kind", otel::name(summary.kind));
  json.member("start_time_unix_nano", span.start_unix_nanos());
  json.member("end_time_unix_nano", span.end_unix_nanos());

  json.key("status");
  json.begin_object();
  json.member("code", otel::name(summary.status));
  json.member("message", summary.status_message);
  json.end_object();

  const JsonAttributeWriter attribute{json, cut_keys_};
  json.key("attributes");
  json.begin_object();
  otel::for_each_attribute(span, attribute);
  json.end_object();
  write_cut_keys(json, cut_keys_);
  json.member("dropped_attributes_count", summary.dropped_attributes);

  json.key("events");
  json.begin_array();
  otel::for_each_event(span, [&](const otel::Event& event) {
    json.begin_object();
    json.member("time_unix_nano", event.unix_nanos);
    json.member("name", event.name);
    json.key("attributes");
    json.begin_object();
    event.for_each_attribute(attribute);
    json.end_object();
    write_cut_keys(json, cut_keys_);
    json.end_object();
  });
  json.end_array();

  json.key("links");
  json.begin_array();
  otel::for_each_link(span, [&](const otel::Link& link) {
    json.begin_object();
    json.member("trace_id", link.trace_id);
    json.member("span_id", link.span_id);
    json.key("attributes");
    json.begin_object();
    json.member(otel::kRefTypeKey, otel::ref_type(link.reference));
    json.end_object();
    json.end_object();
  });
  json.end_array();

  json.end_object();
  json.separator("\n");
}

JsonLinesExporter::JsonLinesExporter(std::string path) : sink_(std::move(path), OutputSink::Mode::kAppend) {}

JsonLinesExporter::JsonLinesExporter(std::ostream& out) : sink_(out) {}

ExportResult JsonLinesExporter::export_batch(const SpanBatch& batch) {
  buffer_.clear();
  {
    JsonWriter json(buffer_);
    for (const SpanView& span : batch) encoder_.encode(span, json);
  }
  if (sink_.write(buffer_)) return ExportResult::success();
  write_failed.emit("{}", sink_.describe_error());
  return ExportResult::permanent();
}

void JsonLinesExporter::on_fork_child() noexcept { sink_.on_fork_child({}); }

}  // namespace zspan
