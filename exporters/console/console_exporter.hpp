// ConsoleExporter: each finished trace as a waterfall on a terminal, for people. One row
// per span, under its parent, with its service, duration, errors and a bar on the trace's
// time axis (exporters/console/waterfall.hpp shows the layout and its rules).
//
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::ConsoleExporter> tracer{"checkout"};   // stdout
//   zspan::ConsoleOptions options;
//   options.details = true;                                  // tags, logs, links under each row
//   auto console = zspan::share_exporter<zspan::ConsoleExporter>(zspan::ExportOptions::from_env(), options);
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::ConsoleExporter> frontend{"frontend", {}, console};
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::ConsoleExporter> backend{"backend", {}, console};
//
// Give the tracers of one process one exporter (share_exporter): a trace is assembled per
// exporter, so two would print the services of a trace apart.
//
// When a trace is printed:
//  - Spans arrive in batches, a trace's spread over several, children before parents. They
//    are buffered per trace id until the trace is complete: no buffered span waits for a
//    parent, each having none, a remote one (another process) or one already here. So a
//    trace prints once its local roots have ended, whatever the order of its batches.
//  - A complete trace then waits `grace` after its last span for late ones. The exporter has
//    no timer: the wait is checked at each export call, so in a quiet program a held trace
//    prints with the next batch or at flush. With the default 0 a trace prints at the end of
//    the call that completed it. Spans that arrive after their trace was printed (work that
//    followsFrom a span and outlives it, a child another thread ended at the same moment)
//    print as a "continued" block on the same time axis, for the last 1024 traces printed;
//    later ones start a trace of their own.
//  - flush() and shutdown() print every trace still buffered; one whose spans wait for a
//    parent is marked "incomplete" and those spans start at the left. Later spans of it
//    print as "continued".
//  - At most `max_buffered_spans` spans wait. One more prints the trace buffered first, early
//    (marked "incomplete: buffer full" if it was), rather than drop spans.
//
// Output and colors:
//  - Written to a FILE* (stdout by default, not closed) or a file opened at `path` (truncated,
//    closed at shutdown); one trace at a time, flushed after each, so traces never interleave
//    with each other. A write that fails, or a file that cannot be opened, prints one
//    rate-limited line on stderr; nothing is thrown into the program.
//  - Colors (ANSI) on kAuto when the output is a terminal and NO_COLOR is unset or empty
//    (no-color.org); kAlways and kNever force them.
//  - The width is `width` if set, else $COLUMNS, else the terminal's (TIOCGWINSZ), else 100;
//    read for each trace, so a resized terminal is followed. From 40 to 1000.
//  - After fork(), the child forgets the traces it inherited: the parent prints them.
//
// Spans wait as console::SpanRow, what the waterfall shows of them as trace/export/otel.hpp
// maps them (kind, status message, attribute names, cut strings), rather than as SpanData.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zspan/exporters/console/waterfall.hpp"
#include "zspan/trace/export/exporter.hpp"

namespace zspan {

struct ConsoleOptions {
  enum class Color : std::uint8_t { kAuto, kAlways, kNever };

  Color color = Color::kAuto;
  std::size_t width = 0;  // cells a line; 0: the terminal's
  bool details = false;   // under each row: kind, tags, logs, links, dropped fields
  std::chrono::milliseconds grace{0};  // a complete trace waits this long for late spans
  std::size_t max_buffered_spans = 10'000;
};

class ConsoleExporter {
 public:
  explicit ConsoleExporter(ConsoleOptions options = {}, std::FILE* out = stdout) noexcept;
  ConsoleExporter(ConsoleOptions options, const std::string& path) noexcept;

  std::string_view name() const noexcept { return "console"; }  // in zspan::stats().exporters
  ExportResult export_batch(const SpanBatch& batch);
  bool flush(std::chrono::milliseconds timeout);
  void shutdown(std::chrono::milliseconds timeout);
  void on_fork_child() noexcept;

 private:
  using Clock = std::chrono::steady_clock;
  struct CloseFile {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
  };
  struct PendingTrace {
    std::vector<console::SpanRow> spans;
    std::uint64_t arrival = 0;       // orders traces by their first span's arrival
    bool changed = true;             // spans arrived since completeness was last checked
    std::optional<Clock::time_point> complete_since;
  };
  enum class Why : std::uint8_t { kComplete, kFlush, kBufferFull };

  bool complete(TraceId id, const PendingTrace& trace) const;
  using PendingIt = std::map<TraceId, PendingTrace>::iterator;
  void print_due(Clock::time_point now);
  void print_all(Why why);
  void print_in_arrival_order(std::vector<PendingIt> traces, Why why);
  void print(PendingIt trace, Why why);
  void remember_printed(TraceId id, std::uint64_t origin_unix_nanos);
  std::size_t width() const noexcept;
  void write(const std::string& text) noexcept;

  ConsoleOptions options_;
  std::unique_ptr<std::FILE, CloseFile> owned_file_;
  std::FILE* out_;
  bool color_;
  std::map<TraceId, PendingTrace> pending_;
  std::size_t buffered_spans_ = 0;
  std::uint64_t arrivals_ = 0;
  std::map<TraceId, std::uint64_t> printed_;  // trace id -> the origin of its axis
  std::deque<TraceId> printed_order_;
};

}  // namespace zspan
