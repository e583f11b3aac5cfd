// Thrift's two wire formats, written straight into a std::string: CompactWriter (TCompactProtocol)
// and BinaryWriter (TBinaryProtocol, strict). The Jaeger encoder (jaeger_encoding.hpp) is
// written once against their common interface; nothing allocates but the string's growth,
// and the bytes go through a pointer into room made ahead (the string holds the text once
// the writer is gone: one writer at a time per string).
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
//    element_bytes(bytes) likewise appends list elements written before (tags every span
//    carries, encoded once).
//  - Every struct ends with the stop byte 0x00 in both protocols.
//  - i32 and i64 are zigzag varints (compact) or big-endian (binary); doubles are IEEE 754,
//    little-endian (compact) or big-endian (binary); strings are a length and raw bytes
//    (Thrift strings are bytes: no UTF-8 check).
//  - message_begin writes the header of a call: compact (0x82, version 1, type, varint
//    sequence id, name) or strict binary (0x8001 version, type, name, i32 sequence id).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace zspan::thrift {

enum class MessageType : std::uint8_t { kCall = 1, kReply = 2, kException = 3, kOneway = 4 };

inline constexpr int kMaxDepth = 8;

namespace detail {

// The string a writer appends to, written through a pointer into room made ahead (the
// string grows by at least kGrowth bytes at a time, and is cut back to the text written
// when the writer goes): no capacity check per byte.
class Output {
 public:
  explicit Output(std::string& out) noexcept
      : out_(out), at_(out.data() + out.size()), end_(out.data() + out.size()) {}
  ~Output() { out_.resize(static_cast<std::size_t>(at_ - out_.data())); }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // Room for `n` more bytes; commit(end) says where the bytes written there end.
  [[gnu::always_inline]] char* room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - at_) < n) grow(n);
    return at_;
  }
  [[gnu::always_inline]] void commit(char* end) noexcept { at_ = end; }
  [[gnu::always_inline]] void bytes(std::string_view v) {
    char* to = room(v.size());
    std::memcpy(to, v.data(), v.size());
    at_ = to + v.size();
  }

 private:
  static constexpr std::size_t kGrowth = 512;
  void grow(std::size_t n) {
    const std::size_t size = static_cast<std::size_t>(at_ - out_.data());
    out_.resize(size + std::max(n, kGrowth));
    at_ = out_.data() + size;
    end_ = out_.data() + out_.size();
  }

  std::string& out_;
  char* at_;   // the text's end
  char* end_;  // the end of the room made ahead (out_'s end)
};

}  // namespace detail

class CompactWriter {
 public:
  explicit CompactWriter(std::string& out) noexcept : out_(out) {}

  void message_begin(std::string_view name, MessageType type, std::int32_t sequence_id);

  [[gnu::always_inline]] void struct_begin() noexcept {
    stack_[depth_++] = last_;
    last_ = 0;
  }
  [[gnu::always_inline]] void struct_end() {
    char* to = out_.room(1);
    *to = '\0';
    out_.commit(to + 1);
    last_ = stack_[--depth_];
  }
  [[gnu::always_inline]] void field_struct(std::int16_t id) {
    out_.commit(field(out_.room(kMaxField), id, kStruct));
    struct_begin();
  }
  [[gnu::always_inline]] void field_struct_bytes(std::int16_t id, std::string_view encoded) {
    out_.commit(field(out_.room(kMaxField), id, kStruct));
    out_.bytes(encoded);
  }
  // List elements (whole structs) written before by a writer of the same protocol.
  [[gnu::always_inline]] void element_bytes(std::string_view encoded) { out_.bytes(encoded); }
  [[gnu::always_inline]] void field_bool(std::int16_t id, bool v) {
    out_.commit(field(out_.room(kMaxField), id, v ? kTrue : kFalse));
  }
  [[gnu::always_inline]] void field_i32(std::int16_t id, std::int32_t v) {
    char* to = field(out_.room(kMaxField + kVarint), id, kI32);
    out_.commit(varint(to, (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31)));
  }
  [[gnu::always_inline]] void field_i64(std::int16_t id, std::int64_t v) {
    char* to = field(out_.room(kMaxField + kVarint), id, kI64);
    out_.commit(varint(to, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)));
  }
  [[gnu::always_inline]] void field_double(std::int16_t id, double v) {
    char* to = field(out_.room(kMaxField + 8), id, kDouble);
    const auto bits = std::bit_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) *to++ = static_cast<char>(bits >> (8 * i));  // little-endian
    out_.commit(to);
  }
  [[gnu::always_inline]] void field_string(std::int16_t id, std::string_view v) {
    char* to = varint(field(out_.room(kMaxField + kVarint + v.size()), id, kBinary), v.size());
    std::memcpy(to, v.data(), v.size());
    out_.commit(to + v.size());
  }
  // A list<struct> field of `size` elements, each written struct_begin() ... struct_end().
  [[gnu::always_inline]] void field_struct_list(std::int16_t id, std::uint32_t size) {
    char* to = field(out_.room(kMaxField + 1 + kVarint), id, kList);
    if (size < 15) {
      *to++ = static_cast<char>(size << 4 | kStruct);
    } else {
      *to++ = static_cast<char>(0xf0 | kStruct);
      to = varint(to, size);
    }
    out_.commit(to);
  }

 private:
  // The compact protocol's type codes.
  static constexpr std::uint8_t kTrue = 1, kFalse = 2, kI32 = 5, kI64 = 6, kDouble = 7, kBinary = 8, kList = 9,
                                kStruct = 12;
  // Room a varint needs: its 10 bytes at most, and 8 whatever its length (varint() stores 8 at once).
  static constexpr std::size_t kVarint = 10;
  static constexpr std::size_t kMaxField = 1 + kVarint;  // a field header: a type byte and an id

  [[gnu::always_inline]] char* field(char* to, std::int16_t id, std::uint8_t type) {
    const int delta = id - last_;
    last_ = id;
    if (delta > 0 && delta <= 15) {
      *to++ = static_cast<char>(delta << 4 | type);
      return to;
    }
    *to++ = static_cast<char>(type);
    return varint(to, (static_cast<std::uint32_t>(id) << 1) ^ static_cast<std::uint32_t>(id >> 15));
  }
  // ULEB128. Ids and times take 8 to 10 bytes: their first 8 groups of 7 bits are spread
  // into 8 bytes at once (no chain of shifts and branches), then stored together.
  [[gnu::always_inline]] static char* varint(char* to, std::uint64_t v) {
    if (v < 0x80) {
      *to = static_cast<char>(v);
      return to + 1;
    }
    if constexpr (std::endian::native == std::endian::little) {
      std::uint64_t spread = (v & 0x7f) | (v << 1 & 0x7f00) | (v << 2 & 0x7f0000) | (v << 3 & 0x7f000000) |
                             (v << 4 & 0x7f00000000) | (v << 5 & 0x7f0000000000) | (v << 6 & 0x7f000000000000) |
                             (v << 7 & 0x7f00000000000000);
      const int n = (std::bit_width(v) + 6) / 7;  // 2 to 10 bytes
      if (n <= 8) {
        spread |= 0x8080808080808080u >> (8 * (9 - n));  // continuation bits on all but the last
        std::memcpy(to, &spread, 8);
        return to + n;
      }
      spread |= 0x8080808080808080u;
      std::memcpy(to, &spread, 8);
      to += 8;
      v >>= 56;
    }
    for (; v >= 0x80; v >>= 7) *to++ = static_cast<char>(v | 0x80);
    *to++ = static_cast<char>(v);
    return to;
  }

  detail::Output out_;
  std::int16_t last_ = 0;
  int depth_ = 0;
  std::int16_t stack_[kMaxDepth];
};

