#include "zspan/exporters/chrome/chrome_trace_exporter.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>

#include "zspan/exporters/json/json_writer.hpp"
#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/export/otel.hpp"

namespace zspan {
namespace {

RateLimitedWarning write_failed("zspan: Chrome trace exporter could not write spans");

constexpr std::uint64_t kNanosPerDay = 86'400'000'000'000;
constexpr std::size_t kRecentSpans = 4096;  // a power of two
constexpr std::string_view kFlowCategory = "link";
// The phase of each kind of event, with what goes with it.
constexpr std::string_view kComplete = R"("ph":"X")";
constexpr std::string_view kInstant = R"("ph":"i","s":"t")";
constexpr std::string_view kFlowStart = R"("ph":"s")";
constexpr std::string_view kFlowEnd = R"("ph":"f","bp":"e")";

// trace.json -> trace.4242.json; trace -> trace.4242 (a dot that starts the file name is no extension).
std::string path_for_pid(const std::string& path, pid_t pid) {
  const std::size_t slash = path.rfind('/');
  const std::size_t name = slash == std::string::npos ? 0 : slash + 1;
  std::size_t dot = path.rfind('.');
  if (dot == std::string::npos || dot <= name) dot = path.size();
  return path.substr(0, dot) + "." + std::to_string(pid) + path.substr(dot);
}

void write_cut_keys(JsonWriter& json, std::vector<std::string_view>& cut_keys) {
  if (cut_keys.empty()) return;
  json.key("truncated");
  json.begin_array();
  for (std::string_view key : cut_keys) json.value(key);
  json.end_array();
  cut_keys.clear();
}

}  // namespace

ChromeTraceEncoder::ChromeTraceEncoder() { restart(); }

void ChromeTraceEncoder::restart() {
  pid_ = ::getpid();
  metadata_written_ = false;
  origin_set_ = false;
  layout_ = {};
  tracks_.clear();
  placed_.assign(kRecentSpans, Recent{});
  children_.assign(kRecentSpans, Recent{});
  waiting_.clear();
  next_flow_id_ = 1;
}

ChromeTraceEncoder::Recent& ChromeTraceEncoder::recent_slot(std::vector<Recent>& table, std::uint64_t span_id) noexcept {
  return table[(span_id * 0x9E3779B97F4A7C15ull) >> (64 - std::countr_zero(kRecentSpans))];
}

void ChromeTraceEncoder::encode(const SpanBatch& batch, std::string& out) {
  if (batch.empty()) return;
  JsonWriter json(out);
  json_ = &json;
  first_event_ = true;
  if (!origin_set_) {
    std::uint64_t earliest = batch[0].start_unix_nanos();
    for (const SpanView& span : batch) earliest = std::min(earliest, span.start_unix_nanos());
    origin_unix_nanos_ = earliest - earliest % kNanosPerDay;
    origin_set_ = true;
  }
  if (!metadata_written_) write_metadata();
  for (const SpanView& span : batch) encode_span(span);
  json_ = nullptr;
}

void ChromeTraceEncoder::next_event() {
  if (!first_event_) json_->separator(",\n");
  first_event_ = false;
}

void ChromeTraceEncoder::begin_event(std::string_view phase, std::string_view name, std::string_view track_members,
                                     std::uint64_t unix_nanos) {
  next_event();
  JsonWriter& json = *json_;
  json.begin_object();
  json.members(phase);
  json.member("name", name);
  json.members(track_members);
  json.key("ts");
  json.thousandths(static_cast<std::int64_t>(unix_nanos - origin_unix_nanos_));
}

std::string ChromeTraceEncoder::track_members(std::string_view category, std::uint32_t tid) const {
  std::string members;
  {
    JsonWriter json(members);
    json.member("cat", category);
    json.member("pid", pid_);
    json.member("tid", tid);
  }
  return members;
}

void ChromeTraceEncoder::write_metadata() {
  next_event();
  JsonWriter& json = *json_;
  json.begin_object();
  json.member("ph", "M");
  json.member("name", "process_name");
  json.member("pid", pid_);
  json.key("args");
  json.begin_object();
  json.member("name", program_invocation_short_name);
  json.member("zspan.time_origin_unix_nanos", origin_unix_nanos_);
  json.end_object();
  json.end_object();
  metadata_written_ = true;
  for (const Track& track : tracks_) write_track_name(track);
}

void ChromeTraceEncoder::write_track_name(const Track& track) {
  for (const bool sort_index : {false, true}) {
    next_event();
    JsonWriter& json = *json_;
    json.begin_object();
    json.member("ph", "M");
    json.member("name", sort_index ? "thread_sort_index" : "thread_name");
    json.member("pid", pid_);
    json.member("tid", track.tid);
    json.key("args");
    json.begin_object();
    if (sort_index) {
      json.member("sort_index", track.service_index * ChromeTrackLayout::kMaxLanes + track.lane);
    } else if (track.lane == 0) {
      json.member("name", track.service);
    } else {
      json.member("name", track.service + " (" + std::to_string(track.lane + 1) + ")");
    }
    json.end_object();
    json.end_object();
  }
}

void ChromeTraceEncoder::write_flow(std::string_view phase, std::uint64_t id, Reference reference, const Track& track,
                                    std::uint64_t unix_nanos) {
  begin_event(phase, otel::ref_type(reference), track.flow_members, unix_nanos);
  json_->member("id", id);
  json_->end_object();
}

void ChromeTraceEncoder::encode_span(const SpanView& span) {
  JsonWriter& json = *json_;
  const std::uint64_t start = span.start_unix_nanos();
  const std::uint64_t end = std::max(start, span.end_unix_nanos());
  const std::uint64_t span_id = span.span_id().value;

  const Recent& child = recent_slot(children_, span_id);
  const ChromeTrackLayout::Placement placed =
      layout_.place(span.service(), start, end, child.span_id == span_id ? child.tid : 0);
  if (placed.is_new) {
    tracks_.push_back({placed.tid, placed.lane, placed.service_index, std::string(placed.service),
                       track_members(placed.service, placed.tid), track_members(kFlowCategory, placed.tid)});
    if (metadata_written_) write_track_name(tracks_.back());
  }
  const Track& track = tracks_[placed.tid - 1];
  if (span.parent_id().valid()) recent_slot(children_, span.parent_id().value) = {span.parent_id().value, track.tid, start};

  const otel::SpanSummary summary = otel::summarize(span);
  begin_event(kComplete, span.name(), track.members, start);
  json.key("dur");
  json.thousandths(static_cast<std::int64_t>(end - start));
  json.key("args");
  const JsonAttributeWriter attribute{json, cut_keys_};
  json.begin_object();
  otel::for_each_attribute(span, attribute);
  json.member("trace_id", span.trace_id());
  json.member("span_id", span.span_id());
  if (span.parent_id().valid()) json.member("parent_id", span.parent_id());
  if (span.has_remote_parent()) json.member("parent_is_remote", true);
  if (summary.kind != otel::SpanKind::kInternal) json.member("kind", otel::name(summary.kind));
  if (summary.status == otel::StatusCode::kError) {
    json.member("status", otel::name(summary.status));
    json.member("status_message", summary.status_message);
  }
  write_cut_keys(json, cut_keys_);
  if (summary.dropped_attributes > 0) json.member("dropped_attributes", summary.dropped_attributes);
  if (summary.links > 0) {
    json.key("links");
    json.begin_array();
    otel::for_each_link(span, [&](const otel::Link& link) {
      json.begin_object();
      json.member("trace_id", link.trace_id);
      json.member("span_id", link.span_id);
      json.member("ref_type", otel::ref_type(link.reference));
      json.end_object();
    });
    json.end_array();
  }
  json.end_object();
  json.end_object();

  otel::for_each_event(span, [&](const otel::Event& event) {
    begin_event(kInstant, event.name, track.members, event.unix_nanos);
    json.key("args");
    json.begin_object();
    event.for_each_attribute(attribute);
    write_cut_keys(json, cut_keys_);
    json.end_object();
    json.end_object();
  });

  if (summary.links > 0) {
    otel::for_each_link(span, [&](const otel::Link& link) {
      const std::uint64_t id = next_flow_id_++;
      write_flow(kFlowEnd, id, link.reference, track, start);
      const Recent& linked = recent_slot(placed_, link.span_id.value);
      if (link.span_id.valid() && linked.span_id == link.span_id.value) {
        write_flow(kFlowStart, id, link.reference, tracks_[linked.tid - 1], linked.start);
        return;
      }
      if (waiting_.size() >= kMaxWaitingFlows) waiting_.clear();
      waiting_.emplace(link.span_id.value, WaitingFlow{id, link.reference});
    });
  }
  if (!waiting_.empty()) {
    const auto [first, last] = waiting_.equal_range(span_id);
    for (auto it = first; it != last; ++it) write_flow(kFlowStart, it->second.id, it->second.reference, track, start);
    waiting_.erase(first, last);
  }
  recent_slot(placed_, span_id) = {span_id, track.tid, start};
}

ChromeTraceExporter::ChromeTraceExporter(std::string path)
    : path_(path), sink_(std::move(path), OutputSink::Mode::kTruncate) {
  start_document();
}

ChromeTraceExporter::ChromeTraceExporter(std::ostream& out) : sink_(out) { start_document(); }

void ChromeTraceExporter::start_document() noexcept {
  started_ = sink_.write(sink_.seekable() ? "[\n]\n" : "[\n");
  if (!started_) write_failed.emit("{}", sink_.describe_error());
}

ExportResult ChromeTraceExporter::export_batch(const SpanBatch& batch) {
  if (batch.empty()) return ExportResult::success();
  if (!started_) start_document();
  if (!started_) return ExportResult::permanent();
  buffer_.clear();
  if (has_events_) buffer_ += ",\n";
  encoder_.encode(batch, buffer_);
  std::size_t rewind = 0;
  if (sink_.seekable()) {
    buffer_ += "\n]\n";
    rewind = has_events_ ? 3 : 2;  // "\n]\n" after events, "]\n" after "[\n"
  }
  if (sink_.write(buffer_, rewind)) {
    has_events_ = true;
    return ExportResult::success();
  }
  encoder_.repeat_metadata();
  write_failed.emit("{}", sink_.describe_error());
  return ExportResult::permanent();
}

void ChromeTraceExporter::shutdown(std::chrono::milliseconds) noexcept {
  if (started_ && !sink_.seekable() && !sink_.write(has_events_ ? "\n]\n" : "]\n"))
    write_failed.emit("{}", sink_.describe_error());
}

void ChromeTraceExporter::on_fork_child() noexcept {
  try {
    sink_.on_fork_child(path_.empty() ? std::string() : path_for_pid(path_, ::getpid()));
    encoder_.restart();
  } catch (...) {
    // Out of memory in the child: its batches fail, one line each 10 s says so.
  }
  started_ = has_events_ = false;
}

}  // namespace zspan
