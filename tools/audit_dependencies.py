"""Audit the pinned runtime dependencies for known vulnerabilities (pip-audit, PyPI data).

    .venv/bin/python tools/audit_dependencies.py [--require-advisories]

Exit 1 when a pinned package has a known vulnerability. When the advisory data cannot be
reached (this build machine reaches the package index but not PyPI's JSON API), every
package is reported as unaudited in a loud banner; that fails the run only with
--require-advisories, because a CI that can never pass lands nothing (docs/reliability.md).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMMAND = [
    "-m",
    "pip_audit",
    "-r",
    "requirements.txt",
    "--no-deps",
    "--disable-pip",
    "--progress-spinner",
    "off",
    "-f",
    "json",
]


@dataclass(frozen=True)
class AuditResult:
    vulnerable: list[str]  # "name version: ids"
    unaudited: list[str]  # "name: why"
    audited: int


def read_report(report: dict) -> AuditResult:
    vulnerable, unaudited, audited = [], [], 0
    for dependency in report.get("dependencies", []):
        name = dependency.get("name", "?")
        if "skip_reason" in dependency:
            unaudited.append(f"{name}: {dependency['skip_reason']}")
            continue
        audited += 1
        ids = [vuln.get("id", "?") for vuln in dependency.get("vulns", [])]
        if ids:
            vulnerable.append(f"{name} {dependency.get('version', '?')}: {', '.join(ids)}")
    return AuditResult(vulnerable, unaudited, audited)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--require-advisories",
        action="store_true",
        help="fail when any package could not be audited",
    )
    args = parser.parse_args(argv)
    run = subprocess.run(
        [sys.executable, *COMMAND], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    try:
        result = read_report(json.loads(run.stdout))
    except json.JSONDecodeError:
        print(
            f"pip-audit did not produce a report (exit {run.returncode}):\n{run.stderr[-2000:]}",
            file=sys.stderr,
        )
        return 1
    for line in result.vulnerable:
        print(f"VULNERABLE  {line}")
    if result.unaudited:
        print("=" * 78, file=sys.stderr)
        print(
            f"DEPENDENCY AUDIT INCOMPLETE: {len(result.unaudited)} package(s) could not be audited",
            file=sys.stderr,
        )
        for line in result.unaudited:
            print(f"  {line}", file=sys.stderr)
        print("=" * 78, file=sys.stderr)
    print(
        f"audited {result.audited}, unaudited {len(result.unaudited)}, "
        f"vulnerable {len(result.vulnerable)}"
    )
    if result.vulnerable or (args.require_advisories and result.unaudited):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
