#!/usr/bin/env bash
# Instructions per span, counted by callgrind on the calling thread. Deterministic.
#
#   bench/callgrind_spans.sh [DRIVER] [--json]
#
# For each case the driver runs N and then 2N spans in a loop that callgrind measures
# alone (--toggle-collect); (Ir(2N) - Ir(N)) / N is the cost of one iteration, and the
# empty loop's cost per iteration is subtracted. Prints "case instructions" lines, or
# one JSON object with --json.
set -euo pipefail

driver="${1:-}"
json=0
[[ "${2:-}" == "--json" || "${1:-}" == "--json" ]] && json=1
if [[ -z "$driver" || "$driver" == "--json" ]]; then
  for candidate in bench/callgrind_driver bazel-bin/bench/callgrind_driver; do
    [[ -x "$candidate" ]] && driver="$candidate" && break
  done
fi
[[ -x "$driver" ]] || { echo "callgrind_spans.sh: build //bench:callgrind_driver first" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "callgrind_spans.sh: valgrind not installed" >&2; exit 1; }

readonly N=2000  # 2N spans of 96 bytes stay under half of the default 1 MiB buffer
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Instructions executed inside zspan_bench_loop_* for one run.
count() {
  local out="$tmp/cg.$1.$2"
  local log
  log="$(valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
    --toggle-collect='zspan_bench_loop_*' "$driver" "$1" "$2" 2>/dev/null)"
  if ! grep -q '^dropped 0$' <<<"$log"; then
    echo "callgrind_spans.sh: spans were dropped in case $1: counts would be low" >&2
    echo "$1" >>"$tmp/dropped"
  fi
  awk '/^(summary|totals):/ { print $2; exit }' "$out"
}

per_iteration() {
  local a b
  a="$(count "$1" "$N")"
  b="$(count "$1" "$((2 * N))")"
  awk -v a="$a" -v b="$b" -v n="$N" 'BEGIN { printf "%.1f", (b - a) / n }'
}

base="$(per_iteration baseline)"
results=()
for c in sampled sampled_runtime_string sampled_runtime_name nested sampled_out sampled_out_root sampled_out_ratio_root sampled_bare nested_bare; do
  v="$(per_iteration "$c")"
  results+=("$c $(awk -v v="$v" -v b="$base" 'BEGIN { printf "%.1f", v - b }')")
done

bytes="$("$driver" bytes)"

if ((json)); then
  printf '{"loop_overhead": %s, "bytes_per_span": %s, "cases_with_drops": %s' "$base" "$bytes" \
    "$(sort -u "$tmp/dropped" 2>/dev/null | wc -l)"
  for r in "${results[@]}"; do set -- $r; printf ', "%s": %s' "$1" "$2"; done
  printf '}\n'
else
  echo "loop_overhead $base"
  echo "bytes_per_span $bytes"
  echo "cases_with_drops $(sort -u "$tmp/dropped" 2>/dev/null | wc -l)"
  printf '%s\n' "${results[@]}"
fi
