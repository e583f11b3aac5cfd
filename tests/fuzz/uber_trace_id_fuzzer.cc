// Jaeger: parse_uber_trace_id on the first line, parse_uberctx on "name: value" lines.
#include "tests/fuzz/fuzz_input.hpp"
#include "zspan/trace/propagation/jaeger.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zspan;
  const std::vector<std::string_view> lines = fuzz::lines(fuzz::as_text(data, size));
  if (const std::optional<JaegerContext> parsed = parse_uber_trace_id(lines[0]))
    fuzz::require(parsed->trace_id.valid() && parsed->span_id.valid() &&
                  (!parsed->flags.forced() || parsed->flags.sampled()));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::size_t colon = lines[i].find(':');
    const std::string_view name = lines[i].substr(0, colon);
    if (colon != std::string_view::npos && header_name_starts_with(name, kUberBaggagePrefix))
      (void)parse_uberctx(name, lines[i].substr(colon + 1));
  }
  return 0;
}
