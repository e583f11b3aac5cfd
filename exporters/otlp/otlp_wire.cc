#include "zspan/exporters/otlp/otlp_wire.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <variant>

#include "zspan/exporters/otlp/otlp_encoding.hpp"
#include "zspan/trace/export/otel.hpp"
#include "zspan/trace/version.hpp"

namespace zspan::otlp {
namespace {

// Field numbers of the OTLP messages (exporters/otlp/proto).
namespace field {
constexpr std::uint32_t kResourceSpans = 1;                                      // ExportTraceServiceRequest
constexpr std::uint32_t kResource = 1, kScopeSpans = 2;                          // ResourceSpans
constexpr std::uint32_t kResourceAttributes = 1;                                 // Resource
constexpr std::uint32_t kScope = 1, kSpans = 2;                                  // ScopeSpans
constexpr std::uint32_t kScopeName = 1, kScopeVersion = 2;                       // InstrumentationScope
constexpr std::uint32_t kTraceId = 1, kSpanId = 2, kParentSpanId = 4, kName = 5, kKind = 6, kStart = 7, kEnd = 8,
                        kAttributes = 9, kDroppedAttributes = 10, kEvents = 11, kDroppedEvents = 12,
                        kLinks = 13, kDroppedLinks = 14, kStatus = 15, kFlags = 16;  // Span
constexpr std::uint32_t kEventTime = 1, kEventName = 2, kEventAttributes = 3,
                        kEventDroppedAttributes = 4;                             // Span.Event
constexpr std::uint32_t kLinkTraceId = 1, kLinkSpanId = 2, kLinkAttributes = 4;  // Span.Link
constexpr std::uint32_t kStatusMessage = 2, kStatusCode = 3;                     // Status
constexpr std::uint32_t kKey = 1, kValue = 2;                                    // KeyValue
constexpr std::uint32_t kStringValue = 1, kBoolValue = 2, kIntValue = 3, kDoubleValue = 4,
                        kArrayValue = 5;                                         // AnyValue
constexpr std::uint32_t kArrayValues = 1;                                        // ArrayValue
}  // namespace field

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLength = 2, kFixed32 = 5 };

constexpr int varint_size(std::uint64_t v) noexcept { return v < 128 ? 1 : (std::bit_width(v) + 6) / 7; }

// Appends protobuf wire bytes to a string through a pointer into room made ahead (as
// JsonWriter does); the string holds exactly the bytes once the writer is gone.
class Writer {
 public:
  explicit Writer(std::string& out) noexcept : out_(out), size_(out.size()) {}
  ~Writer() { out_.resize(size_); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void varint(std::uint32_t number, std::uint64_t v) {
    key(number, kVarint);
    raw_varint(v);
  }
  void fixed64(std::uint32_t number, std::uint64_t v) {
    key(number, kFixed64);
    char* to = room(8);
    for (int i = 0; i < 8; ++i) to[i] = static_cast<char>(v >> 8 * i);
    size_ += 8;
  }
  void fixed32(std::uint32_t number, std::uint32_t v) {
    key(number, kFixed32);
    char* to = room(4);
    for (int i = 0; i < 4; ++i) to[i] = static_cast<char>(v >> 8 * i);
    size_ += 4;
  }
  void id(std::uint32_t number, SpanId v) {
    key(number, kLength);
    char* to = room(9);
    to[0] = 8;
    big_endian(to + 1, v.value);
    size_ += 9;
  }
  void id(std::uint32_t number, TraceId v) {
    key(number, kLength);
    char* to = room(17);
    to[0] = 16;
    big_endian(to + 1, v.high);
    big_endian(to + 9, v.low);
    size_ += 17;
  }
  // A string field, each invalid UTF-8 byte as U+FFFD (as otlp::valid_utf8 makes it).
  void string(std::uint32_t number, std::string_view text) {
    const std::size_t ascii = ascii_prefix(text);
    if (ascii == text.size()) {  // the usual case: nothing to replace, the length known
      key(number, kLength);
      raw_varint(text.size());
      bytes(text);
      return;
    }
    const Length length = begin(number, text.size() < 128 ? 1 : 2);
    std::size_t copied = 0;
    for (std::size_t i = ascii; i < text.size();) {
      if (static_cast<unsigned char>(text[i]) < 0x80) {
        ++i;
        continue;
      }
      if (const std::size_t n = utf8_sequence(text, i)) {
        i += n;
        continue;
      }
      bytes(text.substr(copied, i - copied));
      bytes("\xef\xbf\xbd");
      copied = ++i;
    }
    bytes(text.substr(copied));
    end(length);
  }

  // A length-delimited field: begin, write its contents, end.
  struct Length {
    std::size_t at;        // where the length goes
    std::size_t reserved;  // bytes reserved for it
  };
  Length begin(std::uint32_t number, std::size_t reserve) {
    key(number, kLength);
    const Length length{size_, reserve};
    room(reserve);
    size_ += reserve;
    return length;
  }
  void end(Length length) {
    const std::size_t contents = length.at + length.reserved;
    const std::size_t n = size_ - contents;
    const auto needed = static_cast<std::size_t>(varint_size(n));
    if (needed != length.reserved) {
      room(needed);
      char* const data = out_.data();
      std::memmove(data + length.at + needed, data + contents, n);
      size_ = length.at + needed + n;
    }
    char* to = out_.data() + length.at;
    write_varint(to, n);
  }

 private:
  void key(std::uint32_t number, WireType type) { raw_varint(std::uint64_t{number} << 3 | type); }
  void raw_varint(std::uint64_t v) {
    char* const begin = room(10);
    char* to = begin;
    write_varint(to, v);
    size_ += static_cast<std::size_t>(to - begin);
  }
  static void write_varint(char*& to, std::uint64_t v) {
    for (; v >= 0x80; v >>= 7) *to++ = static_cast<char>(v | 0x80);
    *to++ = static_cast<char>(v);
  }
  static void big_endian(char* to, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) to[i] = static_cast<char>(v >> (56 - 8 * i));
  }
  void bytes(std::string_view text) {
    std::memcpy(room(text.size()), text.data(), text.size());
    size_ += text.size();
  }
  [[gnu::always_inline]] char* room(std::size_t n) {
    if (out_.size() - size_ < n) grow(n);
    return out_.data() + size_;
  }
  [[gnu::noinline]] void grow(std::size_t n) { out_.resize(std::max({size_ + n, 2 * out_.size(), std::size_t{1024}})); }
  // How many bytes `text` starts with that are ASCII, eight at a time; a tail shorter than
  // eight is read as the text's last eight, overlapping, when the text has that many.
  static std::size_t ascii_prefix(std::string_view text) noexcept {
    auto ascii8 = [&](std::size_t at) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + at, 8);
      return (word & 0x8080808080808080) == 0;
    };
    std::size_t i = 0;
    while (i + 8 <= text.size() && ascii8(i)) i += 8;
    const bool short_tail = i + 8 > text.size();
    if (short_tail && text.size() >= 8 && ascii8(text.size() - 8)) return text.size();
    while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
    return i;
  }

  std::string& out_;
  std::size_t size_;
};

