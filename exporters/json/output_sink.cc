#include "zspan/exporters/json/output_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ostream>
#include <system_error>

namespace zspan {
namespace {

// What on_fork_child leaves a stream sink with: the reason every later write fails.
constexpr int kStreamLeftToParent = ECHILD;

}  // namespace

OutputSink::OutputSink(std::string path, Mode mode) : path_(std::move(path)), mode_(mode) { open_file(); }

OutputSink::OutputSink(std::ostream& stream) noexcept : stream_(&stream) {
  try {
    const auto start = stream.tellp();
    seekable_ = start != std::ostream::pos_type(-1);
    if (seekable_) stream_start_ = static_cast<std::size_t>(start);
  } catch (...) {
    seekable_ = false;
  }
}

OutputSink::~OutputSink() {
  if (fd_ >= 0) ::close(fd_);
}

bool OutputSink::open_file() noexcept {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode_ == Mode::kAppend ? O_APPEND : O_TRUNC);
  fd_ = ::open(path_.c_str(), flags, 0644);
  if (fd_ < 0) {
    error_ = errno;
    return false;
  }
  struct stat st;
  seekable_ = mode_ == Mode::kTruncate && ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
  written_ = 0;
  return true;
}

bool OutputSink::write(std::string_view bytes, std::size_t rewind) noexcept {
  if (rewind > 0 && (!seekable_ || rewind > written_ || rewind > bytes.size())) {
    error_ = ESPIPE;
    return false;
  }
  return stream_ || stream_left_to_parent_ ? write_stream(bytes, rewind) : write_file(bytes, rewind);
}

bool OutputSink::write_file(std::string_view bytes, std::size_t rewind) noexcept {
  if (fd_ < 0 && !open_file()) return false;
  const std::size_t at = written_ - rewind;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = seekable_ ? ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(at + done))
                                : ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? errno : EIO;
      if (seekable_ && done > 0) restore_tail(rewind);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  written_ = at + bytes.size();
  if (seekable_) {
    // A write that failed earlier may have left bytes past the new end.
    if (ragged_end_ && ::ftruncate(fd_, static_cast<off_t>(written_)) == 0) ragged_end_ = false;
    remember_tail(bytes, rewind);
  }
  return true;
}

// After a write over the last `rewind` bytes failed part way: put those bytes back and cut
// what the failed write added, so that the file is what it was before the call.
void OutputSink::restore_tail(std::size_t rewind) noexcept {
  const std::size_t at = written_ - rewind;
  if (rewind > tail_.size() ||
      ::pwrite(fd_, tail_.data() + tail_.size() - rewind, rewind, static_cast<off_t>(at)) != static_cast<ssize_t>(rewind) ||
      ::ftruncate(fd_, static_cast<off_t>(written_)) != 0)
    ragged_end_ = true;
}

void OutputSink::remember_tail(std::string_view bytes, std::size_t rewind) noexcept {
  if (bytes.size() >= kTailBytes) {
    tail_.assign(bytes.substr(bytes.size() - kTailBytes));
    return;
  }
  tail_.resize(tail_.size() - std::min(tail_.size(), rewind));
  tail_.append(bytes);
  if (tail_.size() > kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
}

bool OutputSink::write_stream(std::string_view bytes, std::size_t rewind) noexcept {
  if (stream_left_to_parent_) {
    error_ = kStreamLeftToParent;
    return false;
  }
  try {
    if (rewind > 0) stream_->seekp(static_cast<std::streamoff>(stream_start_ + written_ - rewind));
    stream_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    stream_->flush();
    if (!stream_->good()) {
      error_ = EIO;
      return false;
    }
  } catch (...) {
    error_ = EIO;
    return false;
  }
  written_ = written_ - rewind + bytes.size();
  return true;
}

std::string OutputSink::describe_error() const {
  const std::string where = stream_ || stream_left_to_parent_ ? std::string("stream") : path_;
  if (error_ == kStreamLeftToParent && stream_left_to_parent_)
    return where + ": not written in a fork()ed child (the parent's stream)";
  return where + ": " + std::error_code(error_, std::generic_category()).message();
}

void OutputSink::on_fork_child(std::string child_path) noexcept {
  if (stream_) {
    stream_ = nullptr;
    stream_left_to_parent_ = true;
    return;
  }
  if (mode_ == Mode::kAppend) return;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  path_ = std::move(child_path);
  written_ = 0;
  tail_.clear();
  open_file();
}

}  // namespace zspan
