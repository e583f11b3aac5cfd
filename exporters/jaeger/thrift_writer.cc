#include "exporters/jaeger/thrift_writer.hpp"

namespace zspan::thrift {

void CompactWriter::message_begin(std::string_view name, MessageType type, std::int32_t sequence_id) {
  constexpr std::uint8_t kProtocolId = 0x82, kVersion = 1;
  out_.push_back(static_cast<char>(kProtocolId));
  out_.push_back(static_cast<char>(kVersion | static_cast<std::uint8_t>(type) << 5));
  varint(static_cast<std::uint32_t>(sequence_id));
  string(name);
}

void CompactWriter::field_double(std::int16_t id, double v) {
  field(id, kDouble);
  const auto bits = std::bit_cast<std::uint64_t>(v);
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(bits >> (8 * i));
  out_.append(bytes, 8);
}

void CompactWriter::field_struct_list(std::int16_t id, std::uint32_t size) {
  field(id, kList);
  if (size < 15) {
    out_.push_back(static_cast<char>(size << 4 | kStruct));
  } else {
    out_.push_back(static_cast<char>(0xf0 | kStruct));
    varint(size);
  }
}

void BinaryWriter::message_begin(std::string_view name, MessageType type, std::int32_t sequence_id) {
  constexpr std::uint32_t kVersion1 = 0x80010000;
  big_endian(kVersion1 | static_cast<std::uint8_t>(type), 4);
  string(name);
  big_endian(static_cast<std::uint32_t>(sequence_id), 4);
}

void BinaryWriter::field_struct_list(std::int16_t id, std::uint32_t size) {
  field(id, kList);
  out_.push_back(static_cast<char>(kStruct));
  big_endian(size, 4);
}

}  // namespace zspan::thrift
