// log_correlation: spdlog lines that carry the current trace and span ids, so that a log
// search leads to the trace and the trace to its logs.
//
//   ./bazelw run //examples:log_correlation
//   [info] charging order 42 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7
//
// The spans go to the console waterfall; the ids on the log lines are theirs.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "zspan/exporters/console/console_exporter.hpp"
#include "zspan/instrument/log/spdlog_ids.hpp"
#include "zspan/instrument/macros.hpp"

int main() {
  zspan::Tracer<zspan::AlwaysOnSampler, zspan::ConsoleExporter> tracer{"checkout"};

  auto logger = std::make_shared<spdlog::logger>("checkout", std::make_shared<spdlog::sinks::stdout_sink_st>());
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<zspan::SpdlogIdsFlag>('*').set_pattern("[%l] %v %*");
  logger->set_formatter(std::move(formatter));

  logger->info("starting");  // no span: no ids
  {
    TRACE_SCOPE_WITH(tracer, "checkout");
    logger->info("charging order {}", 42);
    {
      TRACE_SCOPE("charge");
      logger->warn("card declined, retrying");
      const zspan::CurrentIds ids = zspan::current_ids();
      fmt::print("ids by hand: {} {} sampled={}\n", ids.trace_id, ids.span_id, ids.sampled);
    }
  }
  tracer.flush();
}
