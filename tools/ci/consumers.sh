#!/usr/bin/env bash
# CI: builds and runs a program of another build that uses zspan, as README.md ("Using zspan
# from another build") tells such a build to, from nothing (as on a fresh machine):
#
#   tools/ci/consumers.sh bazel   # examples/consumer/bazel, in an output base of its own
#   tools/ci/consumers.sh cmake   # zspan built and installed by CMake, then
#                                 # examples/consumer/cmake, which finds it (find_package)
#
# Passes when the program prints its trace as a waterfall (the console exporter) and exits
# 0. Prints one line, "consumer <name>: passed" or "consumer <name>: FAILED (why)", the
# failing step's output before it, and exits non-zero on failure. Everything it builds is in
# a temporary directory, removed at the end: nothing is written to this tree.
set -uo pipefail
cd "$(dirname "$0")/../.."
readonly root=$PWD
name=${1:-}
[[ $name == bazel || $name == cmake ]] || { echo "usage: $0 bazel|cmake" >&2; exit 2; }

work=$(mktemp -d)
bazel_output_base=$work/output_base
cleanup() {
  [ -d "$bazel_output_base" ] && (cd examples/consumer/bazel && bazel --output_base="$bazel_output_base" shutdown) >/dev/null 2>&1
  chmod -R u+w "$work" 2>/dev/null  # Bazel leaves read-only directories
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  cat "$work/log" >&2
  echo "consumer $name: FAILED ($1)"
  exit 1
}

# run <why> <command...>: runs the command, its output in $work/log; fails with <why>.
run() {
  local why=$1
  shift
  "$@" >"$work/log" 2>&1 || fail "$why"
}

# The waterfall's width, whatever the terminal's: wide enough for the names to print whole.
export COLUMNS=120

# The Debian packages of the build, cmake included (./bazelw installs what is missing).
run "./bazelw could not install the build's packages" ./bazelw --version

case $name in
  bazel)
    cd examples/consumer/bazel
    run "bazel build //:consumer failed" bazel --output_base="$bazel_output_base" build //:consumer
    run "bazel run //:consumer failed" bazel --output_base="$bazel_output_base" run //:consumer
    ;;
  cmake)
    run "cmake could not configure zspan" cmake -S . -B "$work/zspan" -DCMAKE_INSTALL_PREFIX="$work/prefix"
    run "cmake could not build zspan" cmake --build "$work/zspan" -j2
    run "cmake could not install zspan" cmake --install "$work/zspan"
    run "cmake could not configure the consumer" \
      cmake -S examples/consumer/cmake -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix"
    run "cmake could not build the consumer" cmake --build "$work/consumer" -j2
    run "the consumer failed" env OTEL_SERVICE_NAME=consumer OTEL_TRACES_EXPORTER=console "$work/consumer/consumer"
    ;;
esac

# The waterfall: the trace's header line, then the root span and its child, by "consumer".
grep -q "2 spans · 1 service" "$work/log" || fail "no waterfall of the trace in its output"
grep -q "^handle request *consumer" "$work/log" || fail "no root span in the waterfall"
grep -q "load user *consumer" "$work/log" || fail "no child span in the waterfall"
echo "consumer $name: passed"
