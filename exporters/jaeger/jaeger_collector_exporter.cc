#include "zspan/exporters/jaeger/jaeger_collector_exporter.hpp"

#include <new>
#include <utility>

#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/env.hpp"
#include "zspan/trace/version.hpp"

namespace zspan {
namespace {

// RFC 4648 base64, with padding: the credentials of basic authentication (RFC 7617).
std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[group >> 18 & 63];
    out += kAlphabet[group >> 12 & 63];
    out += i + 1 < bytes.size() ? kAlphabet[group >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[group & 63] : '=';
  }
  return out;
}

HttpSender::Options sender_options(const JaegerCollectorExporter::Options& o) {
  HttpSender::Options s;
  s.client.url = o.endpoint;
  s.client.content_type = "application/x-thrift";
  if (!o.user.empty()) s.client.headers.emplace_back("Authorization", "Basic " + base64(o.user + ":" + o.password));
  s.client.connect_timeout = o.timeout;
  s.client.user_agent = "zspan-jaeger/" + std::string(kVersion);
  s.timeout = o.timeout;
  s.backend = "Jaeger collector";
  return s;
}

}  // namespace

JaegerCollectorExporter::Options JaegerCollectorExporter::Options::from_env() noexcept {
  Options o;
  try {
    o.endpoint = env::http_url("OTEL_EXPORTER_JAEGER_ENDPOINT", o.endpoint);
    o.user = env::value("OTEL_EXPORTER_JAEGER_USER").value_or("");
    o.password = env::value("OTEL_EXPORTER_JAEGER_PASSWORD").value_or("");
    o.timeout = env::millis("OTEL_EXPORTER_JAEGER_TIMEOUT", o.timeout);
  } catch (...) {
    // Out of memory while reading settings: what was read so far, defaults for the rest.
  }
  return o;
}

JaegerCollectorExporter::JaegerCollectorExporter(Options options)
    : options_(std::move(options)), sender_(sender_options(options_)) {}

ExportResult JaegerCollectorExporter::export_batch(const SpanBatch& batch) noexcept {
  std::uint32_t delivered = 0, rejected = 0;
  try {
    for (const std::string_view service : jaeger::services_of(batch)) {
      const std::uint32_t spans = jaeger::count_of(batch, service);
      body_.clear();
      encoder_.append_batch(batch, service, jaeger::Envelope::kNone, body_);
      const ExportResult result = sender_.send(body_).result;
      if (result.code == ExportResult::Code::kSuccess) {
        delivered += spans;
      } else if (result.code == ExportResult::Code::kPermanent) {
        rejected += spans;
      } else if (delivered == 0 && rejected == 0) {
        return result;  // retryable, and nothing of the batch went: all of it is offered again
      } else {
        rejected = static_cast<std::uint32_t>(batch.size()) - delivered;  // this one and the rest
        break;
      }
    }
  } catch (const std::bad_alloc&) {
    static RateLimitedWarning out_of_memory{"zspan: Jaeger collector export out of memory"};
    out_of_memory.emit("{}: {} spans not sent", options_.endpoint, batch.size() - delivered - rejected);
    if (delivered == 0 && rejected == 0) return ExportResult::retryable();
    rejected = static_cast<std::uint32_t>(batch.size()) - delivered;
  }
  if (delivered == 0 && rejected == batch.size()) return ExportResult::permanent();
  return ExportResult::partial(rejected);
}

}  // namespace zspan
