#include "zspan/exporters/jaeger/jaeger_agent_exporter.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <new>

#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/export/otel.hpp"
#include "zspan/trace/env.hpp"

namespace zspan {
namespace {

constexpr timeval kSendTimeout{1, 0};

}  // namespace

JaegerAgentExporter::Options JaegerAgentExporter::Options::from_env() noexcept {
  Options o;
  try {
    if (auto host = env::value("OTEL_EXPORTER_JAEGER_AGENT_HOST")) o.host = std::move(*host);
    if (const auto port = env::value("OTEL_EXPORTER_JAEGER_AGENT_PORT")) {
      unsigned value = 0;
      const auto [end, error] = std::from_chars(port->data(), port->data() + port->size(), value);
      if (error == std::errc() && end == port->data() + port->size() && value >= 1 && value <= 65535)
        o.port = static_cast<std::uint16_t>(value);
      else
        env::bad_value("OTEL_EXPORTER_JAEGER_AGENT_PORT", *port, "is not a port (1 to 65535)", std::to_string(o.port));
    }
    if (const auto protocol = env::value("OTEL_EXPORTER_JAEGER_PROTOCOL")) {
      if (*protocol == "udp/thrift.compact") {
        o.protocol = jaeger::Protocol::kCompact;
      } else if (*protocol == "udp/thrift.binary") {
        o.protocol = jaeger::Protocol::kBinary;
      } else if (*protocol != "http/thrift.binary" && *protocol != "grpc") {  // the collector's: not ours to judge
        env::bad_value("OTEL_EXPORTER_JAEGER_PROTOCOL", *protocol,
                       "is not udp/thrift.compact, udp/thrift.binary, http/thrift.binary or grpc",
                       "the agent port's protocol");
      }
    }
  } catch (...) {
    // Out of memory while reading settings: what was read so far, defaults for the rest.
  }
  return o;
}

JaegerAgentExporter::JaegerAgentExporter(Options options)
    : options_(std::move(options)), encoder_(options_.protocol_or_default()) {}

JaegerAgentExporter::~JaegerAgentExporter() { close_socket(); }

JaegerAgentExporter::Stats JaegerAgentExporter::stats() const noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  return {counters_.datagrams.load(relaxed),     counters_.spans_trimmed.load(relaxed),
          counters_.tags_trimmed.load(relaxed),  counters_.logs_trimmed.load(relaxed),
          counters_.spans_too_big.load(relaxed), counters_.refused.load(relaxed),
          counters_.send_failures.load(relaxed)};
}

std::string JaegerAgentExporter::endpoint() const { return options_.host + ":" + std::to_string(options_.port); }

bool JaegerAgentExporter::open_socket() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options_.port);
  if (const int error = getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &found); error != 0) {
    counters_.send_failures.fetch_add(1, std::memory_order_relaxed);
    static RateLimitedWarning unresolved{"zspan: Jaeger agent host not found"};
    unresolved.emit("{}: {}; the batch stays queued and is retried", endpoint(), gai_strerror(error));
    return false;
  }
  int why = 0;
  for (const addrinfo* a = found; a && socket_ < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &kSendTimeout, sizeof kSendTimeout) == 0 &&
        ::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      socket_ = fd;
    } else {
      why = errno;
      if (fd >= 0) ::close(fd);
    }
  }
  freeaddrinfo(found);
  if (socket_ >= 0) return true;
  counters_.send_failures.fetch_add(1, std::memory_order_relaxed);
  static RateLimitedWarning no_socket{"zspan: no UDP socket for the Jaeger agent"};
  no_socket.emit("{}: {}; the batch stays queued and is retried", endpoint(), std::strerror(why));
  return false;
}

void JaegerAgentExporter::close_socket() noexcept {
  if (socket_ >= 0) ::close(socket_);
  socket_ = -1;
}

