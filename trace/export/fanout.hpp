// Fanout<E...>: every span of a tracer to several exporters, the exporters' counterpart of
// the propagators' Composite. Each member keeps its own queue and worker, so a slow one
// delays only its own copy of the spans.
//
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::Fanout<zspan::ConsoleExporter, zspan::ChromeTraceExporter>>
//       tracer{"svc", {}, zspan::share_exporter<zspan::ConsoleExporter>(options),
//              zspan::share_exporter<zspan::ChromeTraceExporter>(options, "trace.json")};
//   tracer.exporter().get<1>().path();
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <tuple>
#include <vector>

#include "zspan/trace/export/pipeline.hpp"

namespace zspan {

template <Exporter... E>
class Fanout {
 public:
  explicit Fanout(SharedExporter<E>... members) : members_(std::move(members)...) {}

  // Each member made with its default constructor and the OTEL_BSP_* queue settings.
  static Fanout for_tracer(std::string_view service) {
    return Fanout(SharedExporter<E>::make(service, ExportOptions::from_env())...);
  }

  template <std::size_t I>
  auto& get() const noexcept {
    return *std::get<I>(members_);
  }

  std::vector<std::shared_ptr<detail::Pipeline>> pipelines() const {
    return std::apply([](const auto&... m) { return std::vector<std::shared_ptr<detail::Pipeline>>{m.pipeline()...}; },
                      members_);
  }

 private:
  std::tuple<SharedExporter<E>...> members_;
};

}  // namespace zspan
