// instrument/scope.hpp (TRACE_SCOPE, TRACE_TAG) compiles neither Boost.Hana nor any of
// fmt: a translation unit that only opens spans does not pay for the schema machinery
// (instrument/schema.hpp) or log formatting (instrument/log.hpp). The checks look for the
// headers' include guards, which tests/instrument/zspan_header_test.cc checks are theirs.
#include "zspan/instrument/scope.hpp"

#ifdef BOOST_HANA_CONFIG_HPP
#error "instrument/scope.hpp includes Boost.Hana"
#endif
#ifdef FMT_CORE_H_
#error "instrument/scope.hpp includes fmt"
#endif

#include <gtest/gtest.h>

#include "zspan/exporters/discard/discard_exporter.hpp"

namespace {

TEST(ScopeHeader, OpensTaggedSpansAlone) {
  zspan::Tracer<zspan::AlwaysOnSampler, zspan::DiscardExporter> tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "outer", zspan::tags::http_method = "GET");
    TRACE_SCOPE("inner");
    TRACE_TAG(zspan::tags::http_status_code, 200);
    const zspan::detail::ContextNode* current = zspan::current_node();
    ASSERT_NE(current, nullptr);
    EXPECT_TRUE(current->recording());
    EXPECT_EQ(current->record.callsite->name, std::string_view("inner"));
  }
  EXPECT_EQ(zspan::current_node(), nullptr);
}

}  // namespace
