// zspan demo: requests through three services talking HTTP over loopback, as a tracing
// backend shows them. Every span comes from an integration; the demo only serves and calls.
//
//   ./bazelw run //examples:demo                        # one request: its waterfall, and zspan-demo.trace.json
//   ./bazelw run //examples:demo -- --requests=2000 --concurrency=8     # a progress line and a summary
//   ./bazelw run //examples:demo -- --help
//
//   curl ──GET /checkout──▶ frontend ──POST /orders──▶ orders ──GET /stock──▶ inventory
//                           (cpp-httplib)              (Boost.Beast,          (cpp-httplib)
//                           sets baggage               coroutine)             SELECT stock
//                                                      SELECT, INSERT         SELECT reservations ✗
//                                                      queue ─▶ audit         logs the baggage
//
// - frontend (instrument/http/httplib_server.hpp) takes the user's request, sets the baggage
//   tenant=acme and calls orders with libcurl (instrument/http/curl_client.hpp).
// - orders serves each connection in an asio coroutine (BeastServer::co_serve in
//   instrument/http/beast_server.hpp): it suspends reading the request's body, queries and
//   writes its SQLite database (instrument/sql/traced_database.hpp), hands an audit record to
//   a queue that another thread consumes (a span that followsFrom the request), and
//   suspends again while a thread pool calls inventory.
// - inventory queries its stock, fails to read a table it does not have (the failed span,
//   and an error log line) and logs the tenant the baggage brought from frontend, each log
//   line with its trace and span ids (instrument/log/correlation.hpp).
// Each service has its own tracer; they trust trace context from 127.0.0.1 and localhost
// only (a PeerWhitelist given to each integration), so the trace crosses both hops. Each
// service's SQLite database is in memory, filled at start-up; the servers listen on
// ephemeral loopback ports.
//
// The spans go to a console waterfall of each trace (for up to kMaxWaterfalls requests; more
// show a progress line instead), a Chrome Trace Event file to open in the Perfetto UI
// (ui.perfetto.dev, "Open trace file"), and the backends OTEL_TRACES_EXPORTER names when it
// is set (configure/configured_exporter.hpp), each with the OTEL_* settings of its own:
//
//   OTEL_TRACES_EXPORTER=otlp ./bazelw run //examples:demo      # to a collector on :4318
//
// The run ends with a summary: requests, spans recorded, exported and dropped, and what
// tracing cost per span on this machine (zspan::stats()).
#include "zspan/instrument/asio.hpp"  // before any asio header: it enables asio's coroutines under clang

#include <curl/curl.h>
#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "zspan/configure/configure.hpp"
#include "zspan/exporters/chrome/chrome_trace_exporter.hpp"
#include "zspan/exporters/console/console_exporter.hpp"
#include "zspan/instrument/baggage.hpp"
#include "zspan/instrument/bind_context.hpp"
#include "zspan/instrument/http/beast_server.hpp"
#include "zspan/instrument/http/curl_client.hpp"
#include "zspan/instrument/http/httplib_server.hpp"
#include "zspan/instrument/log/correlation.hpp"
#include "zspan/instrument/sql/traced_database.hpp"
#include "zspan/instrument/zspan.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace web = boost::beast::http;
using tcp = asio::ip::tcp;

// The services share one waterfall (so that a trace prints whole), one trace file, and the
// configured backends.
using DemoTracer = zspan::Tracer<zspan::AlwaysOnSampler, zspan::ConfiguredExporter>;

constexpr int kMaxWaterfalls = 5;  // a longer run shows a progress line instead
constexpr std::string_view kUsage =
    "usage: demo [--requests=N] [--concurrency=N] [--chrome=PATH] [--details]\n"
    "  --requests=N     requests to send (default 1); up to 5 print their waterfalls and log lines,\n"
    "                   more a progress line\n"
    "  --concurrency=N  requests in flight at once (default 1, at most 64)\n"
    "  --chrome=PATH    where the Chrome trace file goes (default zspan-demo.trace.json;\n"
    "                   relative to where `bazel run` was started)\n"
    "  --details        tags, logs and links under each span of the waterfall\n"
    "  OTEL_TRACES_EXPORTER=otlp|zipkin|jaeger (and their OTEL_EXPORTER_* settings) send the\n"
    "  spans to that backend too\n";

struct Flags {
  int requests = 1;
  int concurrency = 1;
  std::string chrome_path = "zspan-demo.trace.json";
  bool details = false;

