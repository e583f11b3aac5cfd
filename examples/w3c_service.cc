// w3c_service: the service under test of the W3C Trace Context test suite
// (github.com/w3c/trace-context, test/): it receives a POST whose body is a JSON array
// of {"url": ..., "arguments": [...]}, and for each entry, in order, POSTs `arguments`
// to `url` from a child span of the incoming request's context. It answers 200 when
// all calls are done.
//
//   OTEL_PROPAGATORS=tracecontext,baggage w3c_service --port 7777
//   python3 test/test.py http://127.0.0.1:7777/test
//
// Propagators come from OTEL_PROPAGATORS, the sampler from OTEL_TRACES_SAMPLER; spans
// go to a DiscardExporter. --trust REGEX (repeatable) accepts contexts only from, and
// sends them only to, matching hosts (peers are IP addresses on the way in); without
// it every peer is trusted.
//
// Requests over the limits are answered, not dropped: header fields over 64 KiB get 431,
// a body over 1 MiB gets 413, and the connection is then closed.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "zspan/exporters/discard/discard_exporter.hpp"
#include "zspan/instrument/remote.hpp"
#include "zspan/trace/propagation/configured_propagator.hpp"
#include "zspan/trace/propagation/peer_whitelist.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Json = nlohmann::json;

constexpr auto kIoTimeout = std::chrono::seconds(10);
constexpr auto kLingerTimeout = std::chrono::seconds(2);
// Room for a full W3C baggage (8192 bytes) and tracestate (32 members) beside the usual
// headers; Beast's default of 8 KiB would refuse a baggage at the W3C limit.
constexpr std::uint32_t kMaxHeaderBytes = 64 << 10;
constexpr std::uint64_t kMaxBodyBytes = 1 << 20;
constexpr int kMaxJsonDepth = 64;

struct Service {
  zspan::Tracer<zspan::ConfiguredSampler, zspan::DiscardExporter> tracer{"w3c_service",
                                                                         zspan::ConfiguredSampler::from_env()};
  zspan::ConfiguredPropagator propagator = zspan::ConfiguredPropagator::from_env();
  zspan::PeerWhitelist peers;
};

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }
beast::string_view bsv(std::string_view s) { return {s.data(), s.size()}; }

struct Url {
  std::string host, port, target;
};

// http://host[:port][/target]: all the suite sends. Anything else is refused.
std::optional<Url> parse_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  url.remove_prefix(kScheme.size());
  const std::size_t slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  const std::size_t colon = authority.rfind(':');
  Url out{std::string(authority.substr(0, colon)), colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1)),
          slash == std::string_view::npos ? "/" : std::string(url.substr(slash))};
  if (out.host.empty() || out.port.empty()) return std::nullopt;
  return out;
}

// POSTs `body` to `url` with the current span injected; false when the call failed.
bool post(Service& service, std::string_view url, std::string body) {
  const std::optional<Url> to = parse_url(url);
  if (!to) return false;
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(kIoTimeout);
    stream.connect(tcp::resolver(io).resolve(to->host, to->port));
    http::request<http::string_body> request{http::verb::post, to->target, 11};
    request.set(http::field::host, to->host);
    request.set(http::field::content_type, "application/json");
    request.body() = std::move(body);
    request.prepare_payload();
    auto headers = zspan::callback_carrier([&](auto&& on_header) {
      for (const auto& field : request) on_header(sv(field.name_string()), sv(field.value()));
    },
                                           [&](std::string_view name, std::string_view value) {
                                             request.set(bsv(name), bsv(value));
                                           });
    zspan::inject(headers, service.propagator, service.peers.trust(to->host));
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "w3c_service: POST %.*s: %s\n", static_cast<int>(url.size()), url.data(), e.what());
    return false;
  }
}

