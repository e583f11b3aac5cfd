#include "zspan/exporters/console/waterfall.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <set>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "zspan/exporters/console/cells.hpp"
#include "zspan/trace/export/otel.hpp"

namespace zspan::console {
namespace {

constexpr std::size_t kMinWidth = 40;
constexpr std::size_t kMinBarCells = 10;
constexpr std::size_t kMinServiceCells = 6;
constexpr std::size_t kDurationCells = 7;

// SGR parameters.
constexpr std::string_view kRed = "31";
constexpr std::string_view kDim = "2";
constexpr std::string_view kBold = "1";
constexpr std::array<std::string_view, 10> kServiceColors = {"36", "32", "33", "34", "35",
                                                             "96", "92", "93", "94", "95"};

std::string_view service_color(std::string_view service) noexcept {
  std::uint32_t hash = 2166136261u;  // FNV-1a: the same service, the same color, in every trace
  for (char c : service) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  return kServiceColors[hash % kServiceColors.size()];
}

std::string hex(TraceId id) {
  char out[32];
  id.to_hex(out);
  return std::string(out, sizeof(out));
}
std::string hex(SpanId id) {
  char out[16];
  id.to_hex(out);
  return std::string(out, sizeof(out));
}

std::string plural(std::size_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

template <class V>
void append_value(std::string& out, const V& value) {
  if constexpr (std::is_same_v<V, bool>) {
    out += value ? "true" : "false";
  } else if constexpr (std::is_same_v<V, StringValue>) {
    append_quoted(out, value.text);
    if (value.truncated())
      fmt::format_to(std::back_inserter(out), " (cut: {} of {} bytes)", value.text.size(), value.original_size);
  } else if constexpr (std::is_same_v<V, ArrayValue>) {
    out += '[';
    std::string_view separator;
    value.for_each([&](const ScalarValue& element) {
      out += std::exchange(separator, ", ");
      std::visit([&](const auto& e) { append_value(out, e); }, element);
    });
    out += ']';
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

void append_attribute(std::string& out, std::string_view key, const auto& value) {
  append_visible(out, key);
  out += '=';
  append_value(out, value);
}

std::vector<SpanRow::Detail> details_of(const SpanView& span, const otel::SpanSummary& summary) {
  std::vector<SpanRow::Detail> details;
  auto add = [&](std::optional<std::uint64_t> at = {}) -> std::string& {
    details.push_back({at, {}});
    return details.back().text;
  };
  if (summary.kind != otel::SpanKind::kInternal) add() = fmt::format("kind {}", otel::name(summary.kind));
  otel::for_each_attribute(span, [&](std::string_view key, const auto& value) { append_attribute(add(), key, value); });
  otel::for_each_event(span, [&](const otel::Event& event) {
    std::string& text = add(event.unix_nanos);
    append_visible(text, event.name);
    event.for_each_attribute([&](std::string_view key, const auto& value) {
      text += "  ";
      append_attribute(text, key, value);
    });
  });
  otel::for_each_link(span, [&](const otel::Link& link) {
    const bool is_parent = link.trace_id == span.trace_id() && link.span_id == span.parent_id();
    if (is_parent) return;
    add() = fmt::format("link {} {}/{}", otel::ref_type(link.reference), hex(link.trace_id), hex(link.span_id));
  });
  if (span.has_remote_parent()) add() = "remote parent " + hex(span.parent_id());
  if (summary.dropped_attributes > 0) add() = plural(summary.dropped_attributes, "field") + " dropped";
  return details;
}

// Appends text, in a color when colors are on.
class Painter {
 public:
  Painter(std::string& out, bool color) noexcept : out_(out), color_(color) {}
  void operator()(std::string_view sgr, std::string_view text) {
    if (!color_ || text.empty()) {
      out_ += text;
      return;
    }
    ((((out_ += "\x1b[") += sgr) += 'm') += text) += "\x1b[0m";
  }
  void spaces(std::size_t n) { out_.append(n, ' '); }

 private:
  std::string& out_;
  bool color_;
};

struct Placed {
  std::size_t index;
  std::size_t depth;
};

// Depth-first, each span under its parent, siblings by start time.
std::vector<Placed> tree_order(std::span<const SpanRow> rows) {
  std::unordered_map<std::uint64_t, std::size_t> by_id;
  for (std::size_t i = 0; i < rows.size(); ++i) by_id.emplace(rows[i].span_id.value, i);
  std::vector<std::vector<std::size_t>> children(rows.size());
  std::vector<std::size_t> tops;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto parent = rows[i].parent_id.valid() ? by_id.find(rows[i].parent_id.value) : by_id.end();
    if (parent != by_id.end() && parent->second != i) children[parent->second].push_back(i);
    else tops.push_back(i);
  }
  const auto by_start = [&](std::size_t a, std::size_t b) {
    return rows[a].start_unix_nanos < rows[b].start_unix_nanos;
  };
  std::stable_sort(tops.begin(), tops.end(), by_start);
  for (auto& siblings : children) std::stable_sort(siblings.begin(), siblings.end(), by_start);

  std::vector<Placed> order;
  std::vector<bool> placed(rows.size());
  std::vector<Placed> stack;
  const auto walk = [&](std::size_t top) {
    stack.push_back({top, 0});
    while (!stack.empty()) {
      const Placed p = stack.back();
      stack.pop_back();
      if (placed[p.index]) continue;
      placed[p.index] = true;
      order.push_back(p);
      for (auto child = children[p.index].rbegin(); child != children[p.index].rend(); ++child)
        stack.push_back({*child, p.depth + 1});
    }
  };
  for (std::size_t top : tops) walk(top);
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (!placed[i]) walk(i);  // parents that lead back to the span: malformed, shown anyway
  return order;
}

std::string_view marker(const SpanRow& row) noexcept {
  if (!row.parent_id.valid()) return {};
  if (row.remote_parent) return "⇢ ";
  return row.reference == Reference::kFollowsFrom ? "⤷ " : "↳ ";
}

class Renderer {
 public:
  Renderer(const Block& block, const Style& style)
      : block_(block),
        width_(std::max(style.width, kMinWidth)),
        paint_(out_, style.color),
        order_(tree_order(block.spans)) {
    origin_ = block.origin_unix_nanos;
    std::uint64_t end = origin_;
    std::size_t service_cells = 0, name_cells = 0;
    for (const Placed& p : order_) {
      const SpanRow& row = block.spans[p.index];
      end = std::max(end, row.end_unix_nanos);
      names_.push_back(visible(row.name));
      services_.push_back(visible(row.service));
      service_cells = std::max(service_cells, columns(services_.back()));
      name_cells = std::max(name_cells, 2 * p.depth + columns(marker(row)) + columns(names_.back()));
    }
    total_ = std::max<std::uint64_t>(end - origin_, 1);
    service_cells_ = std::min(service_cells, std::max(kMinServiceCells, width_ / 8));
    const std::size_t fixed = service_cells_ + kDurationCells + 5;  // and the separators, the error mark
    name_cells_ = std::min(name_cells, width_ - fixed - kMinBarCells);
    bar_cells_ = width_ - fixed - name_cells_;
  }

  std::string run() {
    header();
    axis();
    for (std::size_t i = 0; i < order_.size(); ++i) row(i);
    out_ += '\n';
    return std::move(out_);
  }

 private:
  // One line if it fits; else the trace id alone, then the rest (cut if it must be).
  void header() {
    const std::string title = "trace " + hex(block_.trace_id);
    const std::string notes = block_.notes.empty() ? "" : fmt::format("({})", fmt::join(block_.notes, ", "));
    std::set<std::string_view> services;
    std::size_t errors = 0;
    for (const SpanRow& row : block_.spans) {
      services.insert(row.service);
      errors += row.error;
    }
    std::string facts = fmt::format("{} · {} · {}", human_duration(total_), plural(block_.spans.size(), "span"),
                                    plural(services.size(), "service"));
    if (errors > 0) facts += " · " + plural(errors, "error");
    paint_(kBold, title);
    if (columns(title) + (notes.empty() ? 0 : 1 + columns(notes)) + 3 + columns(facts) <= width_)
      out_ += (notes.empty() ? "" : ' ' + notes) + " · " + facts + '\n';
    else
      out_ += '\n' + cut((notes.empty() ? "" : notes + " · ") + facts, width_) + '\n';
  }

  // "0" under the bar's first cell, the total under its last, the middle between if it fits.
  void axis() {
    const std::string middle = human_duration(total_ / 2), last = human_duration(total_);
    std::string labels = "0";
    const std::size_t last_at = bar_cells_ - columns(last);
    const std::size_t middle_at = bar_cells_ / 2 - columns(middle) / 2;
    if (middle_at >= 3 && middle_at + columns(middle) + 2 <= last_at) {
      labels.append(middle_at - 1, ' ');
      labels += middle;
    }
    labels.append(last_at - columns(labels), ' ');
    labels += last;
    paint_.spaces(width_ - bar_cells_);
    paint_(kDim, labels);
    out_ += '\n';
  }

  void row(std::size_t i) {
    const SpanRow& span = block_.spans[order_[i].index];
    const std::size_t indent = std::min(2 * order_[i].depth, name_cells_ / 2);
    const std::string name = cut(std::string(indent, ' ') + std::string(marker(span)) + names_[i], name_cells_);
    out_ += name;
    paint_.spaces(name_cells_ - columns(name) + 1);
    const std::string service = cut(services_[i], service_cells_);
    paint_(service_color(span.service), service);
    const std::uint64_t start = std::max(span.start_unix_nanos, origin_);
    const std::uint64_t end = std::max(span.end_unix_nanos, start);
    const std::string duration = human_duration(end - start);
    paint_.spaces(service_cells_ - columns(service) + 1 + kDurationCells - columns(duration));
    out_ += duration;
    out_ += ' ';
    if (span.error) paint_(kRed, "✗");
    else out_ += ' ';
    out_ += ' ';
    bar(span, start, end);
    out_ += '\n';

    const std::size_t under = indent + columns(marker(span)) + 4;  // deeper than a child's row
    if (span.error && !span.status_message.empty()) lines(under, kRed, "✗ " + visible(span.status_message));
    for (const SpanRow::Detail& detail : span.details) {
      if (!detail.at_unix_nanos) {
        lines(under, kDim, detail.text);
        continue;
      }
      const std::uint64_t offset = *detail.at_unix_nanos - std::min(*detail.at_unix_nanos, origin_);
      lines(under, kDim, fmt::format("+{} {}", human_duration(offset), detail.text));
    }
  }

  void bar(const SpanRow& span, std::uint64_t start, std::uint64_t end) {
    const auto cell = [&](std::uint64_t t) {
      return static_cast<double>(t - origin_) / static_cast<double>(total_) * static_cast<double>(bar_cells_);
    };
    const std::size_t first = std::min(static_cast<std::size_t>(std::floor(cell(start))), bar_cells_ - 1);
    const std::size_t last = std::clamp(static_cast<std::size_t>(std::ceil(cell(end))), first + 1, bar_cells_);
    const std::string_view glyph = span.reference == Reference::kFollowsFrom && span.parent_id.valid() ? "░" : "█";
    std::string cells;
    for (std::size_t c = first; c < last; ++c) cells += glyph;
    paint_.spaces(first);
    paint_(span.error ? kRed : service_color(span.service), cells);
  }

  // `text` from `indent` (at most about half the width), wrapped, further lines two cells deeper.
  void lines(std::size_t indent, std::string_view sgr, std::string_view text) {
    std::size_t at = indent;
    for (std::string_view piece : wrap(text, width_ - indent - 2)) {
      while (piece.ends_with(' ')) piece.remove_suffix(1);
      if (!piece.empty()) paint_.spaces(at);
      paint_(sgr, piece);
      out_ += '\n';
      at = indent + 2;
    }
  }

  const Block& block_;
  const std::size_t width_;
  std::string out_;
  Painter paint_;
  std::vector<Placed> order_;
  std::vector<std::string> names_, services_;  // visible(), in order_
  std::uint64_t origin_ = 0, total_ = 1;
  std::size_t service_cells_ = 0, name_cells_ = 0, bar_cells_ = 0;
};

}  // namespace

SpanRow SpanRow::copy_of(const SpanView& span, bool with_details) {
  const otel::SpanSummary summary = otel::summarize(span);
  SpanRow row;
  row.name = std::string(span.name());
  row.service = std::string(span.service());
  row.span_id = span.span_id();
  row.parent_id = span.parent_id();
  row.reference = span.parent_reference();
  row.remote_parent = span.has_remote_parent();
  row.error = summary.status == otel::StatusCode::kError;
  row.start_unix_nanos = span.start_unix_nanos();
  row.end_unix_nanos = span.end_unix_nanos();
  row.status_message = std::string(summary.status_message);
  if (with_details) row.details = details_of(span, summary);
  return row;
}

std::string render(const Block& block, const Style& style) { return Renderer(block, style).run(); }

std::string human_duration(std::uint64_t nanos) {
  if (nanos < 1000) return fmt::format("{}ns", nanos);
  double value = static_cast<double>(nanos) / 1e3;
  std::string_view unit = "µs";
  for (std::string_view larger : {"ms", "s"}) {  // once three digits would round to 1000
    if (value < 999.5) break;
    value /= 1e3;
    unit = larger;
  }
  const int decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
  return fmt::format("{:.{}f}{}", value, decimals, unit);
}

}  // namespace zspan::console
