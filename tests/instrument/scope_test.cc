#include <gtest/gtest.h>

#include "exporters/memory_exporter.hpp"
#include "instrument/zspan.hpp"

TEST(Scope, Smoke) {
  zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter> tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "outer");
    TRACE_SCOPE("inner");
  }
  ASSERT_TRUE(zspan::flush());
  auto spans = tracer.exporter().spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].name, "inner");
  EXPECT_EQ(spans[1].name, "outer");
  EXPECT_EQ(spans[0].parent_id, spans[1].span_id);
}
