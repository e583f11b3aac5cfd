#!/usr/bin/env bash
# Fails when README.md marks a snippet that tests/readme/BUILD does not build, or the reverse.
#   every_snippet_is_built_test.sh snippet.py README.md NAME...
exec python3 "$1" "$2" --check "${@:3}"
