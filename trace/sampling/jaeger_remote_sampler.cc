#include "zspan/trace/sampling/jaeger_remote_sampler.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "zspan/exporters/http/http_client.hpp"
#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/propagation/header_text.hpp"
#include "zspan/trace/internal/text.hpp"

namespace zspan {

namespace {

using Json = nlohmann::json;

constinit RateLimitedWarning g_bad_arg{"zspan: OTEL_TRACES_SAMPLER_ARG (jaeger_remote): entry ignored, its default is used"};
constinit RateLimitedWarning g_no_strategy{"zspan: jaeger_remote sampler: no sampling strategy, keeping the current one"};
constinit RateLimitedWarning g_too_many_operations{
    "zspan: jaeger_remote sampler: too many operations, the others get the default strategy"};

// Ids start at 1 (0 marks an empty cache slot) and are never reused: a sampler made where
// a destroyed one lived does not inherit its cached operations.
std::atomic<std::uint64_t> g_next_id{1};

constexpr double kMaxTracesPerSecond = 1e9;
constexpr auto kMinRequestTimeout = std::chrono::milliseconds(100);
constexpr auto kMaxRequestTimeout = std::chrono::milliseconds(10000);

enum class Kind : std::uint8_t { kProbabilistic, kRateLimiting, kPerOperation };

// One operation's strategy, as Jaeger's GuaranteedThroughputProbabilisticSampler: its
// probability, and a lower bound in traces per second (a bucket of its own). Updated in
// place, never freed before its sampler, so the per-thread cache may point at it.
struct Operation {
  std::atomic<std::uint64_t> bound{0};
  RateLimitingSampler lower_bound{0.0};

  void set(double probability, double lower_bound_per_second) noexcept {
    bound.store(TraceIdRatioSampler::bound_for(probability), std::memory_order_relaxed);
    lower_bound.set_per_second(lower_bound_per_second);
  }
  bool should_sample(const SamplingInput& in) noexcept {
    if (TraceIdRatioSampler::keeps(in.trace_id, bound.load(std::memory_order_relaxed))) {
      lower_bound.should_sample(in);  // the traces it keeps count towards the lower bound
      return true;
    }
    return lower_bound.should_sample(in);
  }
};

// The per-thread cache: callsite -> its operation, for as long as the sampler lives.
struct Slot {
  std::uint64_t owner = 0;
  const Callsite* callsite = nullptr;
  Operation* operation = nullptr;
};
constexpr std::size_t kSlots = 64;
constinit thread_local Slot t_slots[kSlots];

struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

std::optional<double> number_at(const Json& object, const char* key, double low, double high) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  const double value = it->get<double>();
  if (!std::isfinite(value) || value < low || value > high) return std::nullopt;
  return value;
}

// object[outer][inner], a number in [low, high].
std::optional<double> nested_number(const Json& object, const char* outer, const char* inner, double low, double high) {
  const auto it = object.find(outer);
  if (it == object.end() || !it->is_object()) return std::nullopt;
  return number_at(*it, inner, low, high);
}

HttpClient::Options client_options(std::string_view endpoint, std::string_view service) {
  HttpClient::Options options;
  std::string& url = options.url;
  url = endpoint;
  url += endpoint.find('?') == std::string_view::npos ? "?service=" : "&service=";
  append_percent_encoded(url, service, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
  });
  options.user_agent = "zspan";
  return options;
}

}  // namespace

struct JaegerRemoteSampler::State {
  State(std::string_view service, const JaegerRemoteOptions& options)
      : id(g_next_id.fetch_add(1, std::memory_order_relaxed)),
        interval(std::max(options.polling_interval, std::chrono::milliseconds(1))),
        client(client_options(options.endpoint, service)),
        bound(TraceIdRatioSampler::bound_for(options.initial_sampling_rate)) {}

  ~State() {
    Polling& p = polling();
    const std::lock_guard lock(p.mutex);
    std::erase(p.states, this);
    stop_polling();
  }