http::response<http::string_body> handle(Service& service, const http::request<http::string_body>& request,
                                         const std::string& peer) {
  auto headers = zspan::callback_carrier([&](auto&& on_header) {
    for (const auto& field : request) on_header(sv(field.name_string()), sv(field.value()));
  });
  TRACE_SCOPE_FROM_REMOTE(service.tracer, "w3c_service.request", headers, service.propagator, service.peers.trust(peer));
  // Deeper values are dropped while parsing, so that no later recursion can run deep.
  const Json calls = Json::parse(
      request.body(), [](int depth, Json::parse_event_t, Json&) { return depth <= kMaxJsonDepth; }, false);
  http::response<http::string_body> response{http::status::ok, request.version()};
  if (!calls.is_array()) {
    response.result(http::status::bad_request);
  } else {
    for (const Json& call : calls) {
      if (!call.is_object() || !call.contains("url") || !call["url"].is_string()) continue;
      TRACE_SCOPE("w3c_service.call");
      post(service, call["url"].get<std::string>(), call.value("arguments", Json::array()).dump());
    }
  }
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

// One accepted connection with its own io_context: its thread runs its operations.
struct Connection {
  boost::asio::io_context io;
  tcp::socket socket{io};
};

// Runs one asynchronous operation to its end on this thread: Beast applies a stream's
// timeout (expires_after) to asynchronous operations only.
template <class Start>
beast::error_code run_one(boost::asio::io_context& io, Start start) {
  beast::error_code result;
  start([&](beast::error_code ec, std::size_t) { result = ec; });
  io.restart();
  io.run();
  return result;
}

// The answer to a request that could not be read because it is too large; none when the
// connection failed or ended.
std::optional<http::status> status_for_oversized(const beast::error_code& ec) {
  if (ec == http::error::header_limit) return http::status::request_header_fields_too_large;  // RFC 6585 §5
  if (ec == http::error::body_limit) return http::status::payload_too_large;                   // RFC 9110 §15.5.14
  return std::nullopt;
}

// Closes in stages (RFC 9112 §9.6), so that a client still sending a request we stopped
// reading gets the response rather than a reset: stop sending, then read and discard
// until the client closes or kLingerTimeout passes.
void close_gracefully(boost::asio::io_context& io, beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(kLingerTimeout);
  std::array<char, 16 << 10> discard;
  while (!run_one(io, [&](auto done) { stream.async_read_some(boost::asio::buffer(discard), done); })) {
  }
}

void serve(Service& service, std::unique_ptr<Connection> connection) {
  beast::error_code ec;
  const std::string peer = connection->socket.remote_endpoint(ec).address().to_string(ec);
  boost::asio::io_context& io = connection->io;
  beast::tcp_stream stream(std::move(connection->socket));
  beast::flat_buffer buffer;
  while (true) {
    stream.expires_after(kIoTimeout);
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(kMaxBodyBytes);
    ec = run_one(io, [&](auto done) { http::async_read(stream, buffer, parser, done); });
    http::response<http::string_body> response;
    if (!ec) {
      response = handle(service, parser.get(), peer);
    } else if (const std::optional<http::status> status = status_for_oversized(ec)) {
      response = {*status, 11};
      response.keep_alive(false);
      response.prepare_payload();
    } else {
      break;
    }
    stream.expires_after(kIoTimeout);
    ec = run_one(io, [&](auto done) { http::async_write(stream, response, done); });
    if (ec || !response.keep_alive()) break;
  }
  close_gracefully(io, stream);
}

int usage(std::FILE* out, int status) {
  std::fputs(
      "usage: w3c_service --port N [--trust REGEX]...\n"
      "Listens on 127.0.0.1:N (0: any free port, printed on stdout) for the W3C Trace Context\n"
      "test suite. OTEL_PROPAGATORS (default tracecontext,baggage) and OTEL_TRACES_SAMPLER\n"
      "choose the formats and the sampler. --trust: accept and send contexts only for peers\n"
      "whose host fully matches one of the regular expressions (default: every peer).\n",
      out);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<unsigned short> port;
  std::vector<std::string> trusted;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return usage(stdout, 0);
    if (i + 1 >= argc) return usage(stderr, 2);
    const std::string_view value = argv[++i];
    if (arg == "--port") {
      unsigned short p = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), p);
      if (error != std::errc{} || end != value.data() + value.size()) return usage(stderr, 2);
      port = p;
    } else if (arg == "--trust") {
      trusted.emplace_back(value);
    } else {
      return usage(stderr, 2);
    }
  }
  if (!port) return usage(stderr, 2);

  zspan::PeerWhitelistResult peers = zspan::PeerWhitelist::compile(trusted, zspan::PeerWhitelist::WhenEmpty::kTrustEveryone);
  if (!peers.ok()) {
    std::fprintf(stderr, "w3c_service: --trust: %s\n", peers.error.c_str());
    return 2;
  }
  Service service{.peers = std::move(peers.peers)};
  try {
    boost::asio::io_context io;
    tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), *port});
    std::printf("listening on 127.0.0.1:%u\n", acceptor.local_endpoint().port());
    std::fflush(stdout);
    while (true) {
      auto connection = std::make_unique<Connection>();
      acceptor.accept(connection->socket);
      // A thread per connection: a call may come back to this service while it waits.
      std::thread(serve, std::ref(service), std::move(connection)).detach();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "w3c_service: %s\n", e.what());
    return 1;
  }
}
