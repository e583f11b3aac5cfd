// Zipkin's remoteEndpoint (exporters/zipkin/zipkin_exporter.hpp), after the OpenTelemetry
// specification's ranked attributes: spans made with the instrument API, sent by
// ZipkinExporter to a loopback receiver and decoded with nlohmann::json.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/zipkin/zipkin_test_support.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// The ranked attributes zspan's standard tags do not name (tags::peer_service is rank 1,
// tags::peer_hostname rank 2, tags::peer_ipv4 and peer_ipv6 rank 4 with tags::peer_port).
inline constexpr TagKey<"net.peer.name", std::string_view> net_peer_name;
inline constexpr TagKey<"server.socket.domain", std::string_view> server_socket_domain;
inline constexpr TagKey<"server.socket.address", std::string_view> server_socket_address;
inline constexpr TagKey<"server.socket.port", std::string_view> server_socket_port;  // a port as text
inline constexpr TagKey<"net.sock.peer.name", std::string_view> net_sock_peer_name;
inline constexpr TagKey<"net.sock.peer.addr", std::string_view> net_sock_peer_addr;
inline constexpr TagKey<"net.sock.peer.port", std::int64_t> net_sock_peer_port;
inline constexpr TagKey<"peer.hostname", std::string_view> opentracing_peer_hostname;  // as it is, not renamed
inline constexpr TagKey<"peer.address", std::string_view> peer_address;
inline constexpr TagKey<"db.name", std::string_view> db_name;
// Which case a span is (a tag too: Zipkin's spans are found by it).
inline constexpr TagKey<"test.case", std::string_view> test_case;

using ZipkinTracer = Tracer<AlwaysOnSampler, ZipkinExporter>;

// A client span with the attributes of ranks `from` to 11, the worst set first, each
// valued "rank <n>".
void ranked_call(ZipkinTracer& tracer, int from, const std::string& name) {
  TRACE_SCOPE_WITH(tracer, "ranked", tags::span_kind = "client", test_case = name);
  if (from <= 11) TRACE_TAG(db_name, "rank 11");
  if (from <= 10) TRACE_TAG(peer_address, "rank 10");
  if (from <= 9) TRACE_TAG(opentracing_peer_hostname, "rank 9");
  if (from <= 8) TRACE_TAG(net_sock_peer_addr, "rank 8");
  if (from <= 7) TRACE_TAG(net_sock_peer_name, "rank 7");
  if (from <= 6) TRACE_TAG(server_socket_address, "rank 6");
  if (from <= 5) TRACE_TAG(server_socket_domain, "rank 5");
  if (from <= 4) TRACE_TAG(tags::peer_ipv4, "rank 4");
  if (from <= 3) TRACE_TAG(net_peer_name, "rank 3");
  if (from <= 2) TRACE_TAG(tags::peer_hostname, "rank 2");
  if (from <= 1) TRACE_TAG(tags::peer_service, "rank 1");
}

