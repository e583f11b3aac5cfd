// What the demo's tests share: running the demo as a user does, and the trace one request
// makes, as every backend and the Chrome file have it.
//
//   const int status = run_demo(demo, {"--requests=3"}, {"OTEL_TRACES_EXPORTER=otlp"}, "out.txt");
//   expect_the_demo_trace(spans_of_one_trace);    // eleven spans over three services, parents
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

extern char** environ;

namespace zspan::testing {

// Runs the demo in its own process with `args`, `settings` added to this environment and
// its standard output written to `stdout_path`; its exit status, -1 if it did not exit.
// Under ThreadSanitizer, tsan_suppressions.txt (a test's data) is in force.
inline int run_demo(const std::string& demo, const std::vector<std::string>& args,
                    const std::vector<std::string>& settings, const std::string& stdout_path = "/dev/null") {
  std::vector<std::string> env = settings;
  const char* tsan = std::getenv("TSAN_OPTIONS");  // the first of a name is the one read
  env.push_back(std::string("TSAN_OPTIONS=") + (tsan ? tsan : "") + ":suppressions=tests/examples/tsan_suppressions.txt");
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> arguments = {demo};
  arguments.insert(arguments.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : arguments) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  posix_spawn_file_actions_t output;
  posix_spawn_file_actions_init(&output);
  posix_spawn_file_actions_addopen(&output, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int spawned = posix_spawn(&pid, demo.c_str(), &output, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&output);
  if (spawned != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A span as every backend has it: its service and name, its id and its parent's (empty for
// a root), its trace's.
struct Arrived {
  std::string service, name, id, parent_id, trace_id;
};

// Checks the trace of one request: eleven spans, all of one trace, and the parent chain
//   frontend GET /checkout <- POST (its client) <- orders POST /orders <- GET (its client)
//   <- inventory GET /stock <- SELECT, SELECT
// with the order's SELECT and INSERT, and the audit record's INSERT under "audit", which
// follows from POST /orders.
inline void expect_the_demo_trace(const std::vector<Arrived>& spans) {
  ASSERT_EQ(spans.size(), 11u);
  std::map<std::string, int> per_service;
  for (const Arrived& s : spans) {
    ++per_service[s.service];
    EXPECT_EQ(s.trace_id, spans[0].trace_id) << s.name;
  }
  EXPECT_EQ(per_service, (std::map<std::string, int>{{"frontend", 2}, {"orders", 6}, {"inventory", 3}}));
  const auto named = [](const Arrived& s) { return s.service + " " + s.name; };
  const auto parent_of = [&](const Arrived& child) {
    for (const Arrived& s : spans)
      if (s.id == child.parent_id) return named(s);
    return child.parent_id.empty() ? std::string("(root)") : "(" + child.parent_id + ", not in the trace)";
  };
  const std::multimap<std::string, std::string> expected_parents = {
      {"frontend GET /checkout", "(root)"},
      {"frontend POST", "frontend GET /checkout"},
      {"orders POST /orders", "frontend POST"},
      {"orders SELECT", "orders POST /orders"},
      {"orders INSERT", "orders POST /orders"},
      {"orders audit", "orders POST /orders"},
      {"orders INSERT", "orders audit"},
      {"orders GET", "orders POST /orders"},
      {"inventory GET /stock", "orders GET"},
      {"inventory SELECT", "inventory GET /stock"},
      {"inventory SELECT", "inventory GET /stock"},
  };
  std::multimap<std::string, std::string> parents;
  for (const Arrived& s : spans) parents.emplace(named(s), parent_of(s));
  // Equal ranges compare in insertion order: sort each span's parents.
  const auto sorted = [](const std::multimap<std::string, std::string>& m) {
    std::vector<std::pair<std::string, std::string>> v(m.begin(), m.end());
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(sorted(parents), sorted(expected_parents));
}

}  // namespace zspan::testing
