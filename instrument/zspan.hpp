// zspan: compile-time instrumentation with distributed-tracing context.
// Include this in code you instrument; include exporters/*.hpp where you set tracers up.
// It compiles neither Boost.Hana (a StrictTracer's schema: instrument/schema.hpp) nor
// fmt/format.h (logs are checked and formatted with fmt/core.h); a translation unit that
// only opens spans can include instrument/scope.hpp, which compiles no fmt at all.
#pragma once

#include "zspan/instrument/config.hpp"
#include "zspan/instrument/force_tracing.hpp"
#include "zspan/instrument/macros.hpp"
#include "zspan/instrument/scoped_span.hpp"
#include "zspan/instrument/span.hpp"
#include "zspan/trace/context.hpp"
#include "zspan/trace/sampler.hpp"
#include "zspan/trace/tracer.hpp"
