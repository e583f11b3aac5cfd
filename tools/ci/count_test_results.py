#!/usr/bin/env python3
"""Counts test cases from one `bazel test` run and prints `N passed, N failed`.

Usage: count_test_results.py TESTLOGS_DIR BAZEL_LOG BAZEL_EXIT_CODE [--quiet]

Cases come from each target's test.xml (GoogleTest writes one case per TEST; Bazel
writes one case for other tests). A target that failed to build or never ran has no
fresh test.xml: it is read from Bazel's own summary lines and counted as one failure,
as is a failed run that names no failing target (an analysis or build error).
"""
import pathlib
import re
import sys
import xml.etree.ElementTree as ET


def count_cases(testlogs: pathlib.Path, targets: set) -> tuple:
    passed = failed = 0
    for target in targets:
        xml_path = testlogs / target.lstrip("/").replace(":", "/") / "test.xml"
        try:
            root = ET.parse(xml_path).getroot()
        except (OSError, ET.ParseError):
            failed += 1
            continue
        cases = root.iter("testcase")
        seen = False
        for case in cases:
            seen = True
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
            elif case.get("status", "run") == "run" and case.get("result", "completed") != "skipped":
                passed += 1
        if not seen:
            failed += 1
    return passed, failed


def main() -> int:
    testlogs, log_path, exit_code = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
    log = log_path.read_text(errors="replace")
    ran, unbuilt = set(), set()
    for target, status in re.findall(r"^(//\S+)\s+(?:\(cached\) )?(PASSED|FAILED|TIMEOUT|FLAKY|FAILED TO BUILD|NO STATUS)", log, re.M):
        (unbuilt if status in ("FAILED TO BUILD", "NO STATUS") else ran).add(target)
    passed, failed = count_cases(testlogs, ran)
    failed += len(unbuilt)
    if exit_code != 0 and failed == 0:
        failed = 1  # the build or the analysis failed before any test could
    if "--quiet" not in sys.argv:
        print(f"{passed} passed, {failed} failed")
    else:
        print(passed, failed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
