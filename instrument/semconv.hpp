// OpenTelemetry semantic-convention attributes (1.26) that the OpenTracing table of
// instrument/tags.hpp has no key for; the integrations (instrument/http, instrument/sql)
// record these beside tags::http_method, tags::http_status_code, tags::db_statement...,
// which exporters name by their OpenTelemetry names (http.request.method, ...).
//
//   span.tag(zspan::semconv::http_route, "/users/:id");
#pragma once

#include <cstdint>
#include <string_view>

#include "zspan/instrument/tag_key.hpp"

namespace zspan::semconv {
inline constexpr TagKey<"http.route", std::string_view> http_route;
inline constexpr TagKey<"http.request.method_original", std::string_view> http_request_method_original;
inline constexpr TagKey<"url.path", std::string_view> url_path;
inline constexpr TagKey<"user_agent.original", std::string_view> user_agent_original;
inline constexpr TagKey<"client.address", std::string_view> client_address;
inline constexpr TagKey<"server.address", std::string_view> server_address;
inline constexpr TagKey<"server.port", std::int64_t> server_port;
inline constexpr TagKey<"error.type", std::string_view> error_type;
// Not in the conventions, which name only returned rows: what sqlite3_changes() counts.
inline constexpr TagKey<"db.rows_affected", std::int64_t> db_rows_affected;
}  // namespace zspan::semconv
