// An httplib server on an ephemeral port of 127.0.0.1, serving on its own thread while
// the object lives.
#pragma once

#include <httplib.h>

#include <chrono>
#include <thread>

class TestServer {
 public:
  TestServer() : port_(server.bind_to_any_port("127.0.0.1")) {}
  ~TestServer() {
    if (thread_.joinable()) {
      while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      server.stop();
      thread_.join();
    }
  }
  // After the routes are registered.
  void start() {
    thread_ = std::thread([this] { server.listen_after_bind(); });
  }
  int port() const { return port_; }

  httplib::Server server;

 private:
  int port_;
  std::thread thread_;
};
