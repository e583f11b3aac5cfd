// Built with ZSPAN_DISABLED: tags, logs and baggage disappear, and none of their
// arguments is evaluated. Their types and format strings are still checked (see
// tests/compile_fail), which this file cannot show by compiling.
#include <gtest/gtest.h>

#include <string>

#include "zspan/exporters/memory/memory_exporter.hpp"
#include "zspan/instrument/schema.hpp"
#include "zspan/instrument/zspan.hpp"

static_assert(!zspan::kTracingEnabled, "this test must be built with ZSPAN_DISABLED");

namespace {

namespace tags = zspan::tags;

TEST(CompiledOut, NoArgumentIsEvaluated) {
  zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter> tracer{"svc"};
  int evaluations = 0;
  auto next = [&] { return ++evaluations; };
  auto text = [&] { return std::to_string(++evaluations); };
  {
    TRACE_SCOPE_WITH(tracer, "work", tags::http_status_code = next(), tags::http_method = text());
    TRACE_SCOPE("inner", tags::peer_port = next());
    TRACE_TAG(tags::db_statement, text());
    TRACE_LOG("{} {}", next(), text());
    TRACE_ERROR("failed after {}", next());
    TRACE_LOG_FIELDS(zspan::logs::event = text());
    EXPECT_EQ(TRACE_BAGGAGE_SET("tenant", text()), zspan::BaggageResult::kNoSpan);
  }
  EXPECT_EQ(evaluations, 0);
  ASSERT_TRUE(zspan::flush());
  EXPECT_EQ(tracer.exporter().size(), 0u);
}

TEST(CompiledOut, StrictTracersStillBuild) {
  using Schema = zspan::Schema<tags::http_method>;
  zspan::StrictTracer<Schema, zspan::AlwaysOnSampler, zspan::MemoryExporter> strict{"strict"};
  int evaluations = 0;
  {
    TRACE_SCOPE_WITH(strict, "get", tags::http_method = std::to_string(++evaluations));
  }
  EXPECT_EQ(evaluations, 0);
}

}  // namespace