ExportResult JaegerAgentExporter::export_batch(const SpanBatch& batch) noexcept {
  try {
    if (socket_ < 0 && !open_socket()) return ExportResult::retryable();
    std::uint32_t sent = 0, rejected = 0;
    for (const std::string_view service : jaeger::services_of(batch)) {
      if (export_service(batch, service, sent, rejected)) continue;
      // A send failed: what was sent stays sent, what was not is retried only if nothing was.
      if (sent == 0) return ExportResult::retryable();
      return ExportResult::partial(static_cast<std::uint32_t>(batch.size()) - sent);
    }
    return ExportResult::partial(rejected);
  } catch (const std::bad_alloc&) {
    static RateLimitedWarning out_of_memory{"zspan: Jaeger agent export out of memory"};
    out_of_memory.emit("{}: a batch of {} spans is kept for a retry", endpoint(), batch.size());
    return ExportResult::retryable();
  }
}

// Sends the batch's spans of `service` in as many datagrams as they need. False when a send
// failed in a way that stops this batch.
bool JaegerAgentExporter::export_service(const SpanBatch& batch, std::string_view service, std::uint32_t& sent,
                                         std::uint32_t& rejected) {
  process_ = encoder_.process(service);
  head_.clear();  // the largest head: a list header and a sequence id of the most bytes
  encoder_.append_batch_head(jaeger::Envelope::kEmitBatch, process_, UINT32_MAX, -1, head_);
  const std::size_t overhead = head_.size() + jaeger::Encoder::batch_tail(jaeger::Envelope::kEmitBatch).size();
  if (overhead >= options_.max_packet_size) {
    static RateLimitedWarning no_room{"zspan: Jaeger Process larger than a datagram"};
    no_room.emit("{}: the Process of \"{}\" takes {} bytes of max_packet_size {}: its spans are dropped", endpoint(),
                 service, overhead, options_.max_packet_size);
    rejected += jaeger::count_of(batch, service);
    return true;
  }
  const std::size_t budget = options_.max_packet_size - overhead;

  auto flush = [&](std::size_t bytes, std::uint32_t count) {
    switch (send(std::string_view(pending_).substr(0, bytes), count)) {
      case Sent::kOk: sent += count; break;
      case Sent::kRejected: rejected += count; break;
      case Sent::kFailed: return false;
    }
    pending_.erase(0, bytes);
    return true;
  };

  pending_.clear();
  std::uint32_t count = 0;
  for (const SpanView& span : batch) {
    if (!jaeger::is_of(span, service)) continue;
    const std::size_t at = pending_.size();
    encoder_.append_span(span, pending_);
    if (const std::size_t size = pending_.size() - at; size > budget) {
      pending_.resize(at);
      if (!append_trimmed(span, size, budget)) {
        ++rejected;
        continue;
      }
    }
    if (pending_.size() > budget) {  // the span fits a datagram, not this one
      if (!flush(at, count)) return false;
      count = 0;
    }
    ++count;
  }
  return count == 0 || flush(pending_.size(), count);
}

