// ChromeTraceExporter: finished spans as a Chrome Trace Event file (the JSON Array Format),
// which the Perfetto UI (ui.perfetto.dev) and chrome://tracing open: for profiling a hot
// path on a timeline, not for shipping traces (use an OTLP exporter for that).
//
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::ChromeTraceExporter> tracer{"checkout", {}, "trace.json"};
//   ... run ...
//   tracer.flush();   // trace.json opens in ui.perfetto.dev, now and at any later flush
//
// What the file holds, one event per line (the Trace Event Format's names):
//  - A span is a complete event: {"ph":"X","name":<span name>,"cat":<service>,"pid":<process
//    id>,"tid":<track>,"ts":<start>,"dur":<duration>,"args":{...}}. ts and dur are in
//    microseconds with up to three decimals (exact nanoseconds). ts counts from the UTC
//    midnight before the first span the file holds (small numbers keep nanosecond precision
//    in viewers that read them as doubles); that origin, in Unix nanoseconds, is in the
//    process_name event's args as "zspan.time_origin_unix_nanos".
//  - args: the span's attributes under their OpenTelemetry names (trace/export/otel.hpp),
//    then "trace_id", "span_id" and, when it has one, "parent_id" (hex); "parent_is_remote":
//    true for a parent in another process; "kind" unless INTERNAL; "status": "ERROR" and
//    "status_message" for a failed span; "truncated": the keys of strings cut at the size
//    limit; "dropped_attributes": fields that did not fit; "links": [{"trace_id","span_id",
//    "ref_type"}]. Values are written as exporters/json/json_writer.hpp says (strings as
//    UTF-8, invalid bytes as U+FFFD; integers exact).
//  - A log is an instant event on its span's track at its time: {"ph":"i","s":"t","name":
//    <event name>,...,"args":{<its fields but the name>}}, so it shows as a mark inside the
//    span.
//  - followsFrom (a followsFrom parent and every extra reference, OpenTelemetry's links) is
//    an arrow: a flow start {"ph":"s","id":n,"cat":"link","name":"follows_from"|"child_of"}
//    at the start of the linked span, on its track, and the flow end {"ph":"f","bp":"e",...}
//    at the start of the span that refers to it. The start is written once the linked span
//    is in the file (it may come in a later batch); one never exported (in another process,
//    or waiting while 4096 others wait) has no arrow, only its "links" arg.
//  - Tracks: zspan does not record threads, so each service gets tracks of its own (Chrome
//    "threads", named by thread_name metadata events: "frontend", "frontend (2)", ...), as
//    many as its overlapping spans need: exporters/chrome/track_layout.hpp. The process is
//    named after the program (process_name metadata). If zspan one day records a span's
//    thread, a track per thread would be the natural mapping.
//
// The file is valid JSON after every batch, for a strict parser too: each batch writes its
// events and a closing `]`, and the next batch writes over that `]` (one write(2), no
// user-space buffer). A program killed between batches leaves a complete document. A
// stream that cannot seek back (a pipe, std::cout) gets `[`, the events, and the closing
// `]` at shutdown only. A file is created or emptied when the exporter is made.
//
// Failures never reach the program: a path that cannot be opened or a write that fails
// prints one rate-limited line to stderr and the batch is counted as rejected
// (ExportResult::permanent()); the file is tried again with the next batch and stays valid.
// After fork(), the child writes its own file, the path with its pid before the extension
// (trace.json -> trace.4242.json); an exporter given a stream stops in the child.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zspan/exporters/chrome/track_layout.hpp"
#include "zspan/exporters/json/json_writer.hpp"
#include "zspan/exporters/json/output_sink.hpp"
#include "zspan/trace/export/exporter.hpp"

namespace zspan {

// The encoding alone, with the state a file needs across batches (tracks, the time origin,
// arrows waiting for their start).
class ChromeTraceEncoder {
 public:
  ChromeTraceEncoder();

  // Appends the events of `batch` to `out`: JSON objects separated by ",\n", with no
  // separator before the first or after the last.
  void encode(const SpanBatch& batch, std::string& out);
  // The events of the last encode() were lost (a failed write): name the process and the
  // tracks again in the next one.
  void repeat_metadata() noexcept { metadata_written_ = false; }
  // A new file for a new process (a fork()ed child): start over.
  void restart();

  static constexpr std::size_t kMaxWaitingFlows = 4096;

 private:
  struct Recent {
    std::uint64_t span_id = 0;
    std::uint32_t tid = 0;
    std::uint64_t start = 0;
  };
  struct WaitingFlow {
    std::uint64_t id;
    Reference reference;
  };
  struct Track {
    std::uint32_t tid;
    std::uint32_t lane;
    std::uint32_t service_index;
    std::string service;
    std::string members;       // "cat":<service>,"pid":<pid>,"tid":<tid>, as every span and log on it has
    std::string flow_members;  // "cat":"link","pid":<pid>,"tid":<tid>, as arrows to and from it have
  };

  void encode_span(const SpanView& span);
  void next_event();
  void write_metadata();
  void write_track_name(const Track& track);
  void begin_event(std::string_view phase, std::string_view name, std::string_view track_members,
                   std::uint64_t unix_nanos);
  void write_flow(std::string_view phase, std::uint64_t id, Reference reference, const Track& track,
                  std::uint64_t unix_nanos);
  std::string track_members(std::string_view category, std::uint32_t tid) const;
  Recent& recent_slot(std::vector<Recent>& table, std::uint64_t span_id) noexcept;

  pid_t pid_;
  JsonWriter* json_ = nullptr;  // during encode()
  bool first_event_ = true;
  bool metadata_written_ = false;
  bool origin_set_ = false;
  std::uint64_t origin_unix_nanos_ = 0;
  ChromeTrackLayout layout_;
  std::vector<Track> tracks_;  // every track opened, by tid - 1
  std::vector<Recent> placed_;     // span id -> its track and start, for arrows to it
  std::vector<Recent> children_;   // parent span id -> the track of a child, to enclose it
  std::unordered_multimap<std::uint64_t, WaitingFlow> waiting_;  // linked span id -> arrows
  std::uint64_t next_flow_id_ = 1;
  std::vector<std::string_view> cut_keys_;
};

class ChromeTraceExporter {
 public:
  explicit ChromeTraceExporter(std::string path);
  explicit ChromeTraceExporter(std::ostream& out);

  std::string_view name() const noexcept { return "chrome"; }  // in zspan::stats().exporters
  ExportResult export_batch(const SpanBatch& batch);
  void shutdown(std::chrono::milliseconds timeout) noexcept;
  void on_fork_child() noexcept;

 private:
  void start_document() noexcept;

  std::string path_;
  OutputSink sink_;
  ChromeTraceEncoder encoder_;
  std::string buffer_;
  bool started_ = false;     // the sink holds "[" (and, if seekable, "]")
  bool has_events_ = false;  // ... and events
};

}  // namespace zspan
