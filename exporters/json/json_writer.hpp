// JsonWriter: appends JSON text to a std::string, for the exporters that write JSON
// (exporters/chrome, exporters/jsonl). Built for throughput on an exporter's worker: no
// iostreams, no allocation but the buffer's growth, numbers through std::to_chars, strings
// scanned eight bytes at a time.
//
//   std::string out;
//   zspan::JsonWriter json(out);
//   json.begin_object();
//   json.member("name", span.name());
//   json.key("attributes");
//   json.begin_object();
//   zspan::otel::for_each_attribute(span, [&](std::string_view key, const auto& value) { json.member(key, value); });
//   json.end_object();
//   json.end_object();                        // out: {"name":"GET /users","attributes":{...}}
//
// The rules (the same for every exporter that uses it):
//  - Commas are the writer's business: a value or key after another in the same object or
//    array gets one. Nesting is the caller's: begin_* and end_* must pair.
//  - Strings: UTF-8 is written as it is; `"`, `\` and control characters are escaped
//    (\n, \r, \t, \b, \f, else \u00XX). A byte that is not part of valid UTF-8 (a stray
//    continuation byte, an overlong form, a surrogate, a sequence cut short, as a string cut
//    at the size limit may end) becomes U+FFFD, one per byte: the output is always valid JSON
//    and valid UTF-8.
//  - Integers: exact, int64 and uint64 alike (18446744073709551615 stays that number; a
//    parser that reads numbers as doubles, as JavaScript does, rounds those above 2^53).
//  - Doubles: the shortest text that reads back as the same double, always with a `.` or an
//    exponent so that a reader sees a floating-point number (2.0, not 2). NaN and the
//    infinities, which JSON lacks, are the strings "NaN", "Infinity" and "-Infinity" (as
//    protobuf's JSON mapping writes them).
//  - Ids: trace and span ids are strings of lower-case hex (32 and 16 digits).
//  - Attribute values (trace/export/field_reader.hpp): a StringValue is its kept text (an
//    exporter reports the cut separately), an ArrayValue a JSON array of its elements.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trace/export/field_reader.hpp"
#include "trace/ids.hpp"

namespace zspan {

// Appends `utf8` to `out` as a quoted JSON string, by the rules above.
void append_json_string(std::string& out, std::string_view utf8);
// Appends a number by the rules above.
void append_json_integer(std::string& out, std::int64_t value);
void append_json_integer(std::string& out, std::uint64_t value);
void append_json_double(std::string& out, double value);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) noexcept : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view name) {
    separate();
    append_json_string(out_, name);
    out_ += ':';
    comma_ = false;
  }

  void value(bool v) { text(v ? "true" : "false"); }
  template <std::signed_integral I>
  void value(I v) {
    integer(static_cast<std::int64_t>(v));
  }
  template <std::unsigned_integral I>
  void value(I v) {
    integer(static_cast<std::uint64_t>(v));
  }
  void value(double v) {
    separate();
    append_json_double(out_, v);
  }
  void value(std::string_view v) {
    separate();
    append_json_string(out_, v);
  }
  void value(const char* v) { value(std::string_view(v)); }
  void value(const StringValue& v) { value(v.text); }
  void value(const ScalarValue& v);
  void value(const ArrayValue& v);
  void value(TraceId id);
  void value(SpanId id);

  template <class V>
  void member(std::string_view name, const V& v) {
    key(name);
    value(v);
  }


 private:
  void separate() {
    if (comma_) out_ += ',';
    comma_ = true;
  }
  void open(char bracket) {
    separate();
    out_ += bracket;
    comma_ = false;
  }
  void close(char bracket) {
    out_ += bracket;
    comma_ = true;
  }
  void text(std::string_view json) {
    separate();
    out_ += json;
  }
  void integer(std::int64_t v);
  void integer(std::uint64_t v);

  std::string& out_;
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
    json.member(key, value);
    if (was_cut(value)) cut_keys.push_back(key);
  }
};

}  // namespace zspan
