# Generated from the BUILD files by //cmake:generated_libraries (cmake/libraries.bzl): do not edit.
# Regenerate with cmake/update_libraries.sh; //tests/cmake:libraries_test checks it.
zspan_library(configure
  SRCS configure/configure.cc configure/configured_exporter.cc
  HDRS configure/configure.hpp configure/configured_exporter.hpp
  DEPS exporters_chrome exporters_console exporters_jaeger exporters_jsonl exporters_otlp exporters_zipkin trace trace_propagation trace_sampling_jaeger_remote)
zspan_library(exporters_chrome
  SRCS exporters/chrome/chrome_trace_exporter.cc exporters/chrome/track_layout.cc
  HDRS exporters/chrome/chrome_trace_exporter.hpp exporters/chrome/track_layout.hpp
  DEPS exporters_json_json_writer exporters_json_output_sink trace)
zspan_library(exporters_console
  SRCS exporters/console/cells.cc exporters/console/console_exporter.cc exporters/console/waterfall.cc
  HDRS exporters/console/cells.hpp exporters/console/console_exporter.hpp exporters/console/waterfall.hpp
  DEPS trace
  THIRD_PARTY fmt)
zspan_library(exporters_discard
  HDRS exporters/discard/discard_exporter.hpp
  DEPS trace)
zspan_library(exporters_http
  SRCS exporters/http/http_client.cc exporters/http/http_sender.cc
  HDRS exporters/http/http_client.hpp exporters/http/http_sender.hpp
  DEPS trace
  THIRD_PARTY curl zlib)
zspan_library(exporters_jaeger
  SRCS exporters/jaeger/jaeger_agent_exporter.cc exporters/jaeger/jaeger_collector_exporter.cc exporters/jaeger/jaeger_encoding.cc exporters/jaeger/thrift_writer.cc
  HDRS exporters/jaeger/jaeger_agent_exporter.hpp exporters/jaeger/jaeger_collector_exporter.hpp exporters/jaeger/jaeger_encoding.hpp exporters/jaeger/thrift_writer.hpp
  DEPS exporters_http exporters_json_json_writer trace)
zspan_library(exporters_json_json_writer
  SRCS exporters/json/json_writer.cc
  HDRS exporters/json/json_writer.hpp
  DEPS trace)
zspan_library(exporters_json_output_sink
  SRCS exporters/json/output_sink.cc
  HDRS exporters/json/output_sink.hpp)
zspan_library(exporters_jsonl
  SRCS exporters/jsonl/json_lines_exporter.cc
  HDRS exporters/jsonl/json_lines_exporter.hpp
  DEPS exporters_json_json_writer exporters_json_output_sink trace)
zspan_library(exporters_memory
  SRCS exporters/memory/memory_exporter.cc
  HDRS exporters/memory/memory_exporter.hpp
  DEPS trace)
zspan_library(exporters_otlp
  SRCS exporters/otlp/otlp_encoding.cc exporters/otlp/otlp_http_exporter.cc exporters/otlp/otlp_json.cc exporters/otlp/otlp_wire.cc
  HDRS exporters/otlp/otlp_encoding.hpp exporters/otlp/otlp_http_exporter.hpp exporters/otlp/otlp_json.hpp exporters/otlp/otlp_wire.hpp exporters/otlp/resource_groups.hpp
  DEPS exporters_http exporters_json_json_writer exporters_otlp_proto trace)
zspan_library(exporters_otlp_proto
  GENERATED exporters/otlp/proto/common.pb.cc exporters/otlp/proto/common.pb.h exporters/otlp/proto/resource.pb.cc exporters/otlp/proto/resource.pb.h exporters/otlp/proto/trace.pb.cc exporters/otlp/proto/trace.pb.h exporters/otlp/proto/trace_service.pb.cc exporters/otlp/proto/trace_service.pb.h
  THIRD_PARTY protobuf)
zspan_library(exporters_zipkin
  SRCS exporters/zipkin/zipkin_exporter.cc
  HDRS exporters/zipkin/zipkin_exporter.hpp
  DEPS exporters_http exporters_json_json_writer trace)
zspan_library(instrument
  SRCS instrument/log.cc
  DEPS instrument_headers trace)
