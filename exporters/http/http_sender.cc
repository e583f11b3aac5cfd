#include "zspan/exporters/http/http_sender.hpp"

#include <algorithm>
#include <thread>

#include "zspan/trace/ids.hpp"

namespace zspan {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{500};
constexpr milliseconds kMaxBackoff{5000};

milliseconds jittered(milliseconds backoff) noexcept {
  // Uniform in [backoff/2, backoff]: clients that failed together do not retry together.
  const auto half = backoff.count() / 2;
  return milliseconds(half + static_cast<milliseconds::rep>(detail::next_random_u64() % (half + 1)));
}

bool retryable(const HttpResponse& r) noexcept {
  return r.status == 0 ? r.retryable_error : r.status == 429 || r.status == 502 || r.status == 503 || r.status == 504;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 200)) out.push_back(c >= 0x20 && c < 0x7f ? c : '.');
  return out;
}

HttpSender::HttpSender(Options options)
    : options_(std::move(options)),
      client_(options_.client),
      refused_title_("zspan: " + options_.backend + " backend refused a batch"),
      unavailable_title_("zspan: " + options_.backend + " backend unavailable"),
      refused_(refused_title_),
      unavailable_(unavailable_title_) {}

HttpSender::Delivery HttpSender::send(std::string_view body) noexcept {
  const Clock::time_point deadline = Clock::now() + options_.timeout;
  milliseconds backoff = kFirstBackoff;
  for (;;) {
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    Delivery d{ExportResult::success(), client_.post(body, std::max(remaining, milliseconds(1)))};
    const HttpResponse& r = d.response;
    if (r.status >= 200 && r.status < 300) return d;

    try {
      const std::string why = r.status == 0 ? r.error : "HTTP " + std::to_string(r.status) + " " + printable(r.body);
      if (!retryable(r)) {
        refused_.emit("{}: {}; the batch is dropped (not retryable)", url(), why);
        d.result = ExportResult::permanent();
        return d;
      }
      const milliseconds hint = r.retry_after.value_or(std::chrono::seconds(0));
      const milliseconds wait = std::max(jittered(backoff), hint);
      if (Clock::now() + wait >= deadline) {
        unavailable_.emit("{}: {}; the batch stays queued and is retried", url(), why);
        d.result = ExportResult::retryable(hint);
        return d;
      }
      std::this_thread::sleep_for(wait);
      backoff = std::min(backoff * 2, kMaxBackoff);
    } catch (...) {
      // Out of memory for the message: keep the batch, try again later.
      d.result = ExportResult::retryable();
      return d;
    }
  }
}

}  // namespace zspan
