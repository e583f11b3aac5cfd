// zspan's version, as exporters report it (telemetry.sdk.version, Jaeger's client version).
#pragma once

#include <string_view>

namespace zspan {
inline constexpr std::string_view kVersion = "0.3.0";
}  // namespace zspan
