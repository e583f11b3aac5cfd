// Server and client in one call each: ServerSpan / TRACE_SCOPE_FROM_REMOTE and inject.
#include "instrument/remote.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "exporters/memory/memory_exporter.hpp"
#include "instrument/zspan.hpp"
#include "trace/propagation/peer_whitelist.hpp"

namespace zspan {
namespace {

using Headers = std::map<std::string, std::string>;
constexpr const char* kSampledParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr const char* kUnsampledParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
const TraceId kTrace{0x4bf92f3577b34da6, 0xa3ce929d0e0e4736};

template <class Sampler>
using MemoryTracer = Tracer<Sampler, MemoryExporter>;

TEST(ServerSpan, ContinuesTheRemoteTraceAndIsCurrent) {
  MemoryTracer<AlwaysOnSampler> tracer{"server"};
  Headers incoming{{"traceparent", kSampledParent}, {"tracestate", "congo=t61"}, {"baggage", "user=alice"}};
  Headers outgoing;
  {
    TRACE_SCOPE_FROM_REMOTE(tracer, "handle", incoming);
    TRACE_SCOPE("work");
    EXPECT_EQ(current_context().baggage->find("user"), "alice");
    inject(outgoing);
  }
  ASSERT_TRUE(flush());
  auto spans = tracer.exporter().spans();
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
  MemoryTracer<ParentBased<AlwaysOnSampler>> tracer{"server"};
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
  MemoryTracer<AlwaysOnSampler> tracer{"server"};
  const PeerWhitelist peers = PeerWhitelist::compile({R"(matrix\.org)"}).peers;
  Headers incoming{{"traceparent", kSampledParent}, {"baggage", "role=admin"}};
  const std::uint64_t untrusted = propagation_drops().untrusted_peers;
  {
    static constexpr Callsite kHandle{"handle", __func__, __FILE__, __LINE__, Level::kInfo};
    ServerSpan span{tracer, kHandle, incoming, DefaultPropagator{}, peers.trust("evilmatrix.org")};
    EXPECT_FALSE(current_context().baggage);
  }
  EXPECT_EQ(propagation_drops().untrusted_peers, untrusted + 1);
  ASSERT_TRUE(flush());
  auto spans = tracer.exporter().spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_NE(spans[0].trace_id, kTrace);
  EXPECT_EQ(spans[0].parent_id, SpanId{});
  ASSERT_EQ(spans[0].references.size(), 1u);  // the caller's ids, as a reference only
  EXPECT_EQ(spans[0].references[0].trace_id, kTrace);
}

TEST(ServerSpan, MissingOrInvalidContextStartsANewTraceKeepingBaggage) {
  MemoryTracer<AlwaysOnSampler> tracer{"server"};
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
  MemoryTracer<AlwaysOnSampler> tracer{"client"};
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

}  // namespace
}  // namespace zspan
