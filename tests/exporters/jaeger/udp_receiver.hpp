// A UDP socket on loopback that keeps what a Jaeger agent would receive, for the agent
// exporter's tests and the demo's.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

namespace zspan::testing {

// A UDP socket bound to an ephemeral port of 127.0.0.1 with room for a few MB: on loopback
// a datagram is in its queue when sendmsg returns, so a test reads after exporting.
class UdpReceiver {
 public:
  UdpReceiver() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    const int room = 4 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &room, sizeof room);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0)
      ADD_FAILURE() << "cannot bind a UDP socket on 127.0.0.1";
    port_ = ntohs(address.sin_port);
  }
  ~UdpReceiver() { ::close(fd_); }
  UdpReceiver(const UdpReceiver&) = delete;
  UdpReceiver& operator=(const UdpReceiver&) = delete;

  std::uint16_t port() const { return port_; }

  // Every datagram queued now.
  std::vector<std::string> datagrams() {
    std::vector<std::string> out;
    std::string buffer(1 << 17, '\0');
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n < 0) return out;
      out.emplace_back(buffer.data(), static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

}  // namespace zspan::testing
