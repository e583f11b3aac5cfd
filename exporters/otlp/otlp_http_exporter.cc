#include "zspan/exporters/otlp/otlp_http_exporter.hpp"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <new>
#include <optional>

#include "exporters/otlp/proto/trace_service.pb.h"
#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/env.hpp"
#include "zspan/trace/internal/text.hpp"
#include "zspan/trace/version.hpp"

namespace zspan {
namespace {

// OTEL_EXPORTER_OTLP_TRACES_<suffix>, else OTEL_EXPORTER_OTLP_<suffix>: its name and value.
std::optional<std::pair<std::string, std::string>> setting(std::string_view suffix) {
  for (std::string_view prefix : {"OTEL_EXPORTER_OTLP_TRACES_", "OTEL_EXPORTER_OTLP_"}) {
    std::string name = std::string(prefix).append(suffix);
    if (std::optional<std::string> value = env::value(name)) return std::pair{std::move(name), std::move(*value)};
  }
  return std::nullopt;
}

// The signal-neutral base gets the signal's path appended; the traces variable is used as is.
std::string endpoint_from_env(std::string endpoint) {
  if (std::optional<std::string> base = env::value("OTEL_EXPORTER_OTLP_ENDPOINT")) {
    if (!env::is_http_url(*base)) {
      env::bad_value("OTEL_EXPORTER_OTLP_ENDPOINT", *base, "is not an http:// or https:// URL", endpoint);
    } else {
      if (base->ends_with('/')) base->pop_back();
      endpoint = *base + "/v1/traces";
    }
  }
  return env::http_url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", std::move(endpoint));
}

// OTEL_EXPORTER_OTLP_HEADERS: the W3C-baggage-style list, keeping only members that can be
// HTTP headers (a token name, a value without control characters).
std::vector<std::pair<std::string, std::string>> headers_from(const std::string& variable) {
  std::vector<std::pair<std::string, std::string>> headers = env::key_values(variable);
  std::erase_if(headers, [&](const std::pair<std::string, std::string>& header) {
    const auto& [key, value] = header;
    const bool valid = detail::is_token(key) && std::none_of(value.begin(), value.end(), [](char c) {
      return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
    });
    if (!valid) env::bad_value(variable, key, "names a header that is not a token, or its value has control characters", "the other headers");
    return !valid;
  });
  return headers;
}

}  // namespace

OtlpHttpExporter::Options OtlpHttpExporter::Options::from_env() noexcept {
  Options o;
  try {
    o.endpoint = endpoint_from_env(std::move(o.endpoint));
    if (auto s = setting("PROTOCOL")) {
      if (s->second == "http/json") {
        o.protocol = Protocol::kHttpJson;
      } else if (s->second != "http/protobuf") {
        env::bad_value(s->first, s->second, s->second == "grpc" ? "is not supported yet" : "is not an OTLP protocol",
                       "http/protobuf");
      }
    }
    if (auto s = setting("HEADERS")) o.headers = headers_from(s->first);
    if (auto s = setting("TIMEOUT")) o.timeout = env::millis(s->first, o.timeout);
    if (auto s = setting("COMPRESSION")) {
      if (s->second == "gzip") {
        o.compression = Compression::kGzip;
      } else if (s->second != "none") {
        env::bad_value(s->first, s->second, "is neither gzip nor none", "none");
      }
    }
    if (auto s = setting("CERTIFICATE")) o.certificate = s->second;
    if (auto s = setting("CLIENT_CERTIFICATE")) o.client_certificate = s->second;
    if (auto s = setting("CLIENT_KEY")) o.client_key = s->second;
  } catch (...) {
    // Out of memory while reading settings: what was read so far, defaults for the rest.
  }
  return o;
}

OtlpHttpExporter::OtlpHttpExporter(Options options)
    : options_(std::move(options)),
      sender_({.client = {.url = options_.endpoint,
                          .content_type = options_.protocol == Protocol::kHttpJson ? "application/json"
                                                                                  : "application/x-protobuf",
                          .headers = options_.headers,
                          .gzip = options_.compression == Compression::kGzip,
                          .connect_timeout = options_.timeout,
                          .ca_file = options_.certificate,
                          .client_certificate_file = options_.client_certificate,
                          .client_key_file = options_.client_key,
                          .user_agent = "zspan-otlp/" + std::string(kVersion)},
               .timeout = options_.timeout,
               .backend = "OTLP"}) {}

ExportResult OtlpHttpExporter::export_batch(const SpanBatch& batch) noexcept {
  try {
    body_.clear();
    if (options_.protocol == Protocol::kHttpJson)
      json_.encode(batch, body_);
    else
      wire_.encode(batch, body_);
    const HttpSender::Delivery d = sender_.send(body_);
    const ExportResult result =
        d.result.code == ExportResult::Code::kSuccess ? ExportResult::partial(rejected_by(d.response.body)) : d.result;
    return result.rejected > batch.size() ? ExportResult::partial(static_cast<std::uint32_t>(batch.size())) : result;
  } catch (const std::bad_alloc&) {
    static RateLimitedWarning out_of_memory{"zspan: OTLP export out of memory"};
    out_of_memory.emit("{}: a batch of {} spans is kept for a retry", options_.endpoint, batch.size());
    return ExportResult::retryable();
  } catch (...) {
    static RateLimitedWarning failed{"zspan: OTLP export could not encode a batch"};
    failed.emit("{}: {} spans dropped", options_.endpoint, batch.size());
    return ExportResult::permanent();
  }
}

// A 2xx response's partial success: the spans it rejected, with one line saying why. A
// body that does not parse is a full success (the status said so).
std::uint32_t OtlpHttpExporter::rejected_by(const std::string& response_body) const {
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
  if (response_body.empty()) return 0;
  if (options_.protocol == Protocol::kHttpJson) {
    google::protobuf::util::JsonParseOptions lenient;
    lenient.ignore_unknown_fields = true;
    if (!google::protobuf::util::JsonStringToMessage(response_body, &response, lenient).ok()) return 0;
  } else if (!response.ParseFromString(response_body)) {
    return 0;
  }
  const auto& partial = response.partial_success();
  if (partial.rejected_spans() > 0 || !partial.error_message().empty()) {
    static RateLimitedWarning rejected{"zspan: OTLP backend rejected spans"};
    rejected.emit("{}: {} rejected: {}", options_.endpoint, partial.rejected_spans(), printable(partial.error_message()));
  }
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(partial.rejected_spans(), 0, UINT32_MAX));
}

}  // namespace zspan
