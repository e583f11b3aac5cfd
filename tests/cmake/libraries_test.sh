#!/usr/bin/env bash
# Usage: libraries_test.sh GENERATED CHECKED_IN. Passes when cmake/libraries.cmake
# (CHECKED_IN) is what //cmake:libraries generates from the BUILD files (GENERATED), so the
# CMake build compiles the same sources as Bazel; otherwise prints the difference.
set -uo pipefail
if diff -u "$2" "$1"; then
  echo "cmake/libraries.cmake matches the BUILD files"
else
  echo "cmake/libraries.cmake differs from the BUILD files (above: - checked in, + BUILD files);" \
       "run cmake/update_libraries.sh" >&2
  exit 1
fi
