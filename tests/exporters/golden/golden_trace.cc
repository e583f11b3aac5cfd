#include "tests/exporters/golden/golden_trace.hpp"

#include <array>
#include <string>
#include <string_view>

#include "zspan/instrument/zspan.hpp"

namespace zspan::testing {
namespace {

constexpr std::string_view kFrontend = "frontend";
constexpr std::string_view kBackend = "backend";

inline constexpr TagKey<"auth.ok", bool> auth_ok;
inline constexpr TagKey<"auth.attempts", std::int64_t> auth_attempts;
inline constexpr TagKey<"auth.token_bits", std::uint64_t> auth_token_bits;
inline constexpr TagKey<"auth.score", double> auth_score;
inline constexpr TagKey<"auth.user", std::string_view> auth_user;
inline constexpr TagKey<"auth.realm", std::string_view> auth_realm;
inline constexpr TagKey<"auth.flags", std::span<const bool>> auth_flags;
inline constexpr TagKey<"auth.codes", std::span<const std::int64_t>> auth_codes;
inline constexpr TagKey<"auth.masks", std::span<const std::uint64_t>> auth_masks;
inline constexpr TagKey<"auth.weights", std::span<const double>> auth_weights;
inline constexpr TagKey<"auth.roles", std::span<const std::string_view>> auth_roles;
inline constexpr TagKey<"cache.key", std::string_view> cache_key;
inline constexpr TagKey<"note", std::string_view> note;

constexpr Callsite callsite(std::string_view name) { return {name, "golden", "golden_trace.cc", 1, Level::kInfo}; }
constexpr Callsite kRoot = callsite("GET /users");
constexpr Callsite kAuthenticate = callsite("authenticate");
constexpr Callsite kSelect = callsite("SELECT users");
constexpr Callsite kSendEmail = callsite("send email");
constexpr Callsite kHandle = callsite("handle");
constexpr Callsite kOdd = callsite("naïve \"quoted\"\n\ttab");
constexpr Callsite kDispatch = callsite("dispatch");

// Names known only at run time (instrument/span_name.hpp, DynamicTagKey), as if read from
// configuration.
const std::string kTierKey = "config.tier";
const std::string kQuotaKey = "config.quota";
const std::string kReasonKey = "retry.reason";

}  // namespace

struct GoldenTrace::Span {
  zspan::detail::ContextNode node;
  std::byte fields[1024];  // more than a default span: room for every tag type at once
  std::string_view service;

  // A recording span with fixed ids and times: ticks are nanoseconds after the start.
  Span(const Callsite& site, std::string_view svc, SpanId id, SpanId parent, std::uint64_t start, std::uint64_t end,
       std::uint8_t flags = 0)
      : node{}, fields{}, service(svc) {
    node.owner = &node;
    node.entries_capacity = sizeof(fields);
    node.record.size_bytes = sizeof(zspan::detail::SpanRecord);
    node.record.tracer = 0;
    node.record.flags = static_cast<std::uint8_t>(zspan::detail::SpanRecord::kSampled | flags);
    node.record.callsite = &site;
    node.record.trace_id = kTraceId;
    node.record.span_id = id;
    node.record.parent_id = parent;
    node.record.start_ticks = start;
    node.record.end_ticks = end;
  }

