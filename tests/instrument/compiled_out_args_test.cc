// Built with ZSPAN_DISABLED: the macros evaluate none of their arguments.
#include <gtest/gtest.h>

#include "zspan/exporters/discard/discard_exporter.hpp"
#include "zspan/instrument/zspan.hpp"

static_assert(!zspan::kTracingEnabled);

namespace compiled_out_test {

int evaluations = 0;
zspan::Tracer<zspan::AlwaysOnSampler, zspan::DiscardExporter> tracer{"off"};

// External linkage on purpose: clang flags an internal function that only compiled-out
// tracing arguments name (-Wunneeded-internal-declaration), as they never call it.
auto& tracer_with_side_effect() {
  ++evaluations;
  return tracer;
}

}  // namespace compiled_out_test

namespace {

using compiled_out_test::evaluations;
using compiled_out_test::tracer_with_side_effect;

TEST(CompiledOut, MacrosEvaluateNoArguments) {
  {
    TRACE_SCOPE_WITH(tracer_with_side_effect(), "a");
    TRACE_SCOPE((++evaluations, "b"));
    TRACE_SCOPE_DEBUG((++evaluations, "c"));
    TRACE_SCOPE_VERBOSE((++evaluations, "d"));
    TRACE_SCOPE_FOLLOWS_FROM((++evaluations, "e"));
    TRACE_FUNCTION();
    TRACE_SCOPE_NAMED((++evaluations, "f"));
    TRACE_SCOPE_NAMED_WITH(tracer_with_side_effect(), (++evaluations, "g"));
    TRACE_RENAME((++evaluations, "h"));
    EXPECT_EQ(zspan::current_node(), nullptr) << "no span was started";
  }
  EXPECT_EQ(evaluations, 0);
}

}  // namespace
