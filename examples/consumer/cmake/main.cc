// A program built with CMake that uses zspan (README.md, "Using zspan from another build"):
// traced as its environment says, the OpenTelemetry way.
//
//   OTEL_SERVICE_NAME=cmake-consumer OTEL_TRACES_EXPORTER=console build/consumer
#include "zspan/configure/configure.hpp"
#include "zspan/instrument/zspan.hpp"

int main() {
  if (!zspan::configure_from_env()) return 1;
  {
    TRACE_SCOPE("handle request");
    TRACE_SCOPE("load user");
  }
  zspan::flush();  // what the configured exporters hold goes out now
}
