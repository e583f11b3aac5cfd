// The console waterfall of the golden trace, exact: the conformance check of ConsoleExporter
// (tree and markers, durations, errors, every tag type, logs, cut strings, dropped fields,
// text that must not break a row), at 80, 200 and 40 columns; then colors and widths as
// the terminal and the environment decide them.
#include "zspan/exporters/console/console_exporter.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "zspan/exporters/console/cells.hpp"
#include "zspan/exporters/console/waterfall.hpp"
#include "tests/exporters/golden/golden_trace.hpp"

namespace zspan {
namespace {

using testing::GoldenTrace;
using namespace std::chrono_literals;

std::string read_all(std::FILE* file) {
  std::string text;
  std::rewind(file);
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof(buffer), file)) > 0;) text.append(buffer, n);
  return text;
}

// The golden trace in one batch, then flush.
void export_golden(ConsoleExporter& exporter) {
  exporter.export_batch(*GoldenTrace::get().batch());
  exporter.flush(1s);
}

std::string golden_waterfall(ConsoleOptions options) {
  std::FILE* file = std::tmpfile();
  ConsoleExporter exporter(options, file);
  export_golden(exporter);
  std::string text = read_all(file);
  std::fclose(file);
  return text;
}

ConsoleOptions plain(std::size_t width, bool details = false) {
  ConsoleOptions options;
  options.color = ConsoleOptions::Color::kNever;
  options.width = width;
  options.details = details;
  return options;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string without_escapes(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b') i = text.find('m', i);
    else out += text[i];
  }
  return out;
}

std::string repeat(std::string_view glyph, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += glyph;
  return out;
}

// The axis (the first line to start with a space) ends at the last cell: its width is the layout's.
std::size_t layout_width(const std::string& text) {
  for (const std::string& line : lines_of(without_escapes(text)))
    if (line.starts_with(' ')) return console::columns(line);
  return 0;
}

