#include "zspan/exporters/zipkin/zipkin_exporter.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <new>
#include <type_traits>

#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/env.hpp"
#include "zspan/trace/export/otel.hpp"
#include "zspan/trace/version.hpp"

namespace zspan {
namespace {

constexpr std::uint64_t micros(std::uint64_t nanos) noexcept { return nanos / 1000; }

// `write(JsonWriter&)`'s JSON text, in `scratch` (valid until its next use).
template <class Write>
std::string_view json_text(std::string& scratch, Write&& write) {
  scratch.clear();
  {
    JsonWriter json(scratch);
    write(json);
  }
  return scratch;
}

// The visitor of otel::for_each_attribute that writes each attribute as a Zipkin tag: a
// string member of the open object.
struct TagWriter {
  JsonWriter& json;
  std::string& scratch;

  void operator()(std::string_view key, const StringValue& v) const {
    json.escaped_key(key);
    json.value(v.text);
  }
  void operator()(std::string_view key, bool v) const {
    json.escaped_key(key);
    json.value(v ? "true" : "false");
  }
  // Numbers and arrays: their JSON text, a double that JSON lacks ("NaN") without its quotes.
  template <class V>
  void operator()(std::string_view key, const V& v) const {
    std::string_view text = json_text(scratch, [&](JsonWriter& w) { w.value(v); });
    if (text.starts_with('"')) text = text.substr(1, text.size() - 2);
    json.escaped_key(key);
    json.value(text);
  }
};

// The attributes a remoteEndpoint is named from, best first (the specification's ranks 1
// to 11), each address with the attribute of its port.
struct RankedAttribute {
  std::string_view name;
  std::string_view port;
};
constexpr std::array<RankedAttribute, 11> kRemoteEndpointRanks = {{
    {"peer.service", {}},
    {"server.address", {}},
    {"net.peer.name", {}},
    {"network.peer.address", "network.peer.port"},
    {"server.socket.domain", {}},
    {"server.socket.address", "server.socket.port"},
    {"net.sock.peer.name", {}},
    {"net.sock.peer.addr", "net.sock.peer.port"},
    {"peer.hostname", {}},
    {"peer.address", {}},
    {"db.name", {}},
}};

// A port: a whole number from 1 to 65535, or 0 for anything else.
template <class V>
std::uint16_t port_of(const V& v) noexcept {
  if constexpr (std::is_same_v<V, std::int64_t> || std::is_same_v<V, std::uint64_t>) {
    return v >= 1 && v <= 65535 ? static_cast<std::uint16_t>(v) : 0;
  } else if constexpr (std::is_same_v<V, StringValue>) {
    std::uint64_t n = 0;
    const char* end = v.text.data() + v.text.size();
    const auto [at, error] = std::from_chars(v.text.data(), end, n);
    return error == std::errc() && at == end ? port_of(n) : 0;
  } else {
    return 0;
  }
}

enum class IpVersion { kNone, kV4, kV6 };

// Whether `address` is an IPv4 or IPv6 address as text (inet_pton's forms).
IpVersion ip_version(std::string_view address) noexcept {
  char text[INET6_ADDRSTRLEN];
  if (address.size() >= sizeof(text) || address.find('\0') != std::string_view::npos) return IpVersion::kNone;
  std::memcpy(text, address.data(), address.size());
  text[address.size()] = '\0';
  unsigned char bytes[sizeof(in6_addr)];
  if (inet_pton(AF_INET, text, bytes) == 1) return IpVersion::kV4;
  if (inet_pton(AF_INET6, text, bytes) == 1) return IpVersion::kV6;
  return IpVersion::kNone;
}

// The visitor of otel::for_each_attribute that finds a CLIENT or PRODUCER span's
// remoteEndpoint among its attributes (the header's rule); write() writes it, if found.
class RemoteEndpoint {
 public:
  explicit RemoteEndpoint(otel::SpanKind kind) noexcept
      : wanted_(kind == otel::SpanKind::kClient || kind == otel::SpanKind::kProducer) {}

  template <class V>
  void operator()(std::string_view key, const V& value) noexcept {
    if (!wanted_) return;
    for (std::size_t rank = 0; rank < kRemoteEndpointRanks.size(); ++rank) {
      if constexpr (std::is_same_v<V, StringValue>) {
        if (key == kRemoteEndpointRanks[rank].name && !value.text.empty() && rank <= best_) {
          best_ = rank;
          name_ = value.text;
        }
      }
      const std::string_view port = kRemoteEndpointRanks[rank].port;
      if (!port.empty() && key == port) ports_[rank] = port_of(value);
    }
  }

  void write(JsonWriter& json) const {
    if (best_ == kRemoteEndpointRanks.size()) return;
    json.key("remoteEndpoint");
    json.begin_object();
    json.member("serviceName", name_);
    if (!kRemoteEndpointRanks[best_].port.empty()) {
      const IpVersion ip = ip_version(name_);
      if (ip == IpVersion::kV4) json.member("ipv4", name_);
      if (ip == IpVersion::kV6) json.member("ipv6", name_);
      if (ports_[best_] != 0) json.member("port", ports_[best_]);
    }
    json.end_object();
  }