class BinaryWriter {
 public:
  explicit BinaryWriter(std::string& out) noexcept : out_(out) {}

  void message_begin(std::string_view name, MessageType type, std::int32_t sequence_id);

  [[gnu::always_inline]] void struct_begin() noexcept {}
  [[gnu::always_inline]] void struct_end() {
    char* to = out_.room(1);
    *to = '\0';
    out_.commit(to + 1);
  }
  [[gnu::always_inline]] void field_struct(std::int16_t id) { out_.commit(field(out_.room(3), id, kStruct)); }
  [[gnu::always_inline]] void field_struct_bytes(std::int16_t id, std::string_view encoded) {
    field_struct(id);
    out_.bytes(encoded);
  }
  // List elements (whole structs) written before by a writer of the same protocol.
  [[gnu::always_inline]] void element_bytes(std::string_view encoded) { out_.bytes(encoded); }
  [[gnu::always_inline]] void field_bool(std::int16_t id, bool v) {
    char* to = field(out_.room(4), id, kBool);
    *to++ = v ? '\1' : '\0';
    out_.commit(to);
  }
  [[gnu::always_inline]] void field_i32(std::int16_t id, std::int32_t v) {
    out_.commit(big_endian<4>(field(out_.room(7), id, kI32), static_cast<std::uint32_t>(v)));
  }
  [[gnu::always_inline]] void field_i64(std::int16_t id, std::int64_t v) {
    out_.commit(big_endian<8>(field(out_.room(11), id, kI64), static_cast<std::uint64_t>(v)));
  }
  [[gnu::always_inline]] void field_double(std::int16_t id, double v) {
    out_.commit(big_endian<8>(field(out_.room(11), id, kDouble), std::bit_cast<std::uint64_t>(v)));
  }
  [[gnu::always_inline]] void field_string(std::int16_t id, std::string_view v) {
    char* to = big_endian<4>(field(out_.room(7 + v.size()), id, kString), v.size());
    std::memcpy(to, v.data(), v.size());
    out_.commit(to + v.size());
  }
  // A list<struct> field of `size` elements, each written struct_begin() ... struct_end().
  [[gnu::always_inline]] void field_struct_list(std::int16_t id, std::uint32_t size) {
    char* to = field(out_.room(8), id, kList);
    *to++ = static_cast<char>(kStruct);
    out_.commit(big_endian<4>(to, size));
  }

 private:
  // The binary protocol's type codes.
  static constexpr std::uint8_t kBool = 2, kDouble = 4, kI32 = 8, kI64 = 10, kString = 11, kStruct = 12, kList = 15;

  [[gnu::always_inline]] static char* field(char* to, std::int16_t id, std::uint8_t type) {
    to[0] = static_cast<char>(type);
    to[1] = static_cast<char>(id >> 8);
    to[2] = static_cast<char>(id);
    return to + 3;
  }
  template <int kBytes>
  [[gnu::always_inline]] static char* big_endian(char* to, std::uint64_t v) {
    for (int i = 0; i < kBytes; ++i) to[i] = static_cast<char>(v >> (8 * (kBytes - 1 - i)));
    return to + kBytes;
  }

  detail::Output out_;
};

}  // namespace zspan::thrift
