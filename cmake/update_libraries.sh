#!/usr/bin/env bash
# Regenerates cmake/libraries.cmake (the CMake build's libraries) from the BUILD files,
# through Bazel: run it after changing a source, header, dependency or flag of a library
# the CMake package holds (cmake/BUILD lists them). //tests/cmake:libraries_test fails
# until the file is regenerated.
set -euo pipefail
cd "$(dirname "$0")/.."
./bazelw build //cmake:generated_libraries
cp --no-preserve=mode "$(./bazelw info bazel-bin 2>/dev/null)/cmake/generated_libraries.cmake" cmake/libraries.cmake
echo "cmake/libraries.cmake: regenerated"
