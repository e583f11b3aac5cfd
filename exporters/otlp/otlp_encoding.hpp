// A batch of spans as one OTLP ExportTraceServiceRequest (the protobuf messages of
// exporters/otlp/proto), after the mapping of trace/export/otel.hpp: the message every
// OTLP encoding carries. OtlpHttpExporter writes it directly (exporters/otlp/otlp_wire.hpp
// for http/protobuf, exporters/otlp/otlp_json.hpp for http/json); encode() builds it with
// libprotobuf, for tests, the encoders' reference, and other OTLP transports.
//
//   opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
//   zspan::otlp::encode(batch, request);
//   std::string body = request.SerializeAsString();    // http/protobuf, as WireEncoder writes it
//
// The rules, beyond otel.hpp's:
//  - One ResourceSpans per service, in the order services first appear in the batch
//    (exporters/otlp/resource_groups.hpp), with the resource's attributes
//    (otel::Resource::get(): service.name, process.pid, ...) and one ScopeSpans, scope
//    "zspan" version kVersion.
//  - Ids are bytes, big-endian as their hex form reads: trace_id 16, span_id 8,
//    parent_span_id 8 or empty for a root.
//  - flags: the W3C trace flags, sampled (0x01) and random (0x02: a trace id zspan drew,
//    Trace Context Level 2), and SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE (0x100) with
//    SPAN_FLAGS_CONTEXT_IS_REMOTE (0x200) when the parent came from another process. Links
//    carry no flags (zspan does not keep the linked context's flags).
//  - A uint64 above INT64_MAX has no OTLP integer: it is sent as its decimal string. An
//    array of uint64 holding one is sent as decimal strings throughout, so that the
//    array stays of one type (OpenTelemetry requires homogeneous arrays).
//  - Strings are sent as valid UTF-8 (protobuf `string` requires it, and receivers refuse
//    a request that breaks it): each invalid byte, such as the half of a character a
//    string cut at ZSPAN_MAX_STRING_BYTES leaves, becomes U+FFFD.
//  - dropped_attributes_count, dropped_events_count, dropped_links_count and an event's
//    dropped_attributes_count: what did not fit the span or its limits (otel::SpanSummary,
//    trace/export/span_limits.hpp).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "exporters/otlp/proto/trace_service.pb.h"
#include "zspan/trace/export/exporter.hpp"
#include "zspan/trace/export/field_reader.hpp"

namespace zspan::otlp {

void encode(const SpanBatch& batch, opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request);

// The span's flags field (the rule above).
std::uint32_t span_flags(const SpanView& span) noexcept;

// Whether a uint64 fits an OTLP int_value; whether an array is sent as decimal strings
// (an array of uint64 holding one that does not fit).
constexpr bool fits_int64(std::uint64_t v) noexcept { return v <= std::numeric_limits<std::int64_t>::max(); }
bool uint64s_as_strings(const ArrayValue& array) noexcept;

// `text` if it is valid UTF-8, else a copy with each invalid byte replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

// The length of the well-formed UTF-8 sequence at `s[i]`, or 0 for an invalid byte (RFC 3629
// §4: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept;

}  // namespace zspan::otlp
