#!/usr/bin/env python3
"""Checks that README.md's configuration table and the code name the same variables.

Every OTEL_* variable named in the sources (code, or the settings tables in the headers)
and every ZSPAN_* variable the code reads from the environment must be in the table of
README.md's "Configured, not coded" section, and every variable of that table must be
named in the sources. Prints what differs; exit status 1 if anything does.

    python3 tools/ci/check_readme_settings.py [REPO_ROOT]
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
sources = [p for d in ("trace", "exporters", "configure", "instrument")
           for p in (root / d).rglob("*") if p.suffix in (".hpp", ".cc")]
in_code = set()
for path in sources:
    text = path.read_text(encoding="utf-8", errors="replace")
    in_code |= {m for m in re.findall(r"\bOTEL_[A-Z0-9_]*[A-Z0-9]\b", text)}
    in_code |= set(re.findall(r'(?:env::value|getenv)\(\s*"(ZSPAN_[A-Z0-9_]+)"', text))

readme = (root / "README.md").read_text(encoding="utf-8")
section = readme.split("## Configured, not coded", 1)[1].split("\n## ", 1)[0]
table = "\n".join(line for line in section.splitlines() if line.startswith("|"))
in_readme = set(re.findall(r"`((?:OTEL|ZSPAN)_[A-Z0-9_]*[A-Z0-9])`", table))

missing = sorted(in_code - in_readme)
stale = sorted(in_readme - in_code)
for name in missing:
    print(f"README.md: {name} is read by the code but not in the configuration table")
for name in stale:
    print(f"README.md: {name} is in the configuration table but no code reads it")
print(f"check_readme_settings: {len(in_code)} variables in the code, {len(in_readme)} in the README table")
sys.exit(1 if missing or stale else 0)
