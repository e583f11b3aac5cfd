// zspan: compile-time instrumentation with distributed-tracing context.
// Include this in code you instrument; include exporters/*.hpp where you set tracers up.
// It compiles neither Boost.Hana (a StrictTracer's schema: instrument/schema.hpp) nor
// fmt/format.h (logs are checked and formatted with fmt/core.h); a translation unit that
// only opens spans can include instrument/scope.hpp, which compiles no fmt at all.
#pragma once

#include "instrument/config.hpp"
#include "instrument/force_tracing.hpp"
#include "instrument/macros.hpp"
#include "instrument/scoped_span.hpp"
#include "instrument/span.hpp"
#include "trace/context.hpp"
#include "trace/sampler.hpp"
#include "trace/tracer.hpp"
