// StrategyServer: a loopback HTTP server that answers every request with the status and
// body set last, as a Jaeger agent's sampling endpoint would (tests only).
//
//   StrategyServer server;                           // 127.0.0.1, a free port
//   server.answer(200, R"({"strategyType": ...})");  // may change while a client polls
//   server.url();                                    // "http://127.0.0.1:PORT/sampling"
//   server.requests(); server.last_target();         // what clients asked
//
// One connection at a time, closed after each answer; stop() (or the destructor) closes
// the socket, so later requests fail to connect as if the backend were down.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace zspan::testing {

class StrategyServer {
 public:
  StrategyServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0)
      throw std::runtime_error("StrategyServer: cannot listen on 127.0.0.1");
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~StrategyServer() { stop(); }
  StrategyServer(const StrategyServer&) = delete;
  StrategyServer& operator=(const StrategyServer&) = delete;

  void answer(int status, std::string body) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sampling"; }
  int requests() const { return requests_.load(); }
  std::string last_target() const {
    std::lock_guard lock(mutex_);
    return last_target_;
  }
  void stop() {
    if (stopping_.exchange(true)) return;
    thread_.join();
    ::close(listener_);
  }

 private:
  void serve() {
    while (!stopping_.load()) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      respond(connection);
      ::close(connection);
    }
  }

  void respond(int connection) {
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
      pollfd p{connection, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) return;
      const ssize_t n = ::recv(connection, buffer, sizeof(buffer), 0);
      if (n <= 0) return;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    std::string response;
    {
      std::lock_guard lock(mutex_);
      const std::size_t start = request.find(' ') + 1;
      last_target_ = request.substr(start, request.find(' ', start) - start);
      response = "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
                 std::to_string(body_.size()) + "\r\nConnection: close\r\n\r\n" + body_;
    }
    ++requests_;
    for (std::size_t sent = 0; sent < response.size();) {
      const ssize_t n = ::send(connection, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  int listener_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  int status_ = 503;
  std::string body_;
  std::string last_target_;
  std::thread thread_;
};

}  // namespace zspan::testing
