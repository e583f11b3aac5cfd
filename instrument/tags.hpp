// The standard keys: OpenTracing's span tags and log fields, and the OpenTelemetry name
// each maps to where the names differ (semantic conventions 1.26). One table for every
// exporter (tags::http_status_code.field.otel() is "http.response.status_code").
//
//   namespace tags = zspan::tags;
//   TRACE_SCOPE("get", tags::http_method = "GET", tags::http_status_code = 200);
//   TRACE_LOG_FIELDS(zspan::logs::event = "retry", zspan::logs::error_kind = "Timeout");
//
// Three are not attributes in OpenTelemetry: span.kind is the span's SpanKind, error its
// status, and a log's event the event's name (an exporter maps them). Declare your own
// keys as these are (instrument/tag_key.hpp); instrument/semconv.hpp has OpenTelemetry's.
#pragma once

#include <cstdint>
#include <string_view>

#include "zspan/instrument/tag_key.hpp"

namespace zspan {

// Span tags.
namespace tags {
inline constexpr TagKey<"span.kind", std::string_view> span_kind;  // client, server, producer, consumer
inline constexpr TagKey<"component", std::string_view> component;
inline constexpr TagKey<"error", bool> error;  // sets or clears the span's error mark; not stored
inline constexpr TagKey<"http.method", std::string_view, "http.request.method"> http_method;
inline constexpr TagKey<"http.url", std::string_view, "url.full"> http_url;
inline constexpr TagKey<"http.status_code", std::int64_t, "http.response.status_code"> http_status_code;
inline constexpr TagKey<"db.type", std::string_view, "db.system"> db_type;
inline constexpr TagKey<"db.instance", std::string_view, "db.namespace"> db_instance;
inline constexpr TagKey<"db.statement", std::string_view, "db.query.text"> db_statement;
inline constexpr TagKey<"db.user", std::string_view> db_user;
inline constexpr TagKey<"peer.service", std::string_view> peer_service;
inline constexpr TagKey<"peer.hostname", std::string_view, "server.address"> peer_hostname;
inline constexpr TagKey<"peer.ipv4", std::string_view, "network.peer.address"> peer_ipv4;
inline constexpr TagKey<"peer.ipv6", std::string_view, "network.peer.address"> peer_ipv6;
inline constexpr TagKey<"peer.port", std::int64_t, "network.peer.port"> peer_port;
inline constexpr TagKey<"message_bus.destination", std::string_view, "messaging.destination.name"> message_bus_destination;
inline constexpr TagKey<"sampling.priority", std::int64_t> sampling_priority;
}  // namespace tags

// Log fields; a log with error.kind marks its span failed.
namespace logs {
inline constexpr TagKey<"event", std::string_view> event;
inline constexpr TagKey<"message", std::string_view> message;
inline constexpr TagKey<"error.kind", std::string_view, "exception.type"> error_kind;
inline constexpr TagKey<"error.object", std::string_view, "exception.message"> error_object;
inline constexpr TagKey<"stack", std::string_view, "exception.stacktrace"> stack;
}  // namespace logs

}  // namespace zspan
