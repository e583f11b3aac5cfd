// A batch's spans grouped as an OTLP request carries them: one ResourceSpans per service,
// in the order services first appear in the batch, each with its spans in batch order
// (exporters/otlp/otlp_encoding.hpp). The direct encoders (WireEncoder, JsonEncoder) group
// with it.
//
//   zspan::otlp::ResourceGroups groups;   // keep it: it reuses its buffers
//   groups.group(batch);
//   for (std::uint32_t s = 0; s < groups.services().size(); ++s) {
//     write_resource(groups.services()[s]);
//     for (std::size_t i = 0; i < batch.size(); ++i)
//       if (groups.service_of(i) == s) write_span(batch[i]);
//   }
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "zspan/trace/export/exporter.hpp"

namespace zspan::otlp {

class ResourceGroups {
 public:
  // Groups `batch`, forgetting the batch grouped before.
  void group(const SpanBatch& batch) {
    services_.clear();
    service_of_.clear();
    for (const SpanView& span : batch) {
      const auto known = std::find(services_.begin(), services_.end(), span.service());
      service_of_.push_back(static_cast<std::uint32_t>(known - services_.begin()));
      if (known == services_.end()) services_.push_back(span.service());
    }
  }

  // The services, in the order they first appear in the batch.
  const std::vector<std::string_view>& services() const noexcept { return services_; }
  // The index in services() of the batch's span `i`.
  std::uint32_t service_of(std::size_t i) const noexcept { return service_of_[i]; }

 private:
  std::vector<std::string_view> services_;
  std::vector<std::uint32_t> service_of_;
};

}  // namespace zspan::otlp