TEST(ConsoleExporter, DurationsInThreeSignificantDigits) {
  EXPECT_EQ(console::human_duration(0), "0ns");
  EXPECT_EQ(console::human_duration(999), "999ns");
  EXPECT_EQ(console::human_duration(1000), "1.00µs");
  EXPECT_EQ(console::human_duration(12'345), "12.3µs");
  EXPECT_EQ(console::human_duration(999'499), "999µs");
  EXPECT_EQ(console::human_duration(999'500), "1.00ms") << "rounds up into the next unit";
  EXPECT_EQ(console::human_duration(4'700'000), "4.70ms");
  EXPECT_EQ(console::human_duration(100'000'000), "100ms");
  EXPECT_EQ(console::human_duration(4'700'000'000), "4.70s");
  EXPECT_EQ(console::human_duration(1'234'000'000'000), "1234s");
}

TEST(ConsoleExporter, GoldenTraceAt80Columns) {
  EXPECT_EQ(golden_waterfall(plain(80)), R"txt(trace 0af7651916cd43dd8448eb211c80319c · 9.00ms · 7 spans · 2 services · 1 error
                                             0             4.50ms         9.00ms
GET /users                frontend  5.00ms   ████████████████████
  ↳ authenticate          frontend  1.00ms   █████
  ↳ SELECT users          backend   3.00ms ✗     █████████████
        ✗ upstream returned 503
  ⤷ send email            frontend  4.70ms                   ░░░░░░░░░░░░░░░░░░░
  ↳ naïve "quoted"\n\ttab frontend   100µs                     █
  ↳ POST /orders/:id      frontend  50.0µs                     ██
⇢ handle                  frontend   200µs                    █

)txt");
}

TEST(ConsoleExporter, GoldenTraceWithDetailsAt80Columns) {
  EXPECT_EQ(golden_waterfall(plain(80, true)), R"txt(trace 0af7651916cd43dd8448eb211c80319c · 9.00ms · 7 spans · 2 services · 1 error
                                             0             4.50ms         9.00ms
GET /users                frontend  5.00ms   ████████████████████
    kind SERVER
    http.request.method="GET"
    http.response.status_code=200
    component="http"
    +1.00ms cache miss  cache.key="users:42"
  ↳ authenticate          frontend  1.00ms   █████
        auth.ok=true
        auth.attempts=-3
        auth.token_bits=18446744073709551615
        auth.score=0.875
        auth.user="bob"
        auth.realm="example.com/users"
        auth.flags=[true, false]
        auth.codes=[-1, 0, 42]
        auth.masks=[18446744073709551615, 7]
        auth.weights=[0.5, -2.25]
        auth.roles=["admin", "a role longer than seven"]
  ↳ SELECT users          backend   3.00ms ✗     █████████████
        ✗ upstream returned 503
        kind CLIENT
        db.query.text="SELECT xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
          xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
          xxx" (cut: 128 of 318 bytes)
        +3.70ms error  message="upstream returned 503"
  ⤷ send email            frontend  4.70ms                   ░░░░░░░░░░░░░░░░░░░
        kind PRODUCER
  ↳ naïve "quoted"\n\ttab frontend   100µs                     █
        note="héllo \"ünïcode\" ✓\\ \x01\x1f\n\r\t end"
        +4.75ms log  message="line1\nline2 \"q\" \x7f ✓"
  ↳ POST /orders/:id      frontend  50.0µs                     ██
        config.tier="gold"
        config.quota=42
        +4.86ms retry  retry.reason="route not matched yet"
⇢ handle                  frontend   200µs                    █
      link follows_from 11111111111111112222222222222222/5555555555555555
      remote parent b7ad6b7169203331
      3 fields dropped

)txt");
}

// The bar area takes what the name, service and duration leave: 200 - 45 = 155 cells for
// 9 ms, a span from floor(start / 9ms * 155) to ceil(end / 9ms * 155).
TEST(ConsoleExporter, GoldenTraceAt200ColumnsGivesTheBarsTheRoom) {
  const std::string left = std::string(45, ' ');
  const std::string expected =
      "trace 0af7651916cd43dd8448eb211c80319c · 9.00ms · 7 spans · 2 services · 1 error\n" +  //
      left + "0" + std::string(73, ' ') + "4.50ms" + std::string(69, ' ') + "9.00ms\n" +
      "GET /users                frontend  5.00ms   " + repeat("█", 87) + "\n" +
      "  ↳ authenticate          frontend  1.00ms    " + repeat("█", 18) + "\n" +
      "  ↳ SELECT users          backend   3.00ms ✗ " + std::string(20, ' ') + repeat("█", 53) + "\n" +
      "        ✗ upstream returned 503\n" +
      "  ⤷ send email            frontend  4.70ms   " + std::string(74, ' ') + repeat("░", 81) + "\n" +
      "  ↳ naïve \"quoted\"\\n\\ttab frontend   100µs   " + std::string(80, ' ') + repeat("█", 3) + "\n" +
      "  ↳ POST /orders/:id      frontend  50.0µs   " + std::string(83, ' ') + repeat("█", 2) + "\n" +
      "⇢ handle                  frontend   200µs   " + std::string(75, ' ') + repeat("█", 5) + "\n\n";
  EXPECT_EQ(golden_waterfall(plain(200)), expected);
}

// At 40 columns: the header on two lines, names and services cut with an ellipsis (the
// bar keeps 10 cells), details wrapped under themselves, between words where it can.
TEST(ConsoleExporter, GoldenTraceAt40ColumnsCutsNamesAndWrapsDetails) {
  EXPECT_EQ(golden_waterfall(plain(40, true)), R"txt(trace 0af7651916cd43dd8448eb211c80319c
9.00ms · 7 spans · 2 services · 1 error
                              0   9.00ms
GET /users   front…  5.00ms   ██████
    kind SERVER
    http.request.method="GET"
    http.response.status_code=200
    component="http"
    +1.00ms cache miss
      cache.key="users:42"
  ↳ authent… front…  1.00ms   ██
        auth.ok=true
        auth.attempts=-3
        auth.token_bits=18446744073709
          551615
        auth.score=0.875
        auth.user="bob"
        auth.realm="example.com/users"
        auth.flags=[true, false]
        auth.codes=[-1, 0, 42]
        auth.masks=[184467440737095516
          15, 7]
        auth.weights=[0.5, -2.25]
        auth.roles=["admin", "a role
          longer than seven"]
  ↳ SELECT … backe…  3.00ms ✗  ████
        ✗ upstream returned 503
        kind CLIENT
        db.query.text="SELECT
          xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
          xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
          xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
          xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
          x" (cut: 128 of 318 bytes)
        +3.70ms error
          message="upstream returned
          503"
  ⤷ send em… front…  4.70ms       ░░░░░░
        kind PRODUCER
  ↳ naïve "… front…   100µs        █
        note="héllo \"ünïcode\" ✓\\
          \x01\x1f\n\r\t end"
        +4.75ms log  message="line1\nl
          ine2 \"q\" \x7f ✓"
  ↳ POST /o… front…  50.0µs        █
        config.tier="gold"
        config.quota=42
        +4.86ms retry
          retry.reason="route not
          matched yet"
⇢ handle     front…   200µs       ██
      link follows_from
        11111111111111112222222222222222
        /5555555555555555
      remote parent b7ad6b7169203331
      3 fields dropped

)txt");
}

TEST(ConsoleExporter, NoLineIsWiderThanTheWidthNorEndsInASpace) {
  for (std::size_t width = 40; width <= 200; width += 7) {
    for (const std::string& line : lines_of(golden_waterfall(plain(width, true)))) {
      EXPECT_LE(console::columns(line), width) << line;
      EXPECT_TRUE(line.empty() || line.back() != ' ') << line;
    }
  }
  EXPECT_EQ(layout_width(golden_waterfall(plain(20))), 40u) << "never narrower than 40";
}

TEST(ConsoleExporter, ColorsOnlyAddEscapeSequences) {
  ConsoleOptions options = plain(80, true);
  options.color = ConsoleOptions::Color::kAlways;
  const std::string colored = golden_waterfall(options);
  EXPECT_NE(colored.find("\x1b[1mtrace 0af7651916cd43dd8448eb211c80319c\x1b[0m"), std::string::npos);
  EXPECT_NE(colored.find("3.00ms \x1b[31m✗\x1b[0m"), std::string::npos) << "the error mark in red";
  EXPECT_NE(colored.find("\x1b[31m✗ upstream returned 503\x1b[0m"), std::string::npos);
  EXPECT_NE(colored.find("\x1b[2mkind SERVER\x1b[0m"), std::string::npos) << "details dim";
  EXPECT_EQ(without_escapes(colored), golden_waterfall(plain(80, true)));
}

TEST(ConsoleExporter, NoColorsInAFileOnAuto) {
  ConsoleOptions options = plain(80);
  options.color = ConsoleOptions::Color::kAuto;
  EXPECT_EQ(golden_waterfall(options), golden_waterfall(plain(80)));
}

// Sets (or, given nullopt, unsets) an environment variable for its lifetime.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    set(value);
  }
  ~ScopedEnv() { set(old_); }

 private:
  void set(const std::optional<std::string>& value) {
    if (value) ::setenv(name_, value->c_str(), 1);
    else ::unsetenv(name_);
  }
  const char* name_;
  std::optional<std::string> old_;
};

// A pseudo-terminal of `columns`: the exporter writes to its terminal side (raw, so bytes
// pass unchanged), the test reads them from the other.
class Terminal {
 public:
  explicit Terminal(unsigned short columns) {
    controller_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (controller_ < 0 || ::grantpt(controller_) != 0 || ::unlockpt(controller_) != 0) return;
    const winsize size{24, columns, 0, 0};
    ::ioctl(controller_, TIOCSWINSZ, &size);
    const int fd = ::open(::ptsname(controller_), O_RDWR | O_NOCTTY);
    if (fd < 0) return;
    termios mode{};
    ::tcgetattr(fd, &mode);
    ::cfmakeraw(&mode);
    ::tcsetattr(fd, TCSANOW, &mode);
    ::fcntl(controller_, F_SETFL, O_NONBLOCK);
    file_ = ::fdopen(fd, "w");
  }
  ~Terminal() {
    if (file_) std::fclose(file_);
    if (controller_ >= 0) ::close(controller_);
  }
  std::FILE* file() const noexcept { return file_; }
  std::string read() const {
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(controller_, buffer, sizeof(buffer))) > 0;) text.append(buffer, static_cast<std::size_t>(n));
    return text;
  }

 private:
  int controller_ = -1;
  std::FILE* file_ = nullptr;
};

std::string golden_on_terminal(ConsoleOptions::Color color, unsigned short columns = 120) {
  Terminal terminal(columns);
  if (!terminal.file()) return "no terminal";
  ConsoleOptions options;
  options.color = color;
  ConsoleExporter exporter(options, terminal.file());
  export_golden(exporter);
  return terminal.read();
}

bool has_escapes(const std::string& text) { return text.find("\x1b[") != std::string::npos; }

TEST(ConsoleExporter, ColorsOnATerminalUnlessNoColorIsSet) {
  if (golden_on_terminal(ConsoleOptions::Color::kNever) == "no terminal") GTEST_SKIP() << "no pseudo-terminal here";
  ScopedEnv columns("COLUMNS", std::nullopt);
  {
    ScopedEnv no_color("NO_COLOR", std::nullopt);
    EXPECT_TRUE(has_escapes(golden_on_terminal(ConsoleOptions::Color::kAuto)));
    EXPECT_FALSE(has_escapes(golden_on_terminal(ConsoleOptions::Color::kNever)));
  }
  {
    ScopedEnv no_color("NO_COLOR", "");
    EXPECT_TRUE(has_escapes(golden_on_terminal(ConsoleOptions::Color::kAuto))) << "an empty NO_COLOR does not count";
  }
  {
    ScopedEnv no_color("NO_COLOR", "1");
    EXPECT_FALSE(has_escapes(golden_on_terminal(ConsoleOptions::Color::kAuto)));
    EXPECT_TRUE(has_escapes(golden_on_terminal(ConsoleOptions::Color::kAlways)));
  }
}

TEST(ConsoleExporter, WidthFromColumnsThenTheTerminalThenOneHundred) {
  if (golden_on_terminal(ConsoleOptions::Color::kNever) == "no terminal") GTEST_SKIP() << "no pseudo-terminal here";
  {
    ScopedEnv columns("COLUMNS", std::nullopt);
    EXPECT_EQ(layout_width(golden_on_terminal(ConsoleOptions::Color::kNever, 120)), 120u);
    ConsoleOptions options = plain(0);
    EXPECT_EQ(layout_width(golden_waterfall(options)), 100u) << "a file, no COLUMNS";
  }
  ScopedEnv columns("COLUMNS", "90");
  EXPECT_EQ(layout_width(golden_on_terminal(ConsoleOptions::Color::kNever, 120)), 90u);
  EXPECT_EQ(layout_width(golden_waterfall(plain(0))), 90u);
  EXPECT_EQ(layout_width(golden_waterfall(plain(60))), 60u) << "the option first";
}

}  // namespace
}  // namespace zspan