// Appends `span` (`size` bytes whole) with as few tags, then logs, left out as make it fit
// `budget` bytes; false (and nothing appended) when it does not fit even without any.
bool JaegerAgentExporter::append_trimmed(const SpanView& span, std::size_t size, std::size_t budget) {
  const otel::SpanSummary summary = otel::summarize(span);
  const std::size_t at = pending_.size();
  auto fits = [&](jaeger::Trim trim) {
    pending_.resize(at);
    encoder_.append_span(span, pending_, trim);
    return pending_.size() - at <= budget;
  };
  // The largest n in [0, most] for which make(n) fits, if make(0) does.
  jaeger::Trim best;
  auto largest = [&](std::uint32_t most, auto make) {
    if (!fits(make(0))) return false;
    std::uint32_t low = 0, high = most;
    while (low < high) {
      const std::uint32_t middle = low + (high - low + 1) / 2;
      if (fits(make(middle))) low = middle;
      else high = middle - 1;
    }
    best = make(low);
    return true;
  };
  const bool found = largest(summary.attributes, [&](std::uint32_t n) { return jaeger::Trim{n, summary.events}; }) ||
                     largest(summary.events, [](std::uint32_t n) { return jaeger::Trim{0, n}; });
  pending_.resize(at);
  if (!found) {
    counters_.spans_too_big.fetch_add(1, std::memory_order_relaxed);
    static RateLimitedWarning too_big{"zspan: Jaeger span too big for a datagram"};
    too_big.emit("{}: span \"{}\" of {} bytes does not fit a {}-byte datagram even without its tags and logs: dropped "
                 "({} so far)",
                 endpoint(), span.name(), size, options_.max_packet_size, counters_.spans_too_big.load());
    return false;
  }
  encoder_.append_span(span, pending_, best);
  const std::uint32_t tags = summary.attributes - std::min(summary.attributes, best.tags);
  const std::uint32_t logs = summary.events - std::min(summary.events, best.logs);
  counters_.spans_trimmed.fetch_add(1, std::memory_order_relaxed);
  counters_.tags_trimmed.fetch_add(tags, std::memory_order_relaxed);
  counters_.logs_trimmed.fetch_add(logs, std::memory_order_relaxed);
  static RateLimitedWarning trimmed{"zspan: Jaeger span trimmed to fit a datagram"};
  trimmed.emit("{}: span \"{}\" of {} bytes does not fit a {}-byte datagram: sent without {} of {} tags and {} of {} "
               "logs ({} spans trimmed so far)",
               endpoint(), span.name(), size, options_.max_packet_size, tags, summary.attributes, logs,
               summary.events, counters_.spans_trimmed.load());
  return true;
}

JaegerAgentExporter::Sent JaegerAgentExporter::send(std::string_view spans, std::uint32_t count) {
  head_.clear();
  encoder_.append_batch_head(jaeger::Envelope::kEmitBatch, process_, count, sequence_++, head_);
  const std::string_view tail = jaeger::Encoder::batch_tail(jaeger::Envelope::kEmitBatch);
  iovec parts[3] = {{head_.data(), head_.size()},
                    {const_cast<char*>(spans.data()), spans.size()},
                    {const_cast<char*>(tail.data()), tail.size()}};
  msghdr message{};
  message.msg_iov = parts;
  message.msg_iovlen = 3;
  const std::size_t bytes = head_.size() + spans.size() + tail.size();

  bool refused_before = false;
  for (;;) {
    if (::sendmsg(socket_, &message, MSG_NOSIGNAL) >= 0) {
      counters_.datagrams.fetch_add(1, std::memory_order_relaxed);
      return Sent::kOk;
    }
    const int error = errno;
    if (error == EINTR) continue;
    if (error == ECONNREFUSED && !refused_before) {
      // The error is an earlier datagram's (the port was closed then), and reading it cleared it.
      refused_before = true;
      counters_.refused.fetch_add(1, std::memory_order_relaxed);
      static RateLimitedWarning refused{"zspan: Jaeger agent refused a datagram"};
      refused.emit("{}: {} (no agent listening?); spans sent before may be lost", endpoint(), std::strerror(error));
      continue;
    }
    counters_.send_failures.fetch_add(1, std::memory_order_relaxed);
    if (error == EMSGSIZE) {
      static RateLimitedWarning too_long{"zspan: Jaeger datagram too long for the system"};
      too_long.emit("{}: {} bytes: {}; its {} spans are dropped (lower max_packet_size)", endpoint(), bytes,
                    std::strerror(error), count);
      return Sent::kRejected;
    }
    static RateLimitedWarning failed{"zspan: Jaeger agent unreachable"};
    failed.emit("{}: {}; spans not sent stay queued if none of their batch was sent, else are dropped", endpoint(),
                std::strerror(error));
    close_socket();
    return Sent::kFailed;
  }
}

}  // namespace zspan
