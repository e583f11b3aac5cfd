#include "exporters/otlp/otlp_http_exporter.hpp"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <new>
#include <optional>
#include <thread>

#include "exporters/otlp/otlp_encoding.hpp"
#include "trace/diagnostics.hpp"
#include "trace/ids.hpp"
#include "trace/text.hpp"
#include "trace/version.hpp"

namespace zspan {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::string_view kDefaultEndpoint = "http://localhost:4318/v1/traces";
constexpr milliseconds kFirstBackoff{500};
constexpr milliseconds kMaxBackoff{5000};

// A set variable: its name and trimmed value.
struct Setting {
  std::string name;
  std::string_view value;
};

// OTEL_EXPORTER_OTLP_TRACES_<suffix>, else OTEL_EXPORTER_OTLP_<suffix>; empty is unset.
std::optional<Setting> setting(std::string_view suffix) {
  for (std::string_view prefix : {"OTEL_EXPORTER_OTLP_TRACES_", "OTEL_EXPORTER_OTLP_"}) {
    std::string name = std::string(prefix).append(suffix);
    if (const char* raw = std::getenv(name.c_str()); raw && !trim_ows(raw).empty())
      return Setting{std::move(name), trim_ows(raw)};
  }
  return std::nullopt;
}

void bad_setting(RateLimitedWarning& warning, const Setting& s, std::string_view why, std::string_view used) {
  warning.emit("{}=\"{}\" {}; using {}", s.name, s.value.substr(0, 200), why, used);
}

bool is_http_url(std::string_view url) noexcept {
  for (std::string_view scheme : {"http://", "https://"})
    if (url.size() > scheme.size() && equals_ignoring_case(url.substr(0, scheme.size()), scheme)) return true;
  return false;
}

std::string endpoint_from_env() {
  std::string endpoint(kDefaultEndpoint);
  // The signal-neutral base gets the signal's path appended; the traces variable is used as is.
  const char* base_raw = std::getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
  if (const std::string_view base = trim_ows(base_raw ? base_raw : ""); !base.empty()) {
    if (is_http_url(base)) {
      endpoint = std::string(base.substr(0, base.ends_with('/') ? base.size() - 1 : base.size())) + "/v1/traces";
    } else {
      static RateLimitedWarning bad{"zspan: bad OTEL_EXPORTER_OTLP_ENDPOINT"};
      bad_setting(bad, {"OTEL_EXPORTER_OTLP_ENDPOINT", base}, "is not an http:// or https:// URL", endpoint);
    }
  }
  const char* traces_raw = std::getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  if (const std::string_view traces = trim_ows(traces_raw ? traces_raw : ""); !traces.empty()) {
    if (is_http_url(traces)) return std::string(traces);
    static RateLimitedWarning bad{"zspan: bad OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"};
    bad_setting(bad, {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces}, "is not an http:// or https:// URL", endpoint);
  }
  return endpoint;
}

// W3C-baggage-style `key=value,key2=value2`, values percent-decoded. A member that is not
// a header (no '=', a key that is not a token, a value with a control character) is skipped.
std::vector<std::pair<std::string, std::string>> headers_from(const Setting& s) {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view rest = s.value;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view member = trim_ows(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (member.empty()) continue;
    const std::size_t eq = member.find('=');
    const std::string_view key = trim_ows(member.substr(0, eq));
    std::optional<std::string> value;
    if (eq != std::string_view::npos && is_token(key)) value = percent_decode(trim_ows(member.substr(eq + 1)));
    if (value && std::none_of(value->begin(), value->end(), [](char c) {
          return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
        })) {
      headers.emplace_back(key, std::move(*value));
      continue;
    }
    static RateLimitedWarning bad{"zspan: bad OTEL_EXPORTER_OTLP_HEADERS member"};
    bad.emit("{}: \"{}\" is not key=value with a token key and a percent-encoded value; skipped", s.name,
             member.substr(0, 200));
  }
  return headers;
}

// At most 200 printable bytes of a response body, for a diagnostic line.
std::string printable(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 200)) out.push_back(c >= 0x20 && c < 0x7f ? c : '.');
  return out;
}

milliseconds jittered(milliseconds backoff) noexcept {
  // Uniform in [backoff/2, backoff]: clients that failed together do not retry together.
  const auto half = backoff.count() / 2;
  return milliseconds(half + static_cast<milliseconds::rep>(detail::next_random_u64() % (half + 1)));
}

}  // namespace

