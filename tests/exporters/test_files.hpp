// Files for the exporter tests: a path in the test's own temporary directory, and what a
// file holds.
#pragma once

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace zspan::testing {

inline std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

inline std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace zspan::testing
