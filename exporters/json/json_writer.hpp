// JsonWriter: appends JSON text to a std::string, for the exporters that write JSON
// (exporters/chrome, exporters/jsonl, exporters/zipkin, OTLP's http/json). Built for
// throughput on an exporter's worker: it writes through a pointer into room it makes ahead
// in the string (growing it by doubling), numbers go through std::to_chars, strings are
// scanned eight bytes at a time; no iostreams.
//
//   std::string out;
//   {
//     zspan::JsonWriter json(out);
//     json.begin_object();
//     json.member("name", span.name());
//     json.key("attributes");
//     json.begin_object();
//     zspan::otel::for_each_attribute(span, zspan::JsonAttributeWriter{json, cut_keys});
//     json.end_object();
//     json.end_object();
//   }   // out: {"name":"GET /users","attributes":{...}}
//
// The rules (the same for every exporter that uses it):
//  - The string holds the text once the writer is gone: while it writes, the string also
//    holds the room made ahead. One writer at a time per string; write a whole batch with one.
//  - Commas are the writer's business: a value or key after another in the same object or
//    array gets one. Nesting is the caller's: begin_* and end_* must pair. separator() writes
//    text between top-level values (",\n", "\n") and starts afresh.
//  - Keys: a JsonKey is a name known at compile time (a literal), checked then to need no
//    escaping (ASCII, no `"`, `\` or control character; anything else does not compile)
//    and copied as it is; escaped_key() takes any name (an attribute's) and escapes it.
//  - Strings: UTF-8 is written as it is; `"`, `\` and control characters are escaped
//    (\n, \r, \t, \b, \f, else \u00XX). A byte that is not part of valid UTF-8 (a stray
//    continuation byte, an overlong form, a surrogate, a sequence cut short, as a string cut
//    at the size limit may end) becomes U+FFFD, one per byte: the output is always valid JSON
//    and valid UTF-8.
//  - Integers: exact, int64 and uint64 alike (18446744073709551615 stays that number; a
//    parser that reads numbers as doubles, as JavaScript does, rounds those above 2^53).
//    quoted(n) writes one as a string of its decimal digits ("-42"), as protobuf's JSON
//    mapping writes 64-bit integers.
//  - Doubles: the shortest text that reads back as the same double, always with a `.` or an
//    exponent so that a reader sees a floating-point number (2.0, not 2). NaN and the
//    infinities, which JSON lacks, are the strings "NaN", "Infinity" and "-Infinity" (as
//    protobuf's JSON mapping writes them).
//  - thousandths(n): the exact decimal n / 1000, trailing zeros dropped (thousandths(1500)
//    is 1.5): nanoseconds as microseconds, say.
//  - Ids: trace and span ids are strings of lower-case hex (32 and 16 digits).
//  - Attribute values (trace/export/field_reader.hpp): a StringValue is its kept text (an
//    exporter reports the cut separately), an ArrayValue a JSON array of its elements.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "zspan/trace/export/field_reader.hpp"
#include "zspan/trace/ids.hpp"

namespace zspan {

// A key written as it is: a name known at compile time that needs no escaping.
class JsonKey {
 public:
  template <std::size_t N>
  consteval JsonKey(const char (&name)[N]) : JsonKey(std::string_view(name, N - 1)) {}
  consteval JsonKey(std::string_view name) : name_(name) {
    for (const char c : name)
      if (c < 0x20 || c == '"' || c == '\\' || static_cast<unsigned char>(c) >= 0x7f) throw "a JsonKey needs escaping";
  }
  constexpr std::string_view name() const noexcept { return name_; }

 private:
  std::string_view name_;
};

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) noexcept : out_(out), size_(out.size()) {}
  ~JsonWriter() { out_.resize(size_); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  [[gnu::always_inline]] void key(JsonKey name) {
    separate();
    const std::size_t n = name.name().size();
    char* to = room(n + 3);
    to[0] = '"';
    std::memcpy(to + 1, name.name().data(), n);
    to[n + 1] = '"';
    to[n + 2] = ':';
    size_ += n + 3;
    comma_ = false;
  }
  void escaped_key(std::string_view name) {
    separate();
    string(name);
    put(':');
    comma_ = false;
  }
  // Members already written as JSON text ("a":1,"b":"x"), added to the open object.
  void members(std::string_view json) {
    separate();
    put(json);
  }
  void separator(std::string_view text) {
    put(text);
    comma_ = false;
  }

  void value(bool v) {
    separate();
    put(v ? std::string_view("true") : std::string_view("false"));
  }
  template <std::signed_integral I>
  void value(I v) {
    separate();
    integer(static_cast<std::int64_t>(v));
  }
  template <std::unsigned_integral I>
  void value(I v) {
    separate();
    integer(static_cast<std::uint64_t>(v));
  }
  void value(double v);
  void value(std::string_view v) {
    separate();
    string(v);
  }
  void value(const char* v) { value(std::string_view(v)); }
  void value(const StringValue& v) { value(v.text); }
  void value(const ScalarValue& v);
  void value(const ArrayValue& v);
  void value(TraceId id);
  void value(SpanId id);
  void quoted(std::int64_t v);
  void quoted(std::uint64_t v);
  void thousandths(std::int64_t n);

  template <class V>
  [[gnu::always_inline]] void member(JsonKey name, const V& v) {
    key(name);
    value(v);
  }

 private:
  [[gnu::always_inline]] void separate() {
    if (comma_) put(',');
    comma_ = true;
  }
  [[gnu::always_inline]] void open(char bracket) {
    separate();
    put(bracket);
    comma_ = false;
  }
  [[gnu::always_inline]] void close(char bracket) {
    put(bracket);
    comma_ = true;
  }
  // Room for `n` more bytes at the end of the text; where they go.
  [[gnu::always_inline]] char* room(std::size_t n) {
    if (out_.size() - size_ < n) grow(n);
    return out_.data() + size_;
  }
  void grow(std::size_t n);
  [[gnu::always_inline]] void put(char c) {
    *room(1) = c;
    ++size_;
  }
  [[gnu::always_inline]] void put(std::string_view text) {
    std::memcpy(room(text.size()), text.data(), text.size());
    size_ += text.size();
  }
  void string(std::string_view utf8);
  void integer(std::int64_t v);
  void integer(std::uint64_t v);

  std::string& out_;
  std::size_t size_;    // the text's end; out_ may be longer (room made ahead)
  bool comma_ = false;  // the next value or key follows another at the same level
};

// Whether a value holds a string cut at the size limit (a string, or one of an array's).
bool was_cut(const ArrayValue& v) noexcept;
inline bool was_cut(const StringValue& v) noexcept { return v.truncated(); }
template <class V>
constexpr bool was_cut(const V&) noexcept {
  return false;
}

// The visitor of otel::for_each_attribute and otel::Event::for_each_attribute that writes
// each attribute as a member of the object being written, and notes the keys of the cut
// ones in `cut_keys` (valid as long as the span is).
struct JsonAttributeWriter {
  JsonWriter& json;
  std::vector<std::string_view>& cut_keys;

  template <class V>
  void operator()(std::string_view key, const V& value) const {
    json.escaped_key(key);
    json.value(value);
    if (was_cut(value)) cut_keys.push_back(key);
  }
};

}  // namespace zspan
