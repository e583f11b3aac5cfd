// Thrift's two wire formats, written straight into a std::string: CompactWriter (TCompactProtocol)
// and BinaryWriter (TBinaryProtocol, strict). The Jaeger encoder (jaeger_encoding.hpp) is
// written once against their common interface; nothing allocates but the string's growth.
//
//   std::string out;
//   zspan::thrift::CompactWriter w(out);
//   w.struct_begin();                              // a struct: Tag {1: string key, 2: i32 vType, ...}
//   w.field_string(1, "http.method");
//   w.field_i32(2, 0);
//   w.field_struct_list(3, 2);                     // then 2 elements: struct_begin ... struct_end
//   ...
//   w.struct_end();                                // the stop field
//
// The rules (Apache Thrift's protocol specifications, doc/specs/thrift-compact-protocol.md
// and thrift-binary-protocol.md; the tests read the output back with Apache Thrift):
//  - Fields are written in the order called; the caller follows its IDL. An optional field
//    that is absent is simply not written. Field types: bool, i32 (and enums), i64, double,
//    string (and binary), struct, and list of structs: what jaeger.thrift needs.
//  - Structs nest at most kMaxDepth deep (the compact protocol keeps each level's last field
//    id to write field ids as deltas). field_struct(id) opens a struct field, struct_begin()
//    a struct that is a list element or a message's arguments; struct_end() closes either.
//  - field_struct_bytes(id, bytes) writes a struct field whose fields and stop were written
//    before, by a writer of the same protocol (a struct's encoding does not depend on where
//    it goes): how a Jaeger Process or Span is encoded once and placed in several batches.
//  - Every struct ends with the stop byte 0x00 in both protocols.
//  - i32 and i64 are zigzag varints (compact) or big-endian (binary); doubles are IEEE 754,
//    little-endian (compact) or big-endian (binary); strings are a length and raw bytes
//    (Thrift strings are bytes: no UTF-8 check).
//  - message_begin writes the header of a call: compact (0x82, version 1, type, varint
//    sequence id, name) or strict binary (0x8001 version, type, name, i32 sequence id).
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

namespace zspan::thrift {

enum class MessageType : std::uint8_t { kCall = 1, kReply = 2, kException = 3, kOneway = 4 };

inline constexpr int kMaxDepth = 8;

class CompactWriter {
 public:
  explicit CompactWriter(std::string& out) noexcept : out_(out) {}

  void message_begin(std::string_view name, MessageType type, std::int32_t sequence_id);

  void struct_begin() noexcept { push(); }
  void struct_end() {
    out_.push_back('\0');
    last_ = stack_[--depth_];
  }
  void field_struct(std::int16_t id) {
    field(id, kStruct);
    push();
  }
  void field_struct_bytes(std::int16_t id, std::string_view encoded) {
    field(id, kStruct);
    out_.append(encoded);
  }
  void field_bool(std::int16_t id, bool v) { field(id, v ? kTrue : kFalse); }
  void field_i32(std::int16_t id, std::int32_t v) {
    field(id, kI32);
    varint((static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31));
  }
  void field_i64(std::int16_t id, std::int64_t v) {
    field(id, kI64);
    varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void field_double(std::int16_t id, double v);
  void field_string(std::int16_t id, std::string_view v) {
    field(id, kBinary);
    string(v);
  }
  // A list<struct> field of `size` elements, each written struct_begin() ... struct_end().
  void field_struct_list(std::int16_t id, std::uint32_t size);

 private:
  // The compact protocol's type codes.
  static constexpr std::uint8_t kTrue = 1, kFalse = 2, kI32 = 5, kI64 = 6, kDouble = 7, kBinary = 8, kList = 9,
                                kStruct = 12;

  void push() noexcept {
    stack_[depth_++] = last_;
    last_ = 0;
  }
  void field(std::int16_t id, std::uint8_t type) {
    const int delta = id - last_;
    if (delta > 0 && delta <= 15) {
      out_.push_back(static_cast<char>(delta << 4 | type));
    } else {
      out_.push_back(static_cast<char>(type));
      varint((static_cast<std::uint32_t>(id) << 1) ^ static_cast<std::uint32_t>(id >> 15));
    }
    last_ = id;
  }
  void varint(std::uint64_t v) {
    char bytes[10];
    int n = 0;
    for (; v >= 0x80; v >>= 7) bytes[n++] = static_cast<char>(v | 0x80);
    bytes[n++] = static_cast<char>(v);
    out_.append(bytes, n);
  }
  void string(std::string_view v) {
    varint(v.size());
    out_.append(v);
  }

  std::string& out_;
  std::int16_t last_ = 0;
  int depth_ = 0;
  std::int16_t stack_[kMaxDepth];
};

class BinaryWriter {
 public:
  explicit BinaryWriter(std::string& out) noexcept : out_(out) {}

  void message_begin(std::string_view name, MessageType type, std::int32_t sequence_id);

  void struct_begin() noexcept {}
  void struct_end() { out_.push_back('\0'); }
  void field_struct(std::int16_t id) { field(id, kStruct); }
  void field_struct_bytes(std::int16_t id, std::string_view encoded) {
    field(id, kStruct);
    out_.append(encoded);
  }
  void field_bool(std::int16_t id, bool v) {
    field(id, kBool);
    out_.push_back(v ? '\1' : '\0');
  }
  void field_i32(std::int16_t id, std::int32_t v) {
    field(id, kI32);
    big_endian(static_cast<std::uint32_t>(v), 4);
  }
  void field_i64(std::int16_t id, std::int64_t v) {
    field(id, kI64);
    big_endian(static_cast<std::uint64_t>(v), 8);
  }
  void field_double(std::int16_t id, double v) {
    field(id, kDouble);
    big_endian(std::bit_cast<std::uint64_t>(v), 8);
  }
  void field_string(std::int16_t id, std::string_view v) {
    field(id, kString);
    string(v);
  }
  // A list<struct> field of `size` elements, each written struct_begin() ... struct_end().
  void field_struct_list(std::int16_t id, std::uint32_t size);

 private:
  // The binary protocol's type codes.
  static constexpr std::uint8_t kBool = 2, kDouble = 4, kI32 = 8, kI64 = 10, kString = 11, kStruct = 12, kList = 15;

  void field(std::int16_t id, std::uint8_t type) {
    const char bytes[3] = {static_cast<char>(type), static_cast<char>(id >> 8), static_cast<char>(id)};
    out_.append(bytes, 3);
  }
  void big_endian(std::uint64_t v, int bytes) {
    char b[8];
    for (int i = 0; i < bytes; ++i) b[i] = static_cast<char>(v >> (8 * (bytes - 1 - i)));
    out_.append(b, bytes);
  }
  void string(std::string_view v) {
    big_endian(v.size(), 4);
    out_.append(v);
  }

  std::string& out_;
};

}  // namespace zspan::thrift
