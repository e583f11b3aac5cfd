// zspan: compile-time instrumentation with distributed-tracing context.
// Include this in code you instrument; include exporters/*.hpp where you set tracers up.
#pragma once

#include "instrument/config.hpp"
#include "instrument/force_tracing.hpp"
#include "instrument/macros.hpp"
#include "instrument/scoped_span.hpp"
#include "instrument/span.hpp"
#include "trace/context.hpp"
#include "trace/sampler.hpp"
#include "trace/tracer.hpp"
