#include "zspan/instrument/log/correlation.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <memory>
#include <sstream>

#include "zspan/exporters/memory/memory_exporter.hpp"
#include "zspan/instrument/log/spdlog_ids.hpp"
#include "zspan/instrument/macros.hpp"

namespace {

TEST(IdFormatters, WriteLowerCaseHexOfFixedWidth) {
  EXPECT_EQ(fmt::format("{}", zspan::TraceId{0x4bf92f3577b34da6, 0xa3ce929d0e0e4736}), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(fmt::format("{}", zspan::TraceId{0, 1}), "00000000000000000000000000000001");
  EXPECT_EQ(fmt::format("{}", zspan::SpanId{0xab}), "00000000000000ab");
}

TEST(CurrentIds, AreTheCurrentSpansRecordingOrNot) {
  EXPECT_FALSE(zspan::current_ids().valid());
  zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter> on{"on"};
  zspan::Tracer<zspan::AlwaysOffSampler, zspan::MemoryExporter> off{"off"};
  {
    TRACE_SCOPE_WITH(on, "sampled");
    const zspan::CurrentIds ids = zspan::current_ids();
    EXPECT_EQ(ids.trace_id, zspan::current_context().trace_id);
    EXPECT_EQ(ids.span_id, zspan::current_context().span_id);
    EXPECT_TRUE(ids.sampled);
  }
  {
    TRACE_SCOPE_WITH(off, "dropped");
    const zspan::CurrentIds ids = zspan::current_ids();
    EXPECT_TRUE(ids.valid());
    EXPECT_FALSE(ids.sampled);
  }
}

TEST(SpdlogIdsFlag, PutsTheCurrentIdsOnTheLine) {
  std::ostringstream out;
  spdlog::logger logger("test", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<zspan::SpdlogIdsFlag>('*').set_pattern("%v%*");
  logger.set_formatter(std::move(formatter));

  zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter> tracer{"svc"};
  logger.info("outside ");
  std::string expected = "outside \n";
  {
    TRACE_SCOPE_WITH(tracer, "work");
    logger.info("inside ");
    const zspan::SpanContext ctx = zspan::current_context();
    expected += fmt::format("inside trace_id={} span_id={}\n", ctx.trace_id, ctx.span_id);
  }
  EXPECT_EQ(out.str(), expected);
}

}  // namespace
