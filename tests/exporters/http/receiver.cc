#include "tests/exporters/http/receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace zspan::testing {
namespace {

constexpr int kPollMillis = 20;

// Waits until `fd` is readable or the receiver stops; false when it stopped.
bool wait_readable(int fd, const std::atomic<bool>& stop) {
  pollfd p{fd, POLLIN, 0};
  while (!stop.load()) {
    const int n = ::poll(&p, 1, kPollMillis);
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
  return false;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

Receiver::Receiver(std::uint16_t port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(listen_fd_, 16) != 0)
    throw std::runtime_error("receiver: cannot listen on port " + std::to_string(port));
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

Receiver::~Receiver() {
  stop_.store(true);
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

void Receiver::script(std::vector<Reply> replies) {
  std::lock_guard lock(mutex_);
  script_.assign(replies.begin(), replies.end());
}

std::vector<Receiver::Request> Receiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t Receiver::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

bool Receiver::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void Receiver::accept_loop() {
  while (wait_readable(listen_fd_, stop_)) {
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    connections_.fetch_add(1);
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void Receiver::serve(int fd) {
  std::string buffer;
  char chunk[16384];
  auto fill = [&] {
    if (!wait_readable(fd, stop_)) return false;
    const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  };
  for (;;) {
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return ::close(fd), void();
    Request request;
    const std::string head = buffer.substr(0, head_end);
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    request.method = request_line.substr(0, request_line.find(' '));
    const std::size_t path_start = request.method.size() + 1;
    request.path = request_line.substr(path_start, request_line.find(' ', path_start) - path_start);
    while (line_end != std::string::npos && line_end < head.size()) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::size_t value_start = colon + 1;
      while (value_start < line.size() && line[value_start] == ' ') ++value_start;
      request.headers[lower(line.substr(0, colon))] = line.substr(value_start);
    }
    const std::size_t length = std::stoul(request.header("content-length").empty() ? "0" : request.header("content-length"));
    buffer.erase(0, head_end + 4);
    while (buffer.size() < length)
      if (!fill()) return ::close(fd), void();
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);

    Reply reply;
    {
      std::lock_guard lock(mutex_);
      if (!script_.empty()) {
        reply = script_.front();
        script_.pop_front();
      }
      requests_.push_back(std::move(request));
    }
    arrived_.notify_all();
    if (reply.hang) {
      while (wait_readable(fd, stop_) && ::recv(fd, chunk, sizeof(chunk), 0) > 0) {}
      return ::close(fd), void();
    }
    std::string response = "HTTP/1.1 " + std::to_string(reply.status) + " Scripted\r\n";
    for (const auto& [name, value] : reply.headers) response += name + ": " + value + "\r\n";
    response += "Content-Type: application/x-protobuf\r\nContent-Length: " + std::to_string(reply.body.size()) +
                "\r\n\r\n" + reply.body;
    send_all(fd, response);
  }
}

std::string gunzip(const std::string& data) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return {};
  std::string out;
  char chunk[16384];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof(chunk);
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk, sizeof(chunk) - stream.avail_out);
  }
  inflateEnd(&stream);
  return status == Z_STREAM_END ? out : std::string();
}

}  // namespace zspan::testing