  bool show_each_request() const { return requests <= kMaxWaterfalls; }
};

[[noreturn]] void usage(int status) {
  fmt::print(status == 0 ? stdout : stderr, "{}", kUsage);
  std::exit(status);
}

int count_flag(std::string_view value, int max) {
  int n = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (error != std::errc() || end != value.data() + value.size() || n < 1 || n > max) {
    fmt::print(stderr, "demo: {} is not a number from 1 to {}\n", value, max);
    usage(2);
  }
  return n;
}

Flags parse_flags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--requests=")) {
      flags.requests = count_flag(arg.substr(11), 10'000'000);
    } else if (arg.starts_with("--concurrency=")) {
      flags.concurrency = count_flag(arg.substr(14), 64);
    } else if (arg.starts_with("--chrome=")) {
      flags.chrome_path = arg.substr(9);
    } else if (arg == "--details") {
      flags.details = true;
    } else {
      usage(arg == "--help" ? 0 : 2);
    }
  }
  // Under `bazel run` the program runs in its runfiles: put the file where the user is.
  if (const char* dir = std::getenv("BUILD_WORKING_DIRECTORY"); dir && !flags.chrome_path.starts_with("/"))
    flags.chrome_path = std::string(dir) + "/" + flags.chrome_path;
  return flags;
}

// The OTEL_* settings, but a backend gets 1 s (not 30) to take the last spans unless
// OTEL_BSP_EXPORT_TIMEOUT says otherwise: one that is down delays the exit by that at the
// final flush, and again as each service's tracer goes.
zspan::Config demo_config() {
  zspan::Config config = zspan::Config::from_env();
  if (!std::getenv("OTEL_BSP_EXPORT_TIMEOUT")) config.export_options.export_timeout = std::chrono::seconds(1);
  return config;
}

zspan::ConfiguredExporter make_exporters(const Flags& flags, const zspan::Config& config) {
  std::vector<std::string> backends;
  if (std::getenv("OTEL_TRACES_EXPORTER")) backends = config.exporters;
  std::erase_if(backends, [](const std::string& name) { return name == "console" || name == "chrome"; });
  zspan::ConfiguredExporter exporters = zspan::ConfiguredExporter::make(backends, config.export_options);
  if (flags.show_each_request()) {
    zspan::ConsoleOptions console;
    console.details = flags.details;
    // The services' spans arrive from several threads: a trace prints whole at the flush.
    console.grace = std::chrono::minutes(1);
    exporters.add("console", zspan::share_exporter<zspan::ConsoleExporter>(config.export_options, console));
  }
  exporters.add("chrome", zspan::share_exporter<zspan::ChromeTraceExporter>(config.export_options, flags.chrome_path));
  return exporters;
}

// Trace context comes from, and goes to, this machine only.
const zspan::PeerWhitelist& loopback() {
  static const zspan::PeerWhitelist peers = zspan::PeerWhitelist::compile({R"(127\.0\.0\.1)", "localhost"}).peers;
  return peers;
}

std::atomic<bool> g_log_lines{true};

// A log line with the current trace and span ids, as a log search would find it.
template <class... Args>
void log(std::string_view service, std::string_view level, fmt::format_string<Args...> format, Args&&... args) {
  if (!g_log_lines.load(std::memory_order_relaxed)) return;
  const zspan::CurrentIds ids = zspan::current_ids();
  fmt::print("{:<9} {:<5} {} trace_id={} span_id={}\n", service, level,
             fmt::format(format, std::forward<Args>(args)...), ids.trace_id, ids.span_id);
}

int parse_item(std::string_view text) {
  int item = 0;
  std::from_chars(text.data(), text.data() + text.size(), item);
  return item;
}

// An SQLite database in memory, one statement at a time (the services' threads share it).
class Database {
 public:
  explicit Database(std::string_view schema) { db_.exec(schema); }

  // Runs `use(db)` alone on the database.
  template <class F>
  auto with(F&& use) {
    const std::lock_guard lock(mutex_);
    return use(db_);
  }

 private:
  std::mutex mutex_;
  zspan::sql::TracedDatabase db_{":memory:"};
};

struct HttpReply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
};

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

