// Server and client in one call each: ServerSpan / TRACE_SCOPE_FROM_REMOTE and inject.
#include "zspan/instrument/remote.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "zspan/instrument/force_tracing.hpp"
#include "zspan/trace/propagation/b3.hpp"
#include "zspan/trace/propagation/jaeger.hpp"
#include "zspan/instrument/zspan.hpp"
#include "zspan/trace/propagation/peer_whitelist.hpp"
#include "tests/support/memory_tracer.hpp"

namespace zspan {
namespace {

using Headers = std::map<std::string, std::string>;
constexpr const char* kSampledParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr const char* kUnsampledParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
const TraceId kTrace{0x4bf92f3577b34da6, 0xa3ce929d0e0e4736};

using testing::flushed;
using testing::MemoryTracerWith;

TEST(ServerSpan, ContinuesTheRemoteTraceAndIsCurrent) {
  MemoryTracerWith<AlwaysOnSampler> tracer{"server"};
  Headers incoming{{"traceparent", kSampledParent}, {"tracestate", "congo=t61"}, {"baggage", "user=alice"}};
  Headers outgoing;
  {
    TRACE_SCOPE_FROM_REMOTE(tracer, "handle", incoming);
    TRACE_SCOPE("work");
    EXPECT_EQ(current_context().baggage->find("user"), "alice");
    inject(outgoing);
  }
  auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 2u);
  const SpanData& handle = spans[1];
  EXPECT_EQ(handle.name, "handle");
  EXPECT_EQ(handle.trace_id, kTrace);
  EXPECT_EQ(handle.parent_id, SpanId{0x00f067aa0ba902b7});
  EXPECT_TRUE(handle.remote_parent);
  EXPECT_EQ(spans[0].parent_id, handle.span_id);
  char work_id[16];
  spans[0].span_id.to_hex(work_id);
  EXPECT_EQ(outgoing["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-" + std::string(work_id, 16) + "-01");
  EXPECT_EQ(outgoing["tracestate"], "congo=t61");
  EXPECT_EQ(outgoing["baggage"], "user=alice");
  EXPECT_EQ(current_node(), nullptr);
}

TEST(ServerSpan, ParentBasedFollowsTheCallersDecision) {
  MemoryTracerWith<ParentBased<AlwaysOnSampler>> tracer{"server"};
  Headers incoming{{"traceparent", kUnsampledParent}};
  Headers outgoing;
  {
    TRACE_SCOPE_FROM_REMOTE(tracer, "handle", incoming, DefaultPropagator{});
    inject(outgoing);
  }
  ASSERT_TRUE(flush());
  EXPECT_EQ(tracer.exporter().size(), 0u);
  // Sampled out, yet downstream still gets the trace's ids and the decision, with a
  // parent-id of the sampled-out span's own.
  EXPECT_EQ(outgoing["traceparent"].substr(0, 36), std::string(kUnsampledParent).substr(0, 36));
  EXPECT_NE(outgoing["traceparent"], kUnsampledParent);
  EXPECT_TRUE(outgoing["traceparent"].ends_with("-00"));
}

TEST(ServerSpan, UntrustedPeersStartANewTrace) {
  MemoryTracerWith<AlwaysOnSampler> tracer{"server"};
  const PeerWhitelist peers = PeerWhitelist::compile({R"(matrix\.org)"}).peers;
  Headers incoming{{"traceparent", kSampledParent}, {"baggage", "role=admin"}};
  const std::uint64_t untrusted = propagation_drops().untrusted_peers;
  {
    static constexpr Callsite kHandle{"handle", __func__, __FILE__, __LINE__, Level::kInfo};
    ServerSpan span{tracer, kHandle, incoming, DefaultPropagator{}, peers.trust("evilmatrix.org")};
    EXPECT_FALSE(current_context().baggage);
  }
  EXPECT_EQ(propagation_drops().untrusted_peers, untrusted + 1);
  auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_NE(spans[0].trace_id, kTrace);
  EXPECT_EQ(spans[0].parent_id, SpanId{});
  ASSERT_EQ(spans[0].references.size(), 1u);  // the caller's ids, as a reference only
  EXPECT_EQ(spans[0].references[0].trace_id, kTrace);
}

TEST(ServerSpan, MissingOrInvalidContextStartsANewTraceKeepingBaggage) {
  MemoryTracerWith<AlwaysOnSampler> tracer{"server"};
  Headers incoming{{"traceparent", "ff-garbage"}, {"baggage", "user=bob"}};
  {
    TRACE_SCOPE_FROM_REMOTE(tracer, "handle", incoming);
    EXPECT_TRUE(current_context().valid());
    EXPECT_EQ(current_context().baggage->find("user"), "bob");
  }
  ASSERT_TRUE(flush());
  ASSERT_EQ(tracer.exporter().size(), 1u);
  EXPECT_FALSE(tracer.exporter().spans()[0].remote_parent);
}

TEST(Inject, WithheldFromUntrustedPeers) {
  MemoryTracerWith<AlwaysOnSampler> tracer{"client"};
  const PeerWhitelist peers = PeerWhitelist::compile({R"(matrix\.org)"}).peers;
  Headers to_trusted, to_other;
  {
    TRACE_SCOPE_WITH(tracer, "call");
    inject(to_trusted, DefaultPropagator{}, peers.trust("matrix.org"));
    inject(to_other, DefaultPropagator{}, peers.trust("matrix.org.evil.com"));
  }
  EXPECT_EQ(to_trusted.count("traceparent"), 1u);
  EXPECT_TRUE(to_other.empty());
}

// The W3C Trace Context Level 2 test suite: "traceparent: 00-<id>-1234567890123456-02"
// (random, not sampled) must go on with a new parent-id, the random flag kept.
TEST(Level2, ANotSampledRequestSendsANewParentIdAndKeepsTheRandomFlag) {
  MemoryTracerWith<ParentBased<AlwaysOnSampler>> tracer{"server"};
  Headers incoming{{"traceparent", "00-12345678901234567890123456789012-1234567890123456-02"}};
  Headers outgoing;
  {
    TRACE_SCOPE_FROM_REMOTE(tracer, "handle", incoming);
    EXPECT_FALSE(current_context().sampled());
    inject(outgoing);
  }
  const std::string& sent = outgoing["traceparent"];
  ASSERT_EQ(sent.size(), 55u);
  EXPECT_EQ(sent.substr(0, 36), "00-12345678901234567890123456789012-");
  EXPECT_NE(sent.substr(36, 16), "1234567890123456");
  EXPECT_NE(sent.substr(36, 16), "0000000000000000");
  EXPECT_EQ(sent.substr(52), "-02");
}

TEST(Level2, TracesStartedHereAreRandomAndContinuedOnesKeepTheirFlags) {
  MemoryTracerWith<AlwaysOnSampler> tracer{"server"};
  Headers from_root, continued;
  {
    TRACE_SCOPE_WITH(tracer, "root");
    inject(from_root);
  }
  EXPECT_TRUE(from_root["traceparent"].ends_with("-03"));  // sampled, random
  Headers incoming{{"traceparent", kSampledParent}};      // sampled, not known random
  {
    TRACE_SCOPE_FROM_REMOTE(tracer, "handle", incoming);
    inject(continued);
  }
  EXPECT_TRUE(continued["traceparent"].ends_with("-01"));
  // Sampled out at the root: still random.
  MemoryTracerWith<AlwaysOffSampler> off{"off"};
  Headers dropped;
  {
    TRACE_SCOPE_WITH(off, "root");
    inject(dropped);
  }
  EXPECT_TRUE(dropped["traceparent"].ends_with("-02"));
}

// B3 debug and Jaeger debug: recorded whatever the sampler says, passed on as debug, and
// marked forced for the exporters.
TEST(Forced, DebugFromUpstreamIsRecordedAndPassedOn) {
  using B3 = B3Propagator<B3Encoding::kSingle>;
  MemoryTracerWith<AlwaysOffSampler> tracer{"server"};
  Headers b3_in{{"b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-d"}};
  Headers jaeger_in{{"uber-trace-id", "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:2"}};
  Headers b3_out, jaeger_out;
  {
    TRACE_SCOPE_FROM_REMOTE(tracer, "b3", b3_in, B3{});
    TRACE_SCOPE("child");
    inject(b3_out, B3{});
  }
  {
    TRACE_SCOPE_FROM_REMOTE(tracer, "jaeger", jaeger_in, JaegerPropagator{});
    inject(jaeger_out, JaegerPropagator{});
  }
  EXPECT_TRUE(b3_out["b3"].ends_with("-d"));
  EXPECT_TRUE(jaeger_out["uber-trace-id"].ends_with(":0:03"));
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 3u);
  for (const SpanData& span : spans) {
    EXPECT_TRUE(span.forced) << span.name;
    EXPECT_EQ(span.trace_id, kTrace) << span.name;
  }
}

TEST(Forced, ForceTracingRecordsANewTraceWhateverTheSampler) {
  MemoryTracerWith<AlwaysOffSampler> tracer{"app"};
  Headers outgoing;
  {
    ForceTracing force;
    TRACE_SCOPE_WITH(tracer, "root");
    TRACE_SCOPE("child");
    inject(outgoing, JaegerPropagator{});
  }
  {
    ForceTracing not_forced(false);
    TRACE_SCOPE_WITH(tracer, "dropped");
  }
  EXPECT_EQ(current_node(), nullptr);
  EXPECT_TRUE(outgoing["uber-trace-id"].ends_with(":0:03"));
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 2u);
  const SpanData& child = spans[0];
  const SpanData& root = spans[1];
  EXPECT_EQ(root.name, "root");
  EXPECT_EQ(root.parent_id, SpanId{});
  EXPECT_FALSE(root.remote_parent);
  EXPECT_TRUE(root.forced);
  EXPECT_EQ(child.parent_id, root.span_id);
  EXPECT_EQ(child.trace_id, root.trace_id);
  EXPECT_TRUE(child.forced);
}