 private:
  bool wanted_;
  std::size_t best_ = kRemoteEndpointRanks.size();  // the rank found, none yet
  std::string_view name_;                           // its value
  std::array<std::uint16_t, kRemoteEndpointRanks.size()> ports_{};  // the port of each address rank
};

// How many of the span's links Zipkin cannot carry: all but a followsFrom parent, which is
// its parentId whatever the link limit left out.
std::uint32_t links_not_sent(const SpanView& span, const otel::SpanSummary& summary) noexcept {
  const bool parent_is_link = span.parent_id().valid() && span.parent_reference() == Reference::kFollowsFrom;
  return summary.links + summary.dropped_links - (parent_is_link ? 1 : 0);
}

HttpSender::Options sender_options(const ZipkinExporter::Options& options) {
  HttpSender::Options o;
  o.client.url = options.endpoint;
  o.client.content_type = "application/json";
  o.client.connect_timeout = options.timeout;
  o.client.user_agent = "zspan-zipkin/" + std::string(kVersion);
  o.timeout = options.timeout;
  o.backend = "Zipkin";
  return o;
}

}  // namespace

ZipkinEncoder::ZipkinEncoder() {
  JsonWriter json(scope_tags_);
  json.member("otel.scope.name", otel::kScopeName);
  json.member("otel.scope.version", kVersion);
  json.member("otel.library.name", otel::kScopeName);
  json.member("otel.library.version", kVersion);
}

void ZipkinEncoder::encode(const SpanBatch& batch, std::string& out) {
  JsonWriter json(out);
  json.begin_array();
  for (const SpanView& span : batch) encode(span, json);
  json.end_array();
}

void ZipkinEncoder::encode(const SpanView& span, JsonWriter& json) {
  const otel::SpanSummary summary = otel::summarize(span);
  json.begin_object();
  json.member("traceId", span.trace_id());
  if (span.parent_id().valid()) json.member("parentId", span.parent_id());
  json.member("id", span.span_id());
  if (summary.kind != otel::SpanKind::kInternal) json.member("kind", otel::name(summary.kind));
  json.member("name", span.name());
  const std::uint64_t start = span.start_unix_nanos();
  json.member("timestamp", micros(start));
  json.member("duration", std::max<std::uint64_t>(1, micros(span.end_unix_nanos() - start)));
  if (span.forced()) json.member("debug", true);

  json.key("localEndpoint");
  json.begin_object();
  json.member("serviceName", span.service());
  json.end_object();

  if (summary.events > 0) {
    json.key("annotations");
    json.begin_array();
    otel::for_each_event(span, [&](const otel::Event& event) {
      json.begin_object();
      json.member("timestamp", micros(event.unix_nanos));
      json.member("value", json_text(scratch_, [&](JsonWriter& value) {
                    value.escaped_key(event.name);
                    value.begin_object();
                    event.for_each_attribute([&](std::string_view key, const auto& v) {
                      value.escaped_key(key);
                      value.value(v);
                    });
                    value.end_object();
                  }));
      json.end_object();
    });
    json.end_array();
  }

  json.key("tags");
  json.begin_object();
  const TagWriter tag{json, scratch_};
  RemoteEndpoint remote(summary.kind);
  otel::for_each_attribute(span, [&](std::string_view key, const auto& value) {
    tag(key, value);
    remote(key, value);
  });
  if (summary.status == otel::StatusCode::kError) {
    json.member("otel.status_code", otel::name(summary.status));
    json.member("error", summary.status_message);
  }
  json.members(scope_tags_);
  if (summary.dropped_attributes > 0) tag("otel.dropped_attributes_count", summary.dropped_attributes);
  if (summary.dropped_events > 0) tag("otel.dropped_events_count", summary.dropped_events);
  if (const std::uint32_t links = links_not_sent(span, summary)) tag("otel.dropped_links_count", links);
  json.end_object();
  remote.write(json);

  json.end_object();
}

ZipkinExporter::Options ZipkinExporter::Options::from_env() noexcept {
  Options o;
  try {
    o.endpoint = env::http_url("OTEL_EXPORTER_ZIPKIN_ENDPOINT", std::move(o.endpoint));
    o.timeout = env::millis("OTEL_EXPORTER_ZIPKIN_TIMEOUT", o.timeout);
  } catch (...) {
    // Out of memory while reading settings: what was read so far, defaults for the rest.
  }
  return o;
}

ZipkinExporter::ZipkinExporter(Options options) : options_(std::move(options)), sender_(sender_options(options_)) {}

ExportResult ZipkinExporter::export_batch(const SpanBatch& batch) noexcept {
  try {
    body_.clear();
    encoder_.encode(batch, body_);
    return sender_.send(body_).result;
  } catch (const std::bad_alloc&) {
    static RateLimitedWarning out_of_memory{"zspan: Zipkin export out of memory"};
    out_of_memory.emit("{}: a batch of {} spans is kept for a retry", options_.endpoint, batch.size());
    return ExportResult::retryable();
  } catch (...) {
    static RateLimitedWarning failed{"zspan: Zipkin export could not encode a batch"};
    failed.emit("{}: {} spans dropped", options_.endpoint, batch.size());
    return ExportResult::permanent();
  }
}

}  // namespace zspan