// The room reserved for lengths: 1 byte for what is usually under 128 bytes (a value, an
// event), 2 for a span (under 16 KiB), 3 for what holds spans (under 2 MiB).
constexpr std::size_t kSmall = 1, kSpan = 2, kLarge = 3;

// An AnyValue's field of any type for_each_attribute or Resource hands out (otlp::encode's
// ValueWriter, byte for byte).
struct ValueWriter {
  Writer& w;

  void operator()(bool v) const { w.varint(field::kBoolValue, v ? 1 : 0); }
  void operator()(std::int64_t v) const { w.varint(field::kIntValue, static_cast<std::uint64_t>(v)); }
  void operator()(std::uint64_t v) const {
    if (fits_int64(v))
      w.varint(field::kIntValue, v);
    else
      decimal(v);
  }
  void operator()(double v) const { w.fixed64(field::kDoubleValue, std::bit_cast<std::uint64_t>(v)); }
  void operator()(std::string_view v) const { w.string(field::kStringValue, v); }
  void operator()(const StringValue& v) const { (*this)(v.text); }
  void operator()(const ArrayValue& array) const {
    const bool uint64_as_strings = uint64s_as_strings(array);
    const Writer::Length values = w.begin(field::kArrayValue, kSmall);
    array.for_each([&](const ScalarValue& e) {
      const Writer::Length element = w.begin(field::kArrayValues, kSmall);
      if (uint64_as_strings)
        decimal(std::get<std::uint64_t>(e));
      else
        std::visit(*this, e);
      w.end(element);
    });
    w.end(values);
  }
  void decimal(std::uint64_t v) const {
    char digits[20];
    const char* end = std::to_chars(digits, digits + sizeof(digits), v).ptr;
    w.string(field::kStringValue, std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
};

// Writes each attribute as a KeyValue in repeated field `number`.
struct AttributeWriter {
  Writer& w;
  std::uint32_t number;

  template <class V>
  void operator()(std::string_view key, const V& value) const {
    const Writer::Length kv = w.begin(number, kSmall);
    if (!key.empty()) w.string(field::kKey, key);
    const Writer::Length any = w.begin(field::kValue, kSmall);
    ValueWriter{w}(value);
    w.end(any);
    w.end(kv);
  }
};

void write_span(const SpanView& span, Writer& w) {
  const otel::SpanSummary summary = otel::summarize(span);
  w.id(field::kTraceId, span.trace_id());
  w.id(field::kSpanId, span.span_id());
  if (span.parent_id().valid()) w.id(field::kParentSpanId, span.parent_id());
  if (!span.name().empty()) w.string(field::kName, span.name());
  if (summary.kind != otel::SpanKind::kUnspecified) w.varint(field::kKind, static_cast<std::uint64_t>(summary.kind));
  if (const std::uint64_t start = span.start_unix_nanos()) w.fixed64(field::kStart, start);
  if (const std::uint64_t end = span.end_unix_nanos()) w.fixed64(field::kEnd, end);
  otel::for_each_attribute(span, AttributeWriter{w, field::kAttributes});
  if (summary.dropped_attributes) w.varint(field::kDroppedAttributes, summary.dropped_attributes);
  otel::for_each_event(span, [&](const otel::Event& e) {
    const Writer::Length event = w.begin(field::kEvents, kSmall);
    if (e.unix_nanos) w.fixed64(field::kEventTime, e.unix_nanos);
    if (!e.name.empty()) w.string(field::kEventName, e.name);
    e.for_each_attribute(AttributeWriter{w, field::kEventAttributes});
    if (const std::uint32_t dropped = e.dropped_attributes()) w.varint(field::kEventDroppedAttributes, dropped);
    w.end(event);
  });
  if (summary.dropped_events) w.varint(field::kDroppedEvents, summary.dropped_events);
  otel::for_each_link(span, [&](const otel::Link& l) {
    const Writer::Length link = w.begin(field::kLinks, kSmall);
    w.id(field::kLinkTraceId, l.trace_id);
    w.id(field::kLinkSpanId, l.span_id);
    AttributeWriter{w, field::kLinkAttributes}(otel::kRefTypeKey, otel::ref_type(l.reference));
    w.end(link);
  });
  if (summary.dropped_links) w.varint(field::kDroppedLinks, summary.dropped_links);
  if (summary.status != otel::StatusCode::kUnset) {
    const Writer::Length status = w.begin(field::kStatus, kSmall);
    if (!summary.status_message.empty()) w.string(field::kStatusMessage, summary.status_message);
    w.varint(field::kStatusCode, static_cast<std::uint64_t>(summary.status));
    w.end(status);
  }
  w.fixed32(field::kFlags, span_flags(span));
}

}  // namespace

void WireEncoder::encode(const SpanBatch& batch, std::string& out) {
  groups_.group(batch);
  Writer w(out);
  for (std::uint32_t s = 0; s < groups_.services().size(); ++s) {
    const Writer::Length resource_spans = w.begin(field::kResourceSpans, kLarge);
    const Writer::Length resource = w.begin(field::kResource, kLarge);
    otel::Resource::get().for_each_attribute(groups_.services()[s], AttributeWriter{w, field::kResourceAttributes});
    w.end(resource);
    const Writer::Length scope_spans = w.begin(field::kScopeSpans, kLarge);
    const Writer::Length scope = w.begin(field::kScope, kSmall);
    w.string(field::kScopeName, otel::kScopeName);
    w.string(field::kScopeVersion, kVersion);
    w.end(scope);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (groups_.service_of(i) != s) continue;
      const Writer::Length span = w.begin(field::kSpans, kSpan);
      write_span(batch[i], w);
      w.end(span);
    }
    w.end(scope_spans);
    w.end(resource_spans);
  }
}

}  // namespace zspan::otlp
