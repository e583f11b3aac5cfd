#!/usr/bin/env bash
# Builds every fuzz target with clang (--config=fuzz) and runs each for SECONDS
# (default 20) on a copy of its seed corpus. Exits non-zero when a target crashes, leaks
# or trips a sanitizer; the reproducer is left in tests/fuzz/artifacts/.
#
#   tests/fuzz/run_fuzzers.sh 20
#
# The clang build lives in its own Bazel output base (ZSPAN_FUZZ_OUTPUT_BASE, default
# ~/.cache/zspan-fuzz-<checkout hash>) so that it never invalidates the g++ build of the main one.
set -euo pipefail

seconds="${1:-20}"
cd "$(dirname "$0")/../.."
output_base="${ZSPAN_FUZZ_OUTPUT_BASE:-$HOME/.cache/zspan-fuzz-$(pwd | md5sum | cut -c1-8)}"
fuzzers=(traceparent tracestate baggage uber_trace_id b3 env extract)

targets=()
for f in "${fuzzers[@]}"; do targets+=("//tests/fuzz:${f}_fuzzer"); done
bazel --output_base="$output_base" build --config=fuzz "${targets[@]}"
bin="$(bazel --output_base="$output_base" info --config=fuzz bazel-bin)/tests/fuzz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p tests/fuzz/artifacts
failed=()
for f in "${fuzzers[@]}"; do
  # libFuzzer adds what it finds to the first corpus directory: keep the seeds pristine.
  mkdir -p "$work/$f"
  cp -r "tests/fuzz/corpus/$f/." "$work/$f/" 2>/dev/null || true
  echo "== ${f}_fuzzer: ${seconds} s"
  if ! "$bin/${f}_fuzzer" "$work/$f" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -max_len=20000 -print_final_stats=1 -artifact_prefix="tests/fuzz/artifacts/${f}-" 2>"$work/$f.log"; then
    tail -n 40 "$work/$f.log"
    failed+=("$f")
  else
    grep -E "^(stat::number_of_executed_units|stat::new_units_added)" "$work/$f.log" || true
  fi
done

if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "all ${#fuzzers[@]} fuzzers ran ${seconds} s each without a finding"