  // With polling().mutex held, so that at exit and in the destructor it joins once.
  // Waits for a request under way (at most its timeout).
  void stop_polling() noexcept {
    {
      std::lock_guard lock(stop_mutex);
      stopping = true;
    }
    stop.notify_all();
    if (poller.joinable()) poller.join();
  }

  void start_polling() {
    Polling& p = polling();
    const std::lock_guard lock(p.mutex);
    p.states.reserve(p.states.size() + 1);
    poller = std::thread([this] { run(); });
    p.states.push_back(this);
    static const bool registered = (std::atexit(stop_all_at_exit), true);
    static_cast<void>(registered);
  }

  // Samplers still polling at exit stop first: a request under way would otherwise race
  // libcurl's TLS library, whose exit handler (registered when `client` was made) runs
  // after this one and frees what the request uses.
  struct Polling {
    std::mutex mutex;
    std::vector<State*> states;
  };
  static Polling& polling() {
    static auto* p = new Polling;  // never freed: samplers may end after static destructors
    return *p;
  }
  static void stop_all_at_exit() noexcept {
    Polling& p = polling();
    const std::lock_guard lock(p.mutex);
    for (State* state : p.states) state->stop_polling();
  }

  Operation& operation_of(const Callsite* callsite) noexcept {
    Slot& slot = t_slots[((reinterpret_cast<std::uintptr_t>(callsite) >> 4) ^ (id * 0x9e3779b97f4a7c15)) % kSlots];
    if (slot.owner == id && slot.callsite == callsite) [[likely]] return *slot.operation;
    return refill(slot, callsite);
  }

  // The slow path, once per callsite and thread (and after an eviction): the name looked
  // up, and an operation made for it with the default strategy when it has none yet.
  [[gnu::noinline]] Operation& refill(Slot& slot, const Callsite* callsite) noexcept {
    std::lock_guard lock(table_mutex);
    Operation* operation = &default_operation;
    try {
      if (callsite) operation = &operation_named(callsite->name);
    } catch (...) {
      // No memory for a new operation: it shares the default one's bucket.
    }
    slot = {id, callsite, operation};
    return *operation;
  }

  // With table_mutex held. New operations take the default strategy; past
  // kMaxOperations they share the default operation.
  Operation& operation_named(std::string_view name) {
    if (const auto it = operations.find(name); it != operations.end()) return *it->second;
    if (operations.size() == JaegerRemoteSampler::kMaxOperations) {
      g_too_many_operations.emit("\"{}\"", name.substr(0, 128));
      return default_operation;
    }
    auto operation = std::make_unique<Operation>();
    operation->set(default_probability, default_lower_bound);
    return *operations.emplace(std::string(name), std::move(operation)).first->second;
  }

  void run() noexcept {
    while (true) {
      poll();
      std::unique_lock lock(stop_mutex);
      if (stop.wait_for(lock, interval, [this] { return stopping; })) return;
    }
  }

  void poll() noexcept {
    polls.fetch_add(1, std::memory_order_relaxed);
    const auto timeout = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(interval),
                                    kMinRequestTimeout, kMaxRequestTimeout);
    const HttpResponse response = client.get(timeout);
    std::string error;
    try {
      if (response.status == 0) error = response.error;
      else if (response.status != 200) error = "HTTP " + std::to_string(response.status);
      else if (response.body != last_body) error = apply(response.body);
      if (error.empty() && response.body != last_body) {
        last_body = response.body;
        strategies.fetch_add(1, std::memory_order_relaxed);
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (error.empty()) return;
    failures.fetch_add(1, std::memory_order_relaxed);
    g_no_strategy.emit("{}: {}", client.options().url, error);
  }

  // Applies a strategy; the reason when `body` is not one (nothing then changes).
  std::string apply(const std::string& body) {
    const Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) return "the answer is not a JSON object";
    if (const auto per_operation = json.find("operationSampling");
        per_operation != json.end() && per_operation->is_object())
      return apply_per_operation(*per_operation);
    const auto type = json.find("strategyType");
    const bool probabilistic = type == json.end() || *type == "PROBABILISTIC" || *type == 0;
    const bool rate_limiting = type != json.end() && (*type == "RATE_LIMITING" || *type == 1);
    if (probabilistic) {
      const std::optional<double> rate = nested_number(json, "probabilisticSampling", "samplingRate", 0.0, 1.0);
      if (!rate) return "probabilisticSampling.samplingRate is not a number in [0, 1]";
      bound.store(TraceIdRatioSampler::bound_for(*rate), std::memory_order_relaxed);
      kind.store(Kind::kProbabilistic, std::memory_order_release);
      return {};
    }
    if (rate_limiting) {
      const std::optional<double> per_second =
          nested_number(json, "rateLimitingSampling", "maxTracesPerSecond", 0.0, kMaxTracesPerSecond);
      if (!per_second) return "rateLimitingSampling.maxTracesPerSecond is not a number in [0, 1e9]";
      rate.set_per_second(*per_second);
      kind.store(Kind::kRateLimiting, std::memory_order_release);
      return {};
    }
    return "unknown strategyType " + type->dump();
  }

