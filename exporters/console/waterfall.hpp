// The console waterfall of one trace: what ConsoleExporter prints (the exporter decides
// when; this decides how). A span becomes a SpanRow during the export call; rows of one
// trace are rendered together as a Block.
//
//   trace 0af7651916cd43dd8448eb211c80319c · 9.00ms · 6 spans · 2 services · 1 error
//                                                0             4.50ms         9.00ms
//   GET /users                frontend  5.00ms   ████████████████████
//     ↳ authenticate          frontend  1.00ms   █████
//     ↳ SELECT users          backend   3.00ms ✗     █████████████
//           ✗ upstream returned 503
//     ⤷ send email            frontend  4.70ms                   ░░░░░░░░░░░░░░░░░░░
//     ↳ naïve "quoted"\n\ttab frontend   100µs                     █
//   ⇢ handle                  frontend   200µs                    █
//
// The rules:
//  - Rows in tree order: a span under its parent, siblings by start time; a span whose
//    parent is not in the block starts at the left. The marker before a name says how the
//    span relates to its parent: ↳ child of, ⤷ follows from (its bar is shaded, not solid),
//    ⇢ a remote parent (another process); none for a root.
//  - Columns: name (indented two cells a level), service, duration (ns, µs, ms, s with three
//    significant digits), ✗ for an error, then the bar on the trace's time axis (from the
//    earliest start to the latest end; at least one cell). Every text is shown with
//    console::visible(), so control characters cannot break a row.
//  - The header: the trace id, notes ("continued", "incomplete"), the trace's duration and
//    counts; the id alone on the first line when they do not fit on one.
//  - Widths: the line is `width` cells (at least 40). The name column is as wide as its
//    longest entry but leaves the bar at least 10 cells; the service column as wide as its
//    longest name up to width / 8; longer texts end in "…". The bar gets the rest.
//  - Under a row, four cells deeper than its name (deeper than a child's row): a failed
//    span's status message; with details, then the kind (unless internal), attributes,
//    events (at their offset from the trace's start), links other than the parent, a remote
//    parent's id and the count of dropped fields, all as OpenTelemetry maps them
//    (trace/export/otel.hpp); a string cut at the size limit says so; long lines wrap.
//  - Colors (when asked): each service its own color, chosen from its name; errors red;
//    axis and detail keys dim. Lines never end in spaces.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zspan/trace/export/span_view.hpp"

namespace zspan::console {

// What the waterfall shows of a span, owned (the span's view ends with the export call).
struct SpanRow {
  struct Detail {
    std::optional<std::uint64_t> at_unix_nanos;  // an event's time
    std::string text;                            // already visible()
  };

  std::string name;
  std::string service;
  SpanId span_id;
  SpanId parent_id;
  Reference reference = Reference::kChildOf;
  bool remote_parent = false;
  bool error = false;
  std::uint64_t start_unix_nanos = 0;
  std::uint64_t end_unix_nanos = 0;
  std::string status_message;
  std::vector<Detail> details;  // empty unless copied with details

  static SpanRow copy_of(const SpanView& span, bool with_details);
};

// Spans of one trace printed together.
struct Block {
  TraceId trace_id;
  std::uint64_t origin_unix_nanos;     // the axis starts here: the trace's earliest start
  std::vector<std::string_view> notes;  // shown after the trace id: "continued", "incomplete"
  std::span<const SpanRow> spans;
};

struct Style {
  std::size_t width;
  bool color;
};

// Lines ending in '\n', a blank line after the last.
std::string render(const Block& block, const Style& style);

// "0ns", "999ns", "1.00µs", "12.3ms", "100ms", "4.70s": three significant digits.
std::string human_duration(std::uint64_t nanos);

}  // namespace zspan::console
