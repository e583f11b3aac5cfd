#!/usr/bin/env bash
# The demo as a new user runs it: the waterfall shows both services' spans in one trace,
# and the Chrome trace file it writes is valid JSON with one complete event per span.
set -euo pipefail
demo=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$demo" --details --chrome="$out/trace.json" > "$out/stdout.txt"
grep -q "GET /users/42 *frontend" "$out/stdout.txt"
grep -q "GET /users/{id} *backend" "$out/stdout.txt"
grep -q "exporter console: 11 spans exported, 0 dropped" "$out/stdout.txt"
python3 - "$out/trace.json" <<'PY'
import json, sys
events = json.load(open(sys.argv[1]))
spans = [e for e in events if e.get("ph") == "X"]
assert len(spans) == 11, len(spans)
assert {e["cat"] for e in spans} == {"frontend", "backend"}
PY
echo "demo: waterfall and Chrome trace as expected"