  std::string apply_per_operation(const Json& strategy) {
    const std::optional<double> probability = number_at(strategy, "defaultSamplingProbability", 0.0, 1.0);
    if (!probability) return "operationSampling.defaultSamplingProbability is not a number in [0, 1]";
    double lower_bound = 0.0;
    if (strategy.contains("defaultLowerBoundTracesPerSecond")) {
      const std::optional<double> value =
          number_at(strategy, "defaultLowerBoundTracesPerSecond", 0.0, kMaxTracesPerSecond);
      if (!value) return "operationSampling.defaultLowerBoundTracesPerSecond is not a number in [0, 1e9]";
      lower_bound = *value;
    }
    std::unordered_map<std::string, double, NameHash, std::equal_to<>> listed;
    if (const auto list = strategy.find("perOperationStrategies"); list != strategy.end() && !list->is_null()) {
      if (!list->is_array()) return "operationSampling.perOperationStrategies is not an array";
      std::size_t index = 0;
      for (const Json& entry : *list) {
        const auto name = entry.is_object() ? entry.find("operation") : entry.end();
        const std::optional<double> rate =
            entry.is_object() ? nested_number(entry, "probabilisticSampling", "samplingRate", 0.0, 1.0) : std::nullopt;
        if (name == entry.end() || !name->is_string() || !rate)
          return "perOperationStrategies[" + std::to_string(index) + "] is not {operation, probabilisticSampling}";
        listed.emplace(name->get<std::string>(), rate.value_or(0.0));  // a repeated operation: its first entry
        ++index;
      }
    }
    std::lock_guard lock(table_mutex);
    default_probability = probability.value_or(0.0);
    default_lower_bound = lower_bound;
    default_operation.set(default_probability, lower_bound);
    for (const auto& [name, rate] : listed) operation_named(name);  // made before being set below
    for (auto& [name, operation] : operations) {
      const auto it = listed.find(name);
      operation->set(it == listed.end() ? default_probability : it->second, lower_bound);
    }
    kind.store(Kind::kPerOperation, std::memory_order_release);
    return {};
  }

  const std::uint64_t id;
  const std::chrono::milliseconds interval;
  HttpClient client;      // the polling thread's
  std::optional<std::string> last_body;  // the polling thread's: the strategy in force, as received

  std::atomic<Kind> kind{Kind::kProbabilistic};
  std::atomic<std::uint64_t> bound;  // kProbabilistic
  RateLimitingSampler rate{0.0};     // kRateLimiting

  std::mutex table_mutex;
  double default_probability = 0.0;
  double default_lower_bound = 0.0;
  Operation default_operation;  // for spans without a callsite, and past kMaxOperations
  std::unordered_map<std::string, std::unique_ptr<Operation>, NameHash, std::equal_to<>> operations;

  std::atomic<std::uint64_t> polls{0}, failures{0}, strategies{0};

  std::mutex stop_mutex;
  std::condition_variable stop;
  bool stopping = false;
  std::thread poller;  // last: started once the rest is built, joined first
};

