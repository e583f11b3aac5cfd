#!/usr/bin/env bash
# Usage: same_machine_code_test.sh REFERENCE.so CANDIDATE.so [FORBIDDEN_SYMBOL_PATTERN]
# Passes when `checksum` disassembles to the same instructions in both libraries, and
# no symbol of CANDIDATE matches the pattern (what compiled-out tracing must not link).
set -euo pipefail
reference=$1 candidate=$2 forbidden=${3:-}

body() {
  # The instructions of <checksum>, without addresses, raw bytes and alignment nops, so
  # that the same code at another address compares equal. awk reads to the end: exiting
  # early would kill objdump with SIGPIPE, which pipefail turns into a silent failure.
  objdump -d --no-show-raw-insn "$1" |
    awk '/^[0-9a-f]+ <checksum>:/{on=1; next} on && /^$/{on=0} on' |
    sed -E 's/^ *[0-9a-f]+:\s*//; s/[0-9a-f]+ <([^>+]+)(\+0x[0-9a-f]+)?>/<\1>/g; s/0x[0-9a-f]+\(%rip\)/(%rip)/g' |
    grep -Ev '^(data16 |cs )*(nop|xchg +%ax,%ax)'
}

ref_body=$(body "$reference")
cand_body=$(body "$candidate")
if [ -z "$ref_body" ]; then echo "no <checksum> in $reference"; exit 1; fi
if [ "$ref_body" != "$cand_body" ]; then
  echo "machine code differs:"
  diff <(echo "$ref_body") <(echo "$cand_body") || true
  exit 1
fi
echo "checksum: $(echo "$ref_body" | wc -l) identical instructions"

if [ -n "$forbidden" ]; then
  if nm -C "$candidate" | grep -E "$forbidden"; then
    echo "compiled-out build links tracing code (above)"
    exit 1
  fi
  echo "no symbol matches /$forbidden/"
fi
