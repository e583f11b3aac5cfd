#!/usr/bin/env python3
"""The README's code blocks that must compile: each ```cpp block right after a line
`<!-- snippet: NAME -->` is a whole translation unit named NAME.

    snippet.py README.md NAME OUT.cc     writes snippet NAME to OUT.cc
    snippet.py README.md --check A B ... exit 1 unless the README's snippets are exactly A B ...

tests/readme/BUILD builds and runs each one, so a README example that stops compiling,
or a new one that no test builds, fails `bazel test //...`.
"""
import re
import sys

MARKER = re.compile(r"<!-- snippet: ([a-z0-9_]+) -->\n```cpp\n(.*?)```", re.S)


def snippets(readme_path):
    with open(readme_path, encoding="utf-8") as f:
        found = MARKER.findall(f.read())
    names = [name for name, _ in found]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        sys.exit(f"{readme_path}: snippet names used twice: {', '.join(duplicates)}")
    return dict(found)


def main(argv):
    readme = argv[1]
    if argv[2] == "--check":
        have, want = set(snippets(readme)), set(argv[3:])
        for name in sorted(have - want):
            print(f"README snippet '{name}' is not built by tests/readme/BUILD (add it to SNIPPETS)")
        for name in sorted(want - have):
            print(f"tests/readme/BUILD builds snippet '{name}', which the README no longer has")
        return 1 if have != want else 0
    name, out = argv[2], argv[3]
    code = snippets(readme).get(name)
    if code is None:
        sys.exit(f"{readme}: no snippet '{name}'")
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"// Generated from README.md's snippet '{name}' by tests/readme/snippet.py.\n")
        f.write(code)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
