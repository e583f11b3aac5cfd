#include "zspan/exporters/console/console_exporter.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

#include "zspan/trace/diagnostics.hpp"

namespace zspan {
namespace {

constexpr std::size_t kRememberedTraces = 1024;
constexpr std::size_t kDefaultWidth = 100;
constexpr std::size_t kMaxWidth = 1000;

RateLimitedWarning write_failed{"zspan: the console exporter could not write its output"};
RateLimitedWarning open_failed{"zspan: the console exporter could not open its file"};

bool wants_color(ConsoleOptions::Color color, std::FILE* out) noexcept {
  if (color != ConsoleOptions::Color::kAuto) return color == ConsoleOptions::Color::kAlways;
  const char* no_color = std::getenv("NO_COLOR");
  return out != nullptr && isatty(fileno(out)) && (no_color == nullptr || *no_color == '\0');
}

std::size_t columns_from_env() noexcept {
  const char* env = std::getenv("COLUMNS");
  if (env == nullptr) return 0;
  const char* end = env + std::strlen(env);
  std::size_t columns = 0;
  const auto [stop, error] = std::from_chars(env, end, columns);
  return error == std::errc() && stop == end ? columns : 0;
}

}  // namespace

ConsoleExporter::ConsoleExporter(ConsoleOptions options, std::FILE* out) noexcept
    : options_(options), out_(out), color_(wants_color(options.color, out)) {}

ConsoleExporter::ConsoleExporter(ConsoleOptions options, const std::string& path) noexcept
    : options_(options),
      owned_file_(std::fopen(path.c_str(), "w")),
      out_(owned_file_.get()),
      color_(wants_color(options.color, out_)) {
  if (out_ == nullptr) open_failed.emit("{}: {}", path, std::strerror(errno));
}

ExportResult ConsoleExporter::export_batch(const SpanBatch& batch) {
  const std::size_t max_buffered = std::max<std::size_t>(options_.max_buffered_spans, 1);
  for (const SpanView& span : batch) {
    if (buffered_spans_ >= max_buffered) {
      const auto oldest = std::min_element(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) {
        return a.second.arrival < b.second.arrival;
      });
      print(oldest, Why::kBufferFull);
    }
    PendingTrace& trace = pending_[span.trace_id()];
    if (trace.spans.empty()) trace.arrival = arrivals_++;
    trace.spans.push_back(console::SpanRow::copy_of(span, options_.details));
    trace.changed = true;
    ++buffered_spans_;
  }
  print_due(Clock::now());
  return ExportResult::success();
}

bool ConsoleExporter::flush(std::chrono::milliseconds) {
  print_all(Why::kFlush);
  return true;
}

void ConsoleExporter::shutdown(std::chrono::milliseconds timeout) {
  flush(timeout);
  if (owned_file_) {
    owned_file_.reset();
    out_ = nullptr;
  }
}

void ConsoleExporter::on_fork_child() noexcept {
  pending_.clear();
  buffered_spans_ = 0;
  printed_.clear();
  printed_order_.clear();
}

bool ConsoleExporter::complete(TraceId id, const PendingTrace& trace) const {
  if (printed_.contains(id)) return true;  // a continuation: the parents missing here were printed
  std::unordered_set<std::uint64_t> here;
  for (const console::SpanRow& span : trace.spans) here.insert(span.span_id.value);
  return std::all_of(trace.spans.begin(), trace.spans.end(), [&](const console::SpanRow& span) {
    return !span.parent_id.valid() || span.remote_parent || here.contains(span.parent_id.value);
  });
}

void ConsoleExporter::print_due(Clock::time_point now) {
  std::vector<PendingIt> due;
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    PendingTrace& trace = it->second;
    if (trace.changed) {
      trace.changed = false;
      trace.complete_since = complete(it->first, trace) ? std::optional(now) : std::nullopt;
    }
    if (trace.complete_since && now - *trace.complete_since >= options_.grace) due.push_back(it);
  }
  print_in_arrival_order(std::move(due), Why::kComplete);
}

void ConsoleExporter::print_all(Why why) {
  std::vector<PendingIt> all;
  for (auto it = pending_.begin(); it != pending_.end(); ++it) all.push_back(it);
  print_in_arrival_order(std::move(all), why);
}

void ConsoleExporter::print_in_arrival_order(std::vector<PendingIt> traces, Why why) {
  std::sort(traces.begin(), traces.end(), [](auto a, auto b) { return a->second.arrival < b->second.arrival; });
  for (auto it : traces) print(it, why);
}

void ConsoleExporter::print(PendingIt it, Why why) {
  const TraceId id = it->first;
  const PendingTrace& trace = it->second;
  std::uint64_t origin = trace.spans.front().start_unix_nanos;
  for (const console::SpanRow& span : trace.spans) origin = std::min(origin, span.start_unix_nanos);
  std::vector<std::string_view> notes;
  if (const auto earlier = printed_.find(id); earlier != printed_.end()) {
    origin = std::min(origin, earlier->second);
    notes.push_back("continued");
  }
  if (why != Why::kComplete && !complete(id, trace))
    notes.push_back(why == Why::kBufferFull ? "incomplete: buffer full" : "incomplete");
  write(console::render({id, origin, std::move(notes), trace.spans}, {width(), color_}));
  remember_printed(id, origin);
  buffered_spans_ -= trace.spans.size();
  pending_.erase(it);
}

void ConsoleExporter::remember_printed(TraceId id, std::uint64_t origin_unix_nanos) {
  if (const auto [it, inserted] = printed_.try_emplace(id, origin_unix_nanos); !inserted) {
    it->second = origin_unix_nanos;
    return;
  }
  printed_order_.push_back(id);
  if (printed_order_.size() > kRememberedTraces) {
    printed_.erase(printed_order_.front());
    printed_order_.pop_front();
  }
}

std::size_t ConsoleExporter::width() const noexcept {
  std::size_t cells = options_.width != 0 ? options_.width : columns_from_env();
  winsize terminal{};
  if (cells == 0 && out_ != nullptr && ioctl(fileno(out_), TIOCGWINSZ, &terminal) == 0) cells = terminal.ws_col;
  return std::min(cells != 0 ? cells : kDefaultWidth, kMaxWidth);
}

void ConsoleExporter::write(const std::string& text) noexcept {
  if (out_ == nullptr) return;
  if (std::fwrite(text.data(), 1, text.size(), out_) != text.size() || std::fflush(out_) != 0) {
    write_failed.emit("{}", std::strerror(errno));
    std::clearerr(out_);
  }
}

}  // namespace zspan