// One request, on a connection of its own; through `client` when it is given (a client
// span, trace headers), as a plain libcurl request otherwise (the user's).
HttpReply http_call(const zspan::http::CurlClient* client, const char* method, const std::string& url,
                    const std::string& body = {}) {
  HttpReply reply;
  const std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 10'000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  if (!body.empty()) curl_easy_setopt(curl.get(), CURLOPT_COPYPOSTFIELDS, body.c_str());
  if (client) {
    reply.code = client->perform(curl.get(), method, url.c_str());
  } else {
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    reply.code = curl_easy_perform(curl.get());
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

// A cpp-httplib server on an ephemeral loopback port, serving on threads of its own.
class HttplibService {
 public:
  explicit HttplibService(DemoTracer& tracer) : routes_(server_, tracer, loopback()) {}
  ~HttplibService() { stop(); }

  void start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  void stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  std::string url(std::string_view target) const { return fmt::format("http://127.0.0.1:{}{}", port_, target); }

 protected:
  httplib::Server server_;
  zspan::http::HttplibRoutes<DemoTracer> routes_;

 private:
  int port_ = 0;
  std::thread thread_;
};

// ---- inventory: the stock of each item ------------------------------------------------

class Inventory : public HttplibService {
 public:
  explicit Inventory(DemoTracer& tracer) : HttplibService(tracer) {
    routes_.Get("/stock", [this](const httplib::Request& req, httplib::Response& res) { stock(req, res); });
    start();
  }
  ~Inventory() { stop(); }  // before db_ goes

 private:
  void stock(const httplib::Request& req, httplib::Response& res) {
    const int item = parse_item(req.get_param_value("item"));
    std::int64_t quantity = 0;
    db_.with([&](zspan::sql::TracedDatabase& db) {
      db.query("SELECT quantity FROM stock WHERE item = ?", [&](const zspan::sql::Row& row) { quantity = row.integer(0); },
               item);
      // Reservations were never migrated to this database: the step fails, the request goes on.
      if (db.query("SELECT SUM(quantity) FROM reservations WHERE item = ?", [](const zspan::sql::Row&) {}, item) !=
          SQLITE_OK)
        log("inventory", "ERROR", "reservations of item {} unknown: {}", item, sqlite3_errmsg(db.handle()));
    });
    log("inventory", "INFO", "item {}: {} in stock for tenant {}", item, quantity,
        zspan::baggage_get("tenant").value_or("(no baggage)"));
    res.set_content(fmt::format(R"({{"item":{},"quantity":{}}})", item, quantity), "application/json");
  }

  Database db_{"CREATE TABLE stock (item INTEGER PRIMARY KEY, quantity INTEGER);"
               "INSERT INTO stock VALUES (7, 12), (8, 0)"};
};

// ---- orders: places an order, in a coroutine per connection ---------------------------

// Runs the jobs it is given, in order, on a thread of its own.
class WorkQueue {
 public:
  WorkQueue() : thread_([this] { run(); }) {}
  ~WorkQueue() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_one();
    thread_.join();  // after every job queued
  }
  void push(std::function<void()> job) {
    {
      const std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

class Orders {
 public:
  using Request = web::request<web::string_body>;
  using Response = web::response<web::string_body>;

  Orders(DemoTracer& tracer, int threads, std::string stock_url)
      : tracing_(tracer, loopback()), calls_(loopback()), stock_url_(std::move(stock_url)), blocking_(threads) {
    asio::co_spawn(ioc_, accept(), asio::detached);
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~Orders() {
    asio::post(ioc_, [this] { acceptor_.close(); });  // the last connection done, run() returns
    for (std::thread& t : threads_) t.join();
    blocking_.join();
  }

  std::string url(std::string_view target) const {
    return fmt::format("http://127.0.0.1:{}{}", acceptor_.local_endpoint().port(), target);
  }

 private:
  asio::awaitable<void> accept() {
    while (acceptor_.is_open()) {
      boost::system::error_code error;
      tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, error));
      if (error) co_return;
      zspan::co_spawn(ioc_, connection(std::move(socket)), asio::detached);
    }
  }

  // One request per connection (the callers do not reuse theirs).
  asio::awaitable<void> connection(tcp::socket socket) {
    static const zspan::http::Route kPlaceOrder("POST", "/orders");
    try {
      beast::flat_buffer buffer;
      web::request_parser<web::string_body> parser;
      co_await zspan::traced(web::async_read_header(socket, buffer, parser, asio::use_awaitable));
      const std::string address = socket.remote_endpoint().address().to_string();
      const zspan::http::Peer peer{address, socket.remote_endpoint().port()};
      const Request& request = parser.get();
      Response response;
      if (request.method() == web::verb::post && request.target() == "/orders")
        response = co_await tracing_.co_serve(kPlaceOrder, request, peer,
                                              [&] { return place_order(socket, buffer, parser); });
      else
        response = tracing_.serve(request, peer, [&] { return reply(request, web::status::not_found, ""); });
      co_await zspan::traced(web::async_write(socket, response, asio::use_awaitable));
      socket.shutdown(tcp::socket::shutdown_send);
    } catch (const boost::system::system_error&) {
      // The caller went away: nobody to answer.
    }
  }

  asio::awaitable<Response> place_order(tcp::socket& socket, beast::flat_buffer& buffer,
                                        web::request_parser<web::string_body>& parser) {
    co_await zspan::traced(web::async_read(socket, buffer, parser, asio::use_awaitable));  // the body: item=N
    const Request& request = parser.get();
    const std::string_view body = request.body();
    const int item = parse_item(body.substr(body.find('=') + 1));
    double price = 0;
    std::int64_t order = 0;
    db_.with([&](zspan::sql::TracedDatabase& db) {
      db.query("SELECT price FROM products WHERE id = ?", [&](const zspan::sql::Row& row) { price = row.real(0); },
               item);
      db.query("INSERT INTO orders (item, price) VALUES (?, ?)", [](const zspan::sql::Row&) {}, item, price);
      order = sqlite3_last_insert_rowid(db.handle());
    });
    // The audit record is written later, on the queue's thread: the request does not wait.
    audit_.push(zspan::bind_context([this, order] {
      TRACE_SCOPE_FOLLOWS_FROM("audit", zspan::tags::message_bus_destination = "audit");
      db_.with([&](zspan::sql::TracedDatabase& db) {
        return db.query("INSERT INTO audit (order_id, event) VALUES (?, 'placed')", [](const zspan::sql::Row&) {}, order);
      });
    }));
    // The call blocks in libcurl, so a pool thread makes it while this coroutine waits.
    const HttpReply stock = co_await zspan::traced(
        zspan::co_spawn(blocking_, check_stock(fmt::format("/stock?item={}", item)), asio::use_awaitable));
    if (stock.code != CURLE_OK || stock.status != 200) co_return reply(request, web::status::bad_gateway, "");
    co_return reply(request, web::status::created,
                    fmt::format(R"({{"order":{},"price":{:.2f},"stock":{}}})", order, price, stock.body));
  }

  asio::awaitable<HttpReply> check_stock(std::string target) {
    co_return http_call(&calls_, "GET", stock_url_ + target);
  }

  static Response reply(const Request& request, web::status status, std::string body) {
    Response response{status, request.version()};
    response.set(web::field::content_type, "application/json");
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
  }

  zspan::http::BeastServer<DemoTracer> tracing_;
  const zspan::http::CurlClient calls_;
  const std::string stock_url_;
  Database db_{"CREATE TABLE products (id INTEGER PRIMARY KEY, price REAL);"
               "INSERT INTO products VALUES (7, 19.90), (8, 4.50);"
               "CREATE TABLE orders (id INTEGER PRIMARY KEY, item INTEGER, price REAL);"
               "CREATE TABLE audit (order_id INTEGER, event TEXT)"};
  WorkQueue audit_;  // after db_: its jobs write to it until they are all done
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_, {asio::ip::make_address("127.0.0.1"), 0}};
  asio::thread_pool blocking_;
  std::vector<std::thread> threads_;
};

// ---- frontend: the user's checkout --------------------------------------------------

class Frontend : public HttplibService {
 public:
  Frontend(DemoTracer& tracer, std::string orders_url) : HttplibService(tracer), orders_url_(std::move(orders_url)) {
    routes_.Get("/checkout", [this](const httplib::Request& req, httplib::Response& res) { checkout(req, res); });
    start();
  }
  ~Frontend() { stop(); }  // before calls_ goes

 private:
  void checkout(const httplib::Request& req, httplib::Response& res) {
    TRACE_BAGGAGE_SET("tenant", "acme");  // read by inventory, two hops away
    const HttpReply order = http_call(&calls_, "POST", orders_url_, "item=" + req.get_param_value("item"));
    if (order.code != CURLE_OK) log("frontend", "ERROR", "orders unreachable: {}", curl_easy_strerror(order.code));
    res.status = order.code == CURLE_OK ? static_cast<int>(order.status) : 502;
    res.set_content(order.body, "application/json");
  }

  const zspan::http::CurlClient calls_{loopback()};
  const std::string orders_url_;
};

// ---- the users ----------------------------------------------------------------------

struct LoadResult {
  int answered = 0;  // with a 2xx status
  std::chrono::duration<double> elapsed{};
};

struct SpanCounts {
  std::uint64_t recorded = 0, dropped = 0;
};

// zspan::stats() adds up its exporters' counts, and each exporter here gets every span: a
// span is counted once, as the exporter that dropped the most saw it.
SpanCounts span_counts(const zspan::Stats& stats) {
  const std::uint64_t before_export =
      stats.spans_dropped_buffer_full + stats.spans_dropped_no_buffer + stats.spans_dropped_no_tracer;
  SpanCounts counts{before_export, before_export};
  for (const zspan::ExporterStats& e : stats.exporters) {
    counts.recorded = std::max(counts.recorded, before_export + e.received);
    counts.dropped = std::max(counts.dropped, before_export + e.received - e.exported - e.pending);
  }
  return counts;
}

void print_progress(int done, int total) {
  const SpanCounts spans = span_counts(zspan::stats());
  fmt::print(stderr, "\r{:>8}/{} requests  {:>9} spans  {} dropped", done, total, spans.recorded, spans.dropped);
}

// `flags.requests` checkouts, `flags.concurrency` at a time.
LoadResult send_requests(const Flags& flags, const std::string& checkout_url) {
  std::atomic<int> next{0}, done{0}, answered{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> users;
  for (int u = 0; u < flags.concurrency; ++u) {
    users.emplace_back([&] {
      for (int i = next++; i < flags.requests; i = next++) {
        const HttpReply reply = http_call(nullptr, "GET", fmt::format("{}?item={}", checkout_url, 7 + i % 2));
        if (reply.code == CURLE_OK && reply.status / 100 == 2) ++answered;
        ++done;
      }
    });
  }
  if (!flags.show_each_request()) {
    while (done.load() < flags.requests) {
      print_progress(done.load(), flags.requests);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  for (std::thread& u : users) u.join();
  if (!flags.show_each_request()) {
    print_progress(done.load(), flags.requests);
    fmt::print(stderr, "\n");
  }
  return {answered.load(), std::chrono::steady_clock::now() - start};
}

void print_summary(const Flags& flags, const LoadResult& load) {
  const zspan::Stats stats = zspan::stats();
  const SpanCounts spans = span_counts(stats);
  fmt::print("\nrequests: {} sent, {} answered 2xx in {:.3f} s ({:.0f} per second, {} at a time)\n", flags.requests,
             load.answered, load.elapsed.count(), flags.requests / load.elapsed.count(), flags.concurrency);
  fmt::print("spans: {} recorded, {} dropped\n", spans.recorded, spans.dropped);
  for (const zspan::ExporterStats& e : stats.exporters)
    fmt::print("exporter {}: {} spans exported, {} dropped{}\n", e.name, e.exported, e.received - e.exported - e.pending,
               e.pending ? fmt::format(", {} not delivered yet (is the backend up?)", e.pending) : "");
  fmt::print("overhead: {:.0f} ns per span measured on this machine, {:.1f} us of tracing in all\n",
             stats.span_cost_nanos, static_cast<double>(spans.recorded) * stats.span_cost_nanos / 1e3);
  fmt::print("Chrome trace: {} (open it in https://ui.perfetto.dev or chrome://tracing)\n", flags.chrome_path);
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = parse_flags(argc, argv);
  g_log_lines = flags.show_each_request();
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const zspan::Config config = demo_config();
  const zspan::ConfiguredExporter exporters = make_exporters(flags, config);
  DemoTracer frontend_tracer{"frontend", {}, exporters};
  DemoTracer orders_tracer{"orders", {}, exporters};
  DemoTracer inventory_tracer{"inventory", {}, exporters};

  LoadResult load;
  {
    Inventory inventory(inventory_tracer);
    Orders orders(orders_tracer, flags.concurrency, inventory.url(""));
    Frontend frontend(frontend_tracer, orders.url("/orders"));
    load = send_requests(flags, frontend.url("/checkout"));
  }  // every service stopped, every audit record written
  zspan::flush(config.export_options.export_timeout);  // the waterfalls print; the trace file is complete
  print_summary(flags, load);
  curl_global_cleanup();
  return load.answered == flags.requests ? 0 : 1;
}