JaegerRemoteSampler::JaegerRemoteSampler(std::string_view service, JaegerRemoteOptions options) noexcept {
  try {
    state_ = std::make_unique<State>(service, options);
    state_->start_polling();
  } catch (const std::exception& e) {
    // No thread: the initial rate stays in force (no memory: nothing is sampled).
    g_no_strategy.emit("cannot start polling: {}", e.what());
  }
}

JaegerRemoteSampler::JaegerRemoteSampler(JaegerRemoteSampler&&) noexcept = default;
JaegerRemoteSampler& JaegerRemoteSampler::operator=(JaegerRemoteSampler&&) noexcept = default;
JaegerRemoteSampler::~JaegerRemoteSampler() = default;

bool JaegerRemoteSampler::should_sample(const SamplingInput& in) noexcept {
  State* const state = state_.get();
  if (!state) return false;
  switch (state->kind.load(std::memory_order_acquire)) {
    case Kind::kProbabilistic:
      return TraceIdRatioSampler::keeps(in.trace_id, state->bound.load(std::memory_order_relaxed));
    case Kind::kRateLimiting:
      return state->rate.should_sample(in);
    case Kind::kPerOperation:
      return state->operation_of(in.callsite).should_sample(in);
  }
  return false;
}

JaegerRemoteSampler::Stats JaegerRemoteSampler::stats() const noexcept {
  if (!state_) return {};
  return {state_->polls.load(std::memory_order_relaxed), state_->failures.load(std::memory_order_relaxed),
          state_->strategies.load(std::memory_order_relaxed)};
}

std::string JaegerRemoteSampler::url() const { return state_ ? state_->client.options().url : std::string(); }

JaegerRemoteOptions parse_jaeger_remote_arg(const char* arg) noexcept {
  return parse_jaeger_remote_arg(std::string_view(arg ? arg : ""));
}

JaegerRemoteOptions parse_jaeger_remote_arg(std::string_view arg) noexcept {
  JaegerRemoteOptions options;
  const JaegerRemoteOptions defaults;
  try {
    while (!arg.empty()) {
      const std::size_t comma = arg.find(',');
      const std::string_view entry = detail::trim_ows(arg.substr(0, comma));
      arg = comma == std::string_view::npos ? std::string_view() : arg.substr(comma + 1);
      if (entry.empty()) continue;
      const std::size_t eq = entry.find('=');
      const std::string_view key = detail::trim_ows(entry.substr(0, eq));
      const std::string_view value = eq == std::string_view::npos ? std::string_view() : detail::trim_ows(entry.substr(eq + 1));
      if (key == "endpoint") {
        if (value.starts_with("http://") || value.starts_with("https://")) options.endpoint = value;
        else g_bad_arg.emit("endpoint=\"{}\" is not an http(s) URL; using {}", value.substr(0, 256), defaults.endpoint);
      } else if (key == "pollingIntervalMs") {
        std::int64_t ms = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), ms);
        if (error == std::errc{} && end == value.data() + value.size() && ms >= 1 && ms <= 86'400'000)
          options.polling_interval = std::chrono::milliseconds(ms);
        else
          g_bad_arg.emit("pollingIntervalMs=\"{}\" is not a whole number of ms in [1, 86400000]; using {}",
                         value.substr(0, 64), defaults.polling_interval.count());
      } else if (key == "initialSamplingRate") {
        double rate = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), rate);
        if (error == std::errc{} && end == value.data() + value.size() && rate >= 0.0 && rate <= 1.0)
          options.initial_sampling_rate = rate;
        else
          g_bad_arg.emit("initialSamplingRate=\"{}\" is not a number in [0, 1]; using {}", value.substr(0, 64),
                         defaults.initial_sampling_rate);
      } else {
        g_bad_arg.emit("unknown key \"{}\" (endpoint, pollingIntervalMs, initialSamplingRate)", key.substr(0, 64));
      }
    }
  } catch (...) {
    // Out of memory copying the endpoint: what was parsed so far stands.
  }
  return options;
}

}  // namespace zspan