zspan_library(instrument_asio
  HDRS instrument/asio.hpp
  DEPS instrument
  THIRD_PARTY boost)
zspan_library(instrument_headers
  HDRS instrument/baggage.hpp instrument/baggage_key.hpp instrument/bind_context.hpp instrument/compiled_out_span.hpp instrument/config.hpp instrument/coroutine.hpp instrument/current_exception.hpp instrument/force_tracing.hpp instrument/log.hpp instrument/log_declarations.hpp instrument/log_format.hpp instrument/macros.hpp instrument/schema.hpp instrument/scope.hpp instrument/scoped_span.hpp instrument/span.hpp instrument/span_name.hpp instrument/span_operations.hpp instrument/tag_key.hpp instrument/tags.hpp instrument/zspan.hpp
  DEPS instrument_internal trace_headers
  THIRD_PARTY boost)
zspan_library(instrument_internal
  HDRS instrument/internal/tag_writer.hpp)
zspan_library(instrument_remote
  HDRS instrument/remote.hpp
  DEPS instrument trace_propagation)
zspan_library(instrument_semconv
  HDRS instrument/semconv.hpp
  DEPS instrument)
zspan_library(trace
  SRCS trace/baggage.cc trace/clock.cc trace/collector.cc trace/context.cc trace/diagnostics.cc trace/env.cc trace/export/export_options.cc trace/export/otel.cc trace/export/pipeline.cc trace/export/span_data.cc trace/export/span_limits.cc trace/ids.cc trace/internal/recording.cc trace/internal/text.cc trace/internal/thread_buffer.cc trace/run_time_name.cc trace/sampler.cc trace/self_measurement.cc trace/trace_state.cc trace/tracer.cc
  DEPS trace_headers
  LINKOPTS -pthread)
zspan_library(trace_headers
  HDRS trace/baggage.hpp trace/callsite.hpp trace/captured_context.hpp trace/clock.hpp trace/collector.hpp trace/context.hpp trace/diagnostics.hpp trace/env.hpp trace/export/exporter.hpp trace/export/fanout.hpp trace/export/field_reader.hpp trace/export/otel.hpp trace/export/pipeline.hpp trace/export/span_data.hpp trace/export/span_limits.hpp trace/export/span_view.hpp trace/ids.hpp trace/run_time_name.hpp trace/sampler.hpp trace/self_measurement.hpp trace/span_context.hpp trace/trace_state.hpp trace/tracer.hpp trace/version.hpp
  DEPS trace_internal
  THIRD_PARTY fmt)
zspan_library(trace_internal
  HDRS trace/internal/field.hpp trace/internal/recording.hpp trace/internal/shared_ref.hpp trace/internal/span_record.hpp trace/internal/text.hpp trace/internal/thread_buffer.hpp trace/internal/thread_state.hpp trace/internal/three_way.hpp)
zspan_library(trace_propagation
  SRCS trace/propagation/b3.cc trace/propagation/configured_propagator.cc trace/propagation/drops.cc trace/propagation/header_text.cc trace/propagation/jaeger.cc trace/propagation/peer_whitelist.cc trace/propagation/trace_context.cc trace/propagation/w3c_baggage.cc
  HDRS trace/propagation/b3.hpp trace/propagation/carrier.hpp trace/propagation/composite.hpp trace/propagation/configured_propagator.hpp trace/propagation/drops.hpp trace/propagation/header_text.hpp trace/propagation/host_verdict_cache.hpp trace/propagation/jaeger.hpp trace/propagation/peer_whitelist.hpp trace/propagation/propagator.hpp trace/propagation/trace_context.hpp trace/propagation/trust.hpp trace/propagation/w3c_baggage.hpp
  DEPS trace
  THIRD_PARTY re2)
zspan_library(trace_sampling_jaeger_remote
  SRCS trace/sampling/jaeger_remote_sampler.cc
  HDRS trace/sampling/jaeger_remote_sampler.hpp
  DEPS exporters_http trace trace_propagation
  THIRD_PARTY nlohmann_json)
set(ZSPAN_PACKAGE_LIBRARIES configure exporters_discard exporters_memory instrument instrument_asio instrument_remote instrument_semconv)