class ZipkinRemoteEndpoint : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static Receiver receiver;
    ZipkinTracer tracer{"frontend", {}, SharedExporter<ZipkinExporter>::make("remote", {}, options_for(receiver, 5s))};
    for (int rank = 1; rank <= 11; ++rank) ranked_call(tracer, rank, "from rank " + std::to_string(rank));
    {
      TRACE_SCOPE_WITH(tracer, "ipv4", tags::span_kind = "client", test_case = "ipv4 and port",
                       tags::peer_ipv4 = "10.1.2.3", tags::peer_port = 5432);
    }
    {
      TRACE_SCOPE_WITH(tracer, "ipv6", tags::span_kind = "client", test_case = "ipv6", tags::peer_ipv6 = "2001:db8::c001");
    }
    {
      TRACE_SCOPE_WITH(tracer, "host", tags::span_kind = "client", test_case = "host name and port as text",
                       server_socket_address = "db.internal", server_socket_port = "8080");
    }
    {
      TRACE_SCOPE_WITH(tracer, "bad port", tags::span_kind = "client", test_case = "no port above 65535",
                       net_sock_peer_addr = "192.168.0.9", net_sock_peer_port = 70000);
    }
    {
      TRACE_SCOPE_WITH(tracer, "not an ip", tags::span_kind = "client", test_case = "not an IP address",
                       net_sock_peer_addr = "1.2.3", net_sock_peer_port = 0);
    }
    {
      TRACE_SCOPE_WITH(tracer, "other port", tags::span_kind = "client", test_case = "a port only with its address",
                       tags::peer_service = "billing", tags::peer_port = 443);
    }
    {
      TRACE_SCOPE_WITH(tracer, "port alone", tags::span_kind = "client", test_case = "a port alone",
                       tags::peer_port = 443);
    }
    {
      TRACE_SCOPE_WITH(tracer, "empty", tags::span_kind = "client", test_case = "an empty value is not a name",
                       tags::peer_service = "", tags::peer_hostname = "db.example.com");
    }
    {
      TRACE_SCOPE_WITH(tracer, "twice", tags::span_kind = "client", test_case = "the later of one name",
                       tags::peer_service = "first");
      TRACE_TAG(tags::peer_service, "second");
    }
    {
      TRACE_SCOPE_WITH(tracer, "publish", tags::span_kind = "producer", test_case = "producer",
                       tags::peer_service = "queue");
    }
    for (const char* kind : {"server", "consumer", "internal"}) {
      TRACE_SCOPE_WITH(tracer, "not a caller", tags::span_kind = kind, test_case = kind, tags::peer_service = "billing");
    }
    {
      TRACE_SCOPE_WITH(tracer, "bare", tags::span_kind = "client", test_case = "no attribute");
    }
    ASSERT_TRUE(tracer.flush(5s));
    for (const Receiver::Request& request : receiver.requests())
      for (const json& span : decode(request)) spans_[span["tags"]["test.case"].get<std::string>()] = span;
  }

  // The span of `name`: its remoteEndpoint, null if it has none.
  static json remote(const std::string& name) {
    const auto it = spans_.find(name);
    if (it == spans_.end()) {
      ADD_FAILURE() << "no span for " << name;
      return nullptr;
    }
    return it->second.value("remoteEndpoint", json(nullptr));
  }
  static inline std::map<std::string, json> spans_;
};

TEST_F(ZipkinRemoteEndpoint, TheBestRankedAttributeNamesIt) {
  for (int rank = 1; rank <= 11; ++rank) {
    SCOPED_TRACE(rank);
    EXPECT_EQ(remote("from rank " + std::to_string(rank)), json({{"serviceName", "rank " + std::to_string(rank)}}));
  }
}

TEST_F(ZipkinRemoteEndpoint, AnIpAddressIsIpv4OrIpv6WithThePortOfItsPair) {
  EXPECT_EQ(remote("ipv4 and port"), json({{"serviceName", "10.1.2.3"}, {"ipv4", "10.1.2.3"}, {"port", 5432}}));
  EXPECT_EQ(remote("ipv6"), json({{"serviceName", "2001:db8::c001"}, {"ipv6", "2001:db8::c001"}}));
  EXPECT_EQ(remote("host name and port as text"), json({{"serviceName", "db.internal"}, {"port", 8080}}));
  EXPECT_EQ(remote("no port above 65535"), json({{"serviceName", "192.168.0.9"}, {"ipv4", "192.168.0.9"}}));
  EXPECT_EQ(remote("not an IP address"), json({{"serviceName", "1.2.3"}})) << "and no port 0";
  EXPECT_EQ(remote("a port only with its address"), json({{"serviceName", "billing"}}));
  EXPECT_EQ(remote("a port alone"), json(nullptr));
}

TEST_F(ZipkinRemoteEndpoint, EmptyValuesAreSkippedAndTheLaterOfOneNameCounts) {
  EXPECT_EQ(remote("an empty value is not a name"), json({{"serviceName", "db.example.com"}}));
  EXPECT_EQ(remote("the later of one name"), json({{"serviceName", "second"}}));
}

TEST_F(ZipkinRemoteEndpoint, OnlyClientAndProducerSpansHaveOne) {
  EXPECT_EQ(remote("producer"), json({{"serviceName", "queue"}}));
  for (const char* kind : {"server", "consumer", "internal"}) EXPECT_EQ(remote(kind), json(nullptr)) << kind;
  EXPECT_EQ(remote("no attribute"), json(nullptr));
}

TEST_F(ZipkinRemoteEndpoint, TheAttributesStayTags) {
  const json& span = spans_.at("ipv4 and port");
  EXPECT_EQ(span["tags"]["network.peer.address"], "10.1.2.3");
  EXPECT_EQ(span["tags"]["network.peer.port"], "5432");
  EXPECT_EQ(spans_.at("from rank 1")["tags"]["db.name"], "rank 11");
}

}  // namespace
}  // namespace zspan::testing
