// instrument/zspan.hpp, what instrumented code includes, compiles neither Boost.Hana nor
// fmt's format header: its logs are checked and formatted with fmt/core.h alone (fmt is
// the compiled library), and a StrictTracer's schema is instrument/schema.hpp's.
#include "zspan/instrument/zspan.hpp"

#ifdef BOOST_HANA_CONFIG_HPP
#error "instrument/zspan.hpp includes Boost.Hana"
#endif
#ifdef FMT_FORMAT_H_
#error "instrument/zspan.hpp includes fmt/format.h"
#endif

// The guards looked for above (and in scope_header_test.cc) are the headers' own.
#include <boost/hana/map.hpp>
#include <fmt/format.h>
#if !defined(BOOST_HANA_CONFIG_HPP) || !defined(FMT_FORMAT_H_) || !defined(FMT_CORE_H_)
#error "the include guards checked above are not Hana's and fmt's"
#endif

#include <gtest/gtest.h>

#include <string>

#include "zspan/exporters/discard/discard_exporter.hpp"
#include "zspan/trace/export/field_reader.hpp"

namespace {

TEST(ZspanHeader, FormatsLogsWithoutTheFormatHeader) {
  zspan::Tracer<zspan::AlwaysOnSampler, zspan::DiscardExporter> tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "request");
  TRACE_LOG("attempt {} of {} after {:.2f} ms", 2, 3, 1.5);

  const zspan::detail::ContextNode* span = zspan::current_node();
  ASSERT_NE(span, nullptr);
  std::string message;
  zspan::for_each_decoded_field(zspan::SpanView(span->record, "svc"), [&](const zspan::Field& field) {
    std::get<zspan::LogValue>(field.value).for_each_field([&](const zspan::Field& message_field) {
      message = std::get<zspan::StringValue>(message_field.value).text;
    });
  });
  EXPECT_EQ(message, "attempt 2 of 3 after 1.50 ms");
}

}  // namespace