OtlpHttpExporter::Options OtlpHttpExporter::Options::from_env() noexcept {
  Options o;
  try {
    o.endpoint = endpoint_from_env();
    if (auto s = setting("PROTOCOL")) {
      if (s->value == "http/json") {
        o.protocol = Protocol::kHttpJson;
      } else if (s->value != "http/protobuf") {
        static RateLimitedWarning unsupported{"zspan: unsupported OTLP protocol"};
        bad_setting(unsupported, *s, s->value == "grpc" ? "is not supported yet" : "is not an OTLP protocol",
                    "http/protobuf");
      }
    }
    if (auto s = setting("HEADERS")) o.headers = headers_from(*s);
    if (auto s = setting("TIMEOUT")) {
      std::int64_t ms = 0;
      const auto [end, error] = std::from_chars(s->value.data(), s->value.data() + s->value.size(), ms);
      if (error == std::errc() && end == s->value.data() + s->value.size() && ms > 0) {
        o.timeout = milliseconds(ms);
      } else {
        static RateLimitedWarning bad{"zspan: bad OTEL_EXPORTER_OTLP_TIMEOUT"};
        bad_setting(bad, *s, "is not a positive whole number of milliseconds", std::to_string(o.timeout.count()));
      }
    }
    if (auto s = setting("COMPRESSION")) {
      if (s->value == "gzip") {
        o.compression = Compression::kGzip;
      } else if (s->value != "none") {
        static RateLimitedWarning bad{"zspan: bad OTEL_EXPORTER_OTLP_COMPRESSION"};
        bad_setting(bad, *s, "is neither gzip nor none", "none");
      }
    }
    if (auto s = setting("CERTIFICATE")) o.certificate = s->value;
    if (auto s = setting("CLIENT_CERTIFICATE")) o.client_certificate = s->value;
    if (auto s = setting("CLIENT_KEY")) o.client_key = s->value;
  } catch (...) {
    // Out of memory while reading settings: what was read so far, defaults for the rest.
  }
  return o;
}

OtlpHttpExporter::OtlpHttpExporter(Options options)
    : options_(std::move(options)),
      client_({.url = options_.endpoint,
               .content_type = options_.protocol == Protocol::kHttpJson ? "application/json" : "application/x-protobuf",
               .headers = options_.headers,
               .gzip = options_.compression == Compression::kGzip,
               .connect_timeout = options_.timeout,
               .ca_file = options_.certificate,
               .client_certificate_file = options_.client_certificate,
               .client_key_file = options_.client_key,
               .user_agent = "zspan-otlp/" + std::string(kVersion)}) {}

ExportResult OtlpHttpExporter::export_batch(const SpanBatch& batch) noexcept {
  try {
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
    otlp::encode(batch, request);
    const ExportResult result =
        send(options_.protocol == Protocol::kHttpJson ? otlp::to_json(request) : request.SerializeAsString());
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

ExportResult OtlpHttpExporter::send(const std::string& body) {
  const Clock::time_point deadline = Clock::now() + options_.timeout;
  milliseconds backoff = kFirstBackoff;
  for (;;) {
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    const HttpResponse r = client_.post(body, std::max(remaining, milliseconds(1)));

    if (r.status >= 200 && r.status < 300) return ExportResult::partial(rejected_by(r.body));

    const bool retry = r.status == 0 ? r.retryable_error
                                     : r.status == 429 || r.status == 502 || r.status == 503 || r.status == 504;
    const std::string why = r.status == 0 ? r.error : "HTTP " + std::to_string(r.status) + " " + printable(r.body);
    if (!retry) {
      static RateLimitedWarning refused{"zspan: OTLP backend refused a batch"};
      refused.emit("{}: {}; the batch is dropped (not retryable)", options_.endpoint, why);
      return ExportResult::permanent();
    }
    const milliseconds hint = r.retry_after.value_or(std::chrono::seconds(0));
    const milliseconds wait = std::max(jittered(backoff), hint);
    if (Clock::now() + wait >= deadline) {
      static RateLimitedWarning unavailable{"zspan: OTLP backend unavailable"};
      unavailable.emit("{}: {}; the batch stays queued and is retried", options_.endpoint, why);
      return ExportResult::retryable(hint);
    }
    std::this_thread::sleep_for(wait);
    backoff = std::min(backoff * 2, kMaxBackoff);
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
