// Every format through a carrier: "name: value" lines as headers, extracted by all the
// propagators at once, then injected back out.
#include <map>
#include <string>

#include "tests/fuzz/fuzz_input.hpp"
#include "zspan/trace/propagation/configured_propagator.hpp"
#include "zspan/trace/propagation/propagator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zspan;
  static const ConfiguredPropagator all = ConfiguredPropagator::parse("tracecontext,baggage,b3,b3multi,jaeger");
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  for (std::string_view line : fuzz::lines(fuzz::as_text(data, size))) {
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  const SpanContext ctx = extract(callback_carrier([&](auto&& on_header) {
                                    for (const auto& [n, v] : headers) on_header(n, v);
                                  }),
                                  all);
  std::map<std::string, std::string> out;
  inject(ctx, out, all);
  fuzz::require(ctx.valid() == out.contains("traceparent"));
  return 0;
}