TEST(Forced, ForceTracingGivesRootsWithoutATracerToTheGivenOrDefaultTracer) {
  MemoryTracerWith<AlwaysOffSampler> given{"given"};
  MemoryTracerWith<AlwaysOffSampler> fallback{"default"};
  set_default_tracer(&fallback);
  {
    ForceTracing force(given);
    TRACE_SCOPE("to_given");
  }
  {
    ForceTracing force;
    TRACE_SCOPE("to_default");
  }
  set_default_tracer(nullptr);
  ASSERT_TRUE(flush());
  ASSERT_EQ(given.exporter().size(), 1u);
  EXPECT_EQ(given.exporter().spans()[0].name, "to_given");
  ASSERT_EQ(fallback.exporter().size(), 1u);
  EXPECT_EQ(fallback.exporter().spans()[0].name, "to_default");
}

// Synapse forces the requests of listed users: the caller's trace, sampled out upstream,
// is recorded here and goes on forced.
TEST(Forced, ForceTracingAroundAServerSpanForcesTheCallersTrace) {
  MemoryTracerWith<ParentBased<AlwaysOnSampler>> tracer{"server"};
  Headers incoming{{"traceparent", kUnsampledParent}};
  Headers outgoing;
  {
    ForceTracing force;
    TRACE_SCOPE_FROM_REMOTE(tracer, "handle", incoming);
    inject(outgoing, B3Propagator<B3Encoding::kMulti>{});
  }
  EXPECT_EQ(outgoing["X-B3-Flags"], "1");
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].trace_id, kTrace);
  EXPECT_EQ(spans[0].parent_id, SpanId{0x00f067aa0ba902b7});
  EXPECT_TRUE(spans[0].remote_parent);
  EXPECT_TRUE(spans[0].forced);
}

TEST(Forced, ForceTracingUnderASampledOutSpanRecordsItsChildren) {
  MemoryTracerWith<AlwaysOffSampler> tracer{"app"};
  {
    TRACE_SCOPE_WITH(tracer, "sampled_out");
    ForceTracing force(tracer);
    TRACE_SCOPE("forced");
  }
  ASSERT_TRUE(flush());
  ASSERT_EQ(tracer.exporter().size(), 1u);
  EXPECT_EQ(tracer.exporter().spans()[0].name, "forced");
  EXPECT_TRUE(tracer.exporter().spans()[0].forced);
}

}  // namespace
}  // namespace zspan
