#!/usr/bin/env bash
# Regenerates the assembly listings of bench/HOT_PATH.md: builds bench/asm_probe.cc at
# -O2 (as `bazel build -c opt` does), disassembles each probe function and the zspan
# functions it calls (one level: the span guard's constructor and destructor when the
# compiler did not inline them), and counts their instructions (all paths).
#   bench/show_asm.sh [PROBE...]      (from anywhere; needs g++ and objdump)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Headers are included as zspan/<path>, as Bazel's include_prefix lays them out.
mkdir "$tmp/include" && ln -s "$PWD" "$tmp/include/zspan"
${CXX:-g++} -std=c++20 -O2 -DNDEBUG -iquote . -I "$tmp/include" -pthread bench/asm_probe.cc trace/*.cc \
  trace/export/*.cc trace/internal/*.cc -lfmt -o "$tmp/probe"
objdump -d --no-show-raw-insn -C "$tmp/probe" >"$tmp/all.s"

# Prints the body of the function whose demangled name is exactly $1.
body() {
  awk -v name="$1" '
    /^[0-9a-f]+ <.*>:$/ { p = (substr($0, index($0, "<") + 1) == name ">:"); next }
    p && /^$/ { exit }
    p && /^ +[0-9a-f]+:\t/ { sub(/^ +/, ""); sub(/\t/, "  "); sub(/ +#.*$/, ""); print }' "$tmp/all.s"
}

probes=("$@")
((${#probes[@]})) || probes=(zspan_probe_sampled zspan_probe_child zspan_probe_sampled_out zspan_probe_sampled_2tags)
for p in "${probes[@]}"; do
  listing="$(body "$p")"
  echo "== $p: $(grep -c . <<<"$listing") instructions"
  echo "$listing"
  echo
  # zspan functions it calls that are not the marked slow paths.
  sed -nE 's/.*call +[0-9a-f]+ <(.*zspan::.*)>$/\1/p' <<<"$listing" | sort -u | while read -r callee; do
    case "$callee" in *slow*|*seed*|*unlink*|*init_under_shared*|*steady*|*release_held*|*default_tracer*) continue ;; esac
    sub="$(body "$callee")"
    echo "   -> $callee: $(grep -c . <<<"$sub") instructions"
    sed 's/^/      /' <<<"$sub"
    echo
  done
done
