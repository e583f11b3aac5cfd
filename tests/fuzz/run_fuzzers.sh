#!/usr/bin/env bash
# Builds every fuzz target with clang (--config=fuzz) and runs each on a copy of its seed
# corpus. Exits non-zero when a target crashes, leaks or trips a sanitizer; the
# reproducer is left in tests/fuzz/artifacts/.
#
#   tests/fuzz/run_fuzzers.sh [--budget TOTAL] [--merge] [SECONDS] [NAME...]
#
#   tests/fuzz/run_fuzzers.sh 20                 # each fuzzer 20 s
#   tests/fuzz/run_fuzzers.sh --budget 600 30    # each 30 s, then more rounds of 30 s for
#                                                # those still finding new coverage, all
#                                                # rounds together within 600 s
#   tests/fuzz/run_fuzzers.sh --merge 180 extract
#
# SECONDS (default 20) is one round. After the first round of every fuzzer, the fuzzer
# whose last round reached the most new code edges (libFuzzer's cov) gets another round,
# and so on while some still do and the rounds fit in TOTAL seconds (default: no more
# rounds). NAMEs pick fuzzers (default: all).
# --merge then adds the units that reach code edges the corpus does not to
# tests/fuzz/corpus/<name>/ (libFuzzer -merge=1 -use_counters=0: the seeds are kept, new
# units are the smallest inputs reaching what they add, hit counts do not count, which
# keeps the corpora small); commit them so that the next runs start from there.
#
# The clang build lives in its own Bazel output base (ZSPAN_FUZZ_OUTPUT_BASE, default
# ~/.cache/zspan-fuzz-<checkout hash>) so that it never invalidates the g++ build of the
# main one, and makes no bazel-* links (they would point the main build at that output
# base, which it would then walk as part of //...).
set -euo pipefail

seconds=20 budget=0 merge=0 fuzzers=()
all_fuzzers=(traceparent tracestate baggage uber_trace_id b3 env extract)
while (($#)); do
  case "$1" in
    --budget) budget="$2"; shift 2 ;;
    --merge) merge=1; shift ;;
    [0-9]*) seconds="$1"; shift ;;
    -*) sed -n '2,/^set -euo/{/^#/p}' "$0" >&2; exit 2 ;;
    *) fuzzers+=("$1"); shift ;;
  esac
done
((${#fuzzers[@]})) || fuzzers=("${all_fuzzers[@]}")

cd "$(dirname "$0")/../.."
output_base="${ZSPAN_FUZZ_OUTPUT_BASE:-$HOME/.cache/zspan-fuzz-$(pwd | md5sum | cut -c1-8)}"
bazel=(./bazelw --output_base="$output_base")

targets=()
for f in "${fuzzers[@]}"; do targets+=("//tests/fuzz:${f}_fuzzer"); done
"${bazel[@]}" build --config=fuzz --symlink_prefix=/ "${targets[@]}"
bin="$("${bazel[@]}" info --config=fuzz bazel-bin)/tests/fuzz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p tests/fuzz/artifacts
failed=()
declare -A new_edges spent

# One round of fuzzer $1 on its working corpus; records the code edges it newly reached.
round() {
  local f=$1 log="$work/$1.log" cov0 cov1
  "$bin/${f}_fuzzer" "$work/$f" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -max_len=20000 -print_final_stats=1 -artifact_prefix="tests/fuzz/artifacts/${f}-" \
    >"$log" 2>&1 || { tail -n 40 "$log"; failed+=("$f"); new_edges[$f]=0; return 0; }
  cov0=$(sed -n 's/.*INITED cov: \([0-9]*\).*/\1/p' "$log")
  cov1=$(sed -n 's/.*DONE *cov: \([0-9]*\).*/\1/p' "$log")
  new_edges[$f]=$((${cov1:-0} - ${cov0:-0}))
  spent[$f]=$((${spent[$f]:-0} + seconds))
  echo "== ${f}_fuzzer: ${seconds} s, $(sed -n 's/^stat::number_of_executed_units: *//p' "$log") runs," \
    "${cov1:-?} edges (${new_edges[$f]} new), corpus $(find "$work/$f" -type f | wc -l) units"
}

start=$SECONDS
for f in "${fuzzers[@]}"; do
  # libFuzzer adds what it finds to the first corpus directory: keep the seeds pristine.
  mkdir -p "$work/$f"
  cp -r "tests/fuzz/corpus/$f/." "$work/$f/" 2>/dev/null || true
  round "$f"
done
# More rounds, first for the fuzzers whose last round reached the most new edges.
while ((SECONDS - start + seconds <= budget)); do
  next=$(for f in "${fuzzers[@]}"; do echo "${new_edges[$f]} $f"; done | sort -rn | awk '$1 > 0 {print $2; exit}')
  [ -n "$next" ] || break
  round "$next"
done
for f in "${fuzzers[@]}"; do
  echo "${f}_fuzzer: ${spent[$f]:-0} s in all$( ((new_edges[$f] > 0)) && echo ", still reaching new edges")"
done

if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi

if ((merge)); then
  for f in "${fuzzers[@]}"; do
    mkdir -p "tests/fuzz/corpus/$f"
    before=$(find "tests/fuzz/corpus/$f" -type f | wc -l)
    "$bin/${f}_fuzzer" -merge=1 -use_counters=0 -max_len=20000 -rss_limit_mb=2048 -timeout=10 \
      -merge_control_file="$work/$f.merge" "tests/fuzz/corpus/$f" "$work/$f" >"$work/$f.merge.log" 2>&1 ||
      { tail -n 20 "$work/$f.merge.log"; echo "FAILED: merging $f" >&2; exit 1; }
    echo "merged ${f}: $before -> $(find "tests/fuzz/corpus/$f" -type f | wc -l) units," \
      "$(du -sk "tests/fuzz/corpus/$f" | cut -f1) KB"
  done
fi
echo "${#fuzzers[@]} fuzzers ran $((SECONDS - start)) s in all without a finding"
