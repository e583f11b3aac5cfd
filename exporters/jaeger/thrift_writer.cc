#include "zspan/exporters/jaeger/thrift_writer.hpp"

namespace zspan::thrift {

void CompactWriter::message_begin(std::string_view name, MessageType type, std::int32_t sequence_id) {
  constexpr std::uint8_t kProtocolId = 0x82, kVersion = 1;
  char* to = out_.room(2 + 2 * kVarint + name.size());
  *to++ = static_cast<char>(kProtocolId);
  *to++ = static_cast<char>(kVersion | static_cast<std::uint8_t>(type) << 5);
  to = varint(to, static_cast<std::uint32_t>(sequence_id));
  to = varint(to, name.size());
  std::memcpy(to, name.data(), name.size());
  out_.commit(to + name.size());
}

void BinaryWriter::message_begin(std::string_view name, MessageType type, std::int32_t sequence_id) {
  constexpr std::uint32_t kVersion1 = 0x80010000;
  char* to = big_endian<4>(out_.room(12 + name.size()), kVersion1 | static_cast<std::uint8_t>(type));
  to = big_endian<4>(to, name.size());
  std::memcpy(to, name.data(), name.size());
  out_.commit(big_endian<4>(to + name.size(), static_cast<std::uint32_t>(sequence_id)));
}

}  // namespace zspan::thrift
