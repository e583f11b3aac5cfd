// Built with ZSPAN_DISABLED: the macros evaluate none of their arguments.
#include <gtest/gtest.h>

#include "exporters/discard_exporter.hpp"
#include "instrument/zspan.hpp"

namespace {

static_assert(!zspan::kTracingEnabled);

int evaluations = 0;
zspan::Tracer<zspan::AlwaysOnSampler, zspan::DiscardExporter> tracer{"off"};

auto& tracer_with_side_effect() {
  ++evaluations;
  return tracer;
}

TEST(CompiledOut, MacrosEvaluateNoArguments) {
  {
    TRACE_SCOPE_WITH(tracer_with_side_effect(), "a");
    TRACE_SCOPE((++evaluations, "b"));
    TRACE_SCOPE_DEBUG((++evaluations, "c"));
    TRACE_SCOPE_VERBOSE((++evaluations, "d"));
    TRACE_SCOPE_FOLLOWS_FROM((++evaluations, "e"));
    TRACE_FUNCTION();
    EXPECT_EQ(zspan::current_node(), nullptr) << "no span was started";
  }
  EXPECT_EQ(evaluations, 0);
}

}  // namespace
