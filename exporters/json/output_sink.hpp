// OutputSink: where an exporter that writes files puts its bytes. Either a file it opens
// itself, written with write(2) and no user-space buffer (what a batch wrote is in the file
// when the call returns: a program killed later loses nothing of it), or a std::ostream the
// caller owns and keeps alive (tests, std::cout), flushed after each write.
//
//   zspan::OutputSink sink("trace.json", zspan::OutputSink::Mode::kTruncate);
//   if (!sink.write("[\n]\n")) warn(sink.describe_error());
//   sink.write(",\n{...}\n]\n", /*rewind=*/3);   // replaces the last 3 bytes written
//
// The rules:
//  - Never throws: a file that cannot be opened, a write that fails (a full disk, a stream
//    in a failed state) makes write() return false and describe_error() say why; the file
//    is retried at the next write.
//  - rewind overwrites the end of what this sink wrote; it needs seekable() (a regular file
//    or a seekable stream such as std::ostringstream; not a pipe or std::cout).
//  - One thread at a time (an exporter's calls never overlap).
//  - After fork(), in the child: a file sink either goes on appending to the same file
//    (kAppend: each write is one write(2) at the end) or starts `child_path`; a stream sink
//    stops (it shares the parent's stream), every write failing.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace zspan {

class OutputSink {
 public:
  enum class Mode {
    kTruncate,  // the file is created or emptied when opened
    kAppend,    // the file is created or added to
  };

  OutputSink(std::string path, Mode mode);
  explicit OutputSink(std::ostream& stream) noexcept;
  ~OutputSink();
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;

  // Writes `bytes` in place of the last `rewind` bytes written (bytes.size() >= rewind).
  bool write(std::string_view bytes, std::size_t rewind = 0) noexcept;
  bool seekable() const noexcept { return seekable_; }
  // "<path>: <reason>" for the last failure.
  std::string describe_error() const;

  // In a fork()ed child, before anything else: see the rules above. `child_path` is used
  // by a file sink opened with kTruncate (a parent and child must not share one document).
  void on_fork_child(std::string child_path) noexcept;

 private:
  bool open_file() noexcept;
  bool write_file(std::string_view bytes, std::size_t rewind) noexcept;
  bool write_stream(std::string_view bytes, std::size_t rewind) noexcept;
  void restore_tail(std::size_t rewind) noexcept;
  void remember_tail(std::string_view bytes, std::size_t rewind) noexcept;

  // The last bytes of the file (within std::string's inline buffer), to undo a failed rewind.
  static constexpr std::size_t kTailBytes = 8;

  std::string path_;
  Mode mode_ = Mode::kTruncate;
  int fd_ = -1;
  std::ostream* stream_ = nullptr;
  bool stream_left_to_parent_ = false;
  std::size_t stream_start_ = 0;  // where the stream was when given
  bool seekable_ = false;
  std::size_t written_ = 0;  // bytes this sink has written, less those rewound over
  std::string tail_;
  bool ragged_end_ = false;  // a failed write may have left bytes past written_
  int error_ = 0;            // errno of the last failure
};

}  // namespace zspan
