// A program of another Bazel workspace that uses zspan (README.md, "Using zspan from another
// build"): a tracer of its own prints its spans as a waterfall on stdout.
//
//   bazel run //:consumer      # in examples/consumer/bazel
#include "zspan/exporters/console/console_exporter.hpp"
#include "zspan/instrument/zspan.hpp"

zspan::Tracer<zspan::AlwaysOnSampler, zspan::ConsoleExporter> tracer{"consumer"};

int main() {
  {
    TRACE_SCOPE_WITH(tracer, "handle request");
    TRACE_SCOPE("load user");
  }
  zspan::flush();  // the waterfall prints
}
