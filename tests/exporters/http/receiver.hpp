// A scripted HTTP/1.1 server on 127.0.0.1 for exporter tests: it records every request
// (head and raw body) and answers each with the next scripted reply, then 200 with an
// empty body. One thread per connection, keep-alive honored, so connection reuse and a
// server that never answers both behave as with a real collector.
//
//   zspan::testing::Receiver receiver;                        // an ephemeral port
//   receiver.script({{.status = 503}, {.status = 200}});
//   exporter options: endpoint = receiver.url("/v1/traces")
//   receiver.requests()[0].body ...
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace zspan::testing {

class Receiver {
 public:
  struct Request {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;                             // as received (compressed if it was)
    std::string header(const std::string& name) const {
      auto it = headers.find(name);
      return it == headers.end() ? std::string() : it->second;
    }
  };
  struct Reply {
    int status = 200;
    std::string body = {};
    std::vector<std::pair<std::string, std::string>> headers = {};
    bool hang = false;  // read the request, never answer (until the receiver stops)
  };

  // port 0: an ephemeral one. A given port is bound with SO_REUSEADDR (a server coming back).
  explicit Receiver(std::uint16_t port = 0);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  void script(std::vector<Reply> replies);
  std::vector<Request> requests() const;
  std::size_t request_count() const;
  std::size_t connections() const noexcept { return connections_.load(); }
  // True once `n` requests arrived, false after `timeout`.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  void accept_loop();
  void serve(int fd);

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> connections_{0};
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::deque<Reply> script_;
  std::vector<Request> requests_;
  std::vector<std::thread> threads_;  // connection threads, under mutex_
  std::thread acceptor_;
};

// A loopback port nothing listens on (for now: it was free a moment ago).
inline std::uint16_t unused_port() {
  Receiver reserved;
  return reserved.port();
}

// gunzip of `data` (zlib), or "" if it is not gzip.
std::string gunzip(const std::string& data);

}  // namespace zspan::testing
