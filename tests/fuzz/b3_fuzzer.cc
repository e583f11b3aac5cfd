// B3: the first line as a single header, the next four as X-B3-TraceId, -SpanId,
// -Sampled and -Flags.
#include "tests/fuzz/fuzz_input.hpp"
#include "zspan/trace/propagation/b3.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zspan;
  std::vector<std::string_view> lines = fuzz::lines(fuzz::as_text(data, size));
  lines.resize(5);
  if (const std::optional<B3Context> single = parse_b3_single(lines[0]))
    fuzz::require(single->trace_id.valid() && single->span_id.valid() &&
                  (!single->flags.forced() || single->flags.sampled()));
  if (const std::optional<B3Context> multi = parse_b3_multi({lines[1], lines[2], lines[3], lines[4]}))
    fuzz::require(multi->trace_id.valid() && multi->span_id.valid() && (!multi->flags.forced() || multi->flags.sampled()));
  return 0;
}
