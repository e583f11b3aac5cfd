#include "zspan/trace/export/otel.hpp"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "zspan/trace/env.hpp"
#include "zspan/trace/version.hpp"

namespace zspan::otel {
namespace {

SpanKind kind_from_tag(std::string_view value) noexcept {
  if (value == "server") return SpanKind::kServer;
  if (value == "client") return SpanKind::kClient;
  if (value == "producer") return SpanKind::kProducer;
  if (value == "consumer") return SpanKind::kConsumer;
  return SpanKind::kInternal;
}

// The message of an error event: its `message`, else `error.object` (exception.message).
std::string_view error_message(const LogValue& log) noexcept {
  std::string_view message, object;
  bool is_error = false;
  log.for_each_field([&](const Field& f) {
    const auto* s = std::get_if<StringValue>(&f.value);
    if (!s) return;
    if (f.key->name == "event") is_error = is_error || s->text == "error";
    else if (f.key->name == "error.kind") is_error = true;
    else if (f.key->name == "message" && message.empty()) message = s->text;
    else if (f.key->name == "error.object" && object.empty()) object = s->text;
  });
  if (!is_error) return {};
  return message.empty() ? object : message;
}

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof(buffer) - 1) != 0) return {};
  return buffer;
}

}  // namespace

std::string_view name(SpanKind kind) noexcept {
  switch (kind) {
    case SpanKind::kInternal: return "INTERNAL";
    case SpanKind::kServer: return "SERVER";
    case SpanKind::kClient: return "CLIENT";
    case SpanKind::kProducer: return "PRODUCER";
    case SpanKind::kConsumer: return "CONSUMER";
    default: return "";
  }
}

std::string_view name(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kError: return "ERROR";
    default: return "UNSET";
  }
}

std::string_view event_name(const LogValue& log) noexcept {
  std::string_view name = "log";
  bool found = false;
  log.for_each_field([&](const Field& f) {
    if (found || !detail::is_event_name(*f.key)) return;
    if (const auto* s = std::get_if<StringValue>(&f.value)) {
      name = s->text;
      found = true;
    }
  });
  return name;
}

std::uint32_t Event::dropped_attributes() const noexcept {
  std::uint64_t attributes = 0;
  fields.for_each_field([&](const Field& f) { attributes += !detail::is_event_name(*f.key); });
  return static_cast<std::uint32_t>(attributes - std::min(attributes, limits->event_attribute_count));
}

SpanSummary summarize(const SpanView& span, const SpanLimits& limits) noexcept {
  SpanSummary s;
  s.status = span.is_error() ? StatusCode::kError : StatusCode::kUnset;
  std::uint32_t attributes = 0, events = 0, links = 0;
  if (span.parent_id().valid() && span.parent_reference() == Reference::kFollowsFrom) ++links;
  for_each_decoded_field(span, [&](const Field& f) {
    if (const auto* log = std::get_if<LogValue>(&f.value)) {
      // The status message comes from the first error event, exported or not.
      ++events;
      if (s.status == StatusCode::kError && s.status_message.empty()) s.status_message = error_message(*log);
    } else if (std::holds_alternative<ReferenceValue>(f.value)) {
      ++links;
    } else if (detail::is_kind_tag(*f.key)) {
      if (const auto* v = std::get_if<StringValue>(&f.value)) s.kind = kind_from_tag(v->text);
    } else {
      ++attributes;
    }
  });
  const auto within = [](std::uint32_t count, std::uint64_t limit) {
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(count, limit));
  };
  s.attributes = within(attributes, limits.attribute_count);
  s.events = within(events, limits.event_count);
  s.links = within(links, limits.link_count);
  s.dropped_attributes = span.dropped_fields() + (attributes - s.attributes);
  s.dropped_events = events - s.events;
  s.dropped_links = links - s.links;
  return s;
}

namespace {
// This process's id, kept: getpid() is a system call, too dear for every batch. A fork()ed
// child reads its own (pthread_atfork, as trace/collector.cc follows forks).
std::atomic<std::int64_t> g_pid{0};
void read_pid() noexcept { g_pid.store(static_cast<std::int64_t>(getpid()), std::memory_order_relaxed); }
}  // namespace

std::int64_t Resource::current_pid() noexcept {
  static const bool following_forks = [] {
    read_pid();
    return pthread_atfork(nullptr, nullptr, read_pid) == 0;
  }();
  return following_forks ? g_pid.load(std::memory_order_relaxed) : static_cast<std::int64_t>(getpid());
}

const Resource& Resource::get() {
  // Never destroyed: an exporter's worker that outlived its shutdown timeout may still be
  // encoding a batch while static destructors run at exit.
  static const Resource& resource = *new Resource([] {
    std::vector<Attribute> attributes = {
        {"telemetry.sdk.name", std::string("zspan")},
        {"telemetry.sdk.language", std::string("cpp")},
        {"telemetry.sdk.version", std::string(kVersion)},
    };
    if (std::string host = host_name(); !host.empty()) attributes.push_back({"host.name", std::move(host)});
    for (auto& member : env::key_values("OTEL_RESOURCE_ATTRIBUTES")) {
      std::erase_if(attributes, [&](const Attribute& existing) { return existing.key == member.first; });
      attributes.push_back({std::move(member.first), std::move(member.second)});
    }
    return Resource(std::move(attributes));
  }());
  return resource;
}

}  // namespace zspan::otel