  // Logs are stamped with the real clock when written: pin each to `offsets` in order.
  void pin_log_times(std::initializer_list<std::uint64_t> offsets) {
    auto offset = offsets.begin();
    auto* end = reinterpret_cast<zspan::detail::FieldEntry*>(node.entries() + (node.record.size_bytes - sizeof(zspan::detail::SpanRecord)));
    for (auto* e = reinterpret_cast<zspan::detail::FieldEntry*>(node.entries()); e < end; e += 1 + zspan::detail::payload_entries(*e))
      if (e->key->type == zspan::detail::FieldType::kLog && offset != offsets.end())
        e->value = zspan::detail::log_value(*offset++, static_cast<std::uint32_t>(zspan::detail::payload_entries(*e)));
  }
};

GoldenTrace::GoldenTrace() : clock_(ClockAnchor::fixed(0, kStartUnixNanos, 1.0)) {
  namespace tags = zspan::tags;
  auto add = [&](auto&&... args) -> Span& { return *spans_.emplace_back(std::make_unique<Span>(args...)); };

  Span& root = add(kRoot, kFrontend, SpanId{0x00f067aa0ba902b7}, SpanId{}, 0, 5'000'000);
  zspan::detail::set_tag(root.node, tags::span_kind = "server");
  zspan::detail::set_tag(root.node, tags::http_method = "GET");
  zspan::detail::set_tag(root.node, tags::http_status_code = 200);
  zspan::detail::set_tag(root.node, tags::component = "http");
  log_fields(root.node, logs::event = "cache miss", cache_key = "users:42");
  root.pin_log_times({1'000'000});

  Span& auth = add(kAuthenticate, kFrontend, SpanId{0x1000000000000001}, root.node.record.span_id, 100'000, 1'100'000);
  static constexpr bool kFlags[] = {true, false};
  static constexpr std::int64_t kCodes[] = {-1, 0, 42};
  static constexpr std::uint64_t kMasks[] = {0xffffffffffffffff, 7};
  static constexpr double kWeights[] = {0.5, -2.25};
  static constexpr std::string_view kRoles[] = {"admin", "a role longer than seven"};
  zspan::detail::set_tag(auth.node, auth_ok = true);
  zspan::detail::set_tag(auth.node, auth_attempts = -3);
  zspan::detail::set_tag(auth.node, auth_token_bits = std::uint64_t{18'446'744'073'709'551'615u});
  zspan::detail::set_tag(auth.node, auth_score = 0.875);
  zspan::detail::set_tag(auth.node, auth_user = "bob");
  zspan::detail::set_tag(auth.node, auth_realm = "example.com/users");
  zspan::detail::set_tag(auth.node, auth_flags = std::span(kFlags));
  zspan::detail::set_tag(auth.node, auth_codes = std::span(kCodes));
  zspan::detail::set_tag(auth.node, auth_masks = std::span(kMasks));
  zspan::detail::set_tag(auth.node, auth_weights = std::span(kWeights));
  zspan::detail::set_tag(auth.node, auth_roles = std::span(kRoles));

  Span& select = add(kSelect, kBackend, SpanId{0x2000000000000002}, root.node.record.span_id, 1'200'000, 4'200'000);
  zspan::detail::set_tag(select.node, tags::span_kind = "client");
  static const std::string kLongStatement = "SELECT " + std::string(300, 'x') + " FROM users";
  zspan::detail::set_tag(select.node, tags::db_statement = std::string_view(kLongStatement));
  log_error(select.node, "upstream returned {}", 503);
  select.pin_log_times({2'500'000});

  Span& email = add(kSendEmail, kFrontend, SpanId{0x3000000000000003}, root.node.record.span_id, 4'300'000, 9'000'000,
                    zspan::detail::SpanRecord::kFollowsFrom);
  zspan::detail::set_tag(email.node, tags::span_kind = "producer");

  Span& handle = add(kHandle, kFrontend, SpanId{0x4000000000000004}, kRemoteParent, 4'400'000, 4'600'000,
                     zspan::detail::SpanRecord::kRemoteParent);
  zspan::detail::add_reference(handle.node, Reference::kFollowsFrom, SpanContext{kOtherTraceId, SpanId{0x5555555555555555}, {}, true, {}, {}});
  handle.node.record.dropped_fields = 3;

  Span& odd = add(kOdd, kFrontend, SpanId{0x6000000000000006}, root.node.record.span_id, 4'700'000, 4'800'000);
  zspan::detail::set_tag(odd.node, note = "héllo \"ünïcode\" ✓\\ \x01\x1f\n\r\t end");
  log_fields(odd.node, logs::message = "line1\nline2 \"q\" \x7f ✓");
  odd.pin_log_times({50'000});

  Span& dispatch = add(kDispatch, kFrontend, SpanId{0x7000000000000007}, root.node.record.span_id, 4'850'000,
                       4'900'000);
  rename_span(dispatch.node, "POST");
  zspan::detail::set_tag(dispatch.node, DynamicTagKey<std::string_view>{kTierKey} = "gold");
  zspan::detail::set_tag(dispatch.node, DynamicTagKey<std::int64_t>{kQuotaKey} = 42);
  log_fields(dispatch.node, logs::event = "retry", DynamicTagKey<std::string_view>{kReasonKey} = "route not matched yet");
  rename_span(dispatch.node, "POST /orders/:id");
  dispatch.pin_log_times({10'000});

  for (const auto& s : spans_) batched_.push_back({&s->node.record, s->service});
  SpanBatch all(batched_, clock_);
  for (const SpanView& view : all) expected_.push_back(SpanData::copy_of(view));
}

const GoldenTrace& GoldenTrace::get() {
  static const GoldenTrace trace;
  return trace;
}

std::unique_ptr<SpanBatch> GoldenTrace::batch() const { return std::make_unique<SpanBatch>(batched_, clock_); }

}  // namespace zspan::testing
