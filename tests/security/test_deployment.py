"""S18/S19: the CI runs a dependency audit that fails on a known vulnerability and says so
loudly when it could not audit (`manage.py check --deploy` is config/tests/test_settings.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools.audit_dependencies import read_report

REPO = Path(__file__).resolve().parents[2]


def test_ci_runs_the_dependency_audit():
    assert ".venv/bin/python tools/audit_dependencies.py" in (REPO / ".ci" / "run").read_text()


def test_a_known_vulnerability_is_reported():
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "4.2.0",
                "vulns": [{"id": "PYSEC-2023-1", "fix_versions": ["4.2.1"]}],
            },
            {"name": "redis", "version": "8.1.0", "vulns": []},
        ]
    }
    result = read_report(report)
    assert result.vulnerable == ["django 4.2.0: PYSEC-2023-1"]
    assert result.audited == 2 and result.unaudited == []


def test_a_package_that_could_not_be_audited_is_listed_not_ignored():
    report = {"dependencies": [{"name": "daphne", "skip_reason": "Dependency not found on PyPI"}]}
    result = read_report(report)
    assert result.unaudited == ["daphne: Dependency not found on PyPI"] and result.audited == 0


def test_the_audit_runs_and_prints_its_counts():
    run = subprocess.run(
        [sys.executable, "tools/audit_dependencies.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    counts = [line for line in run.stdout.splitlines() if line.startswith("audited ")]
    assert counts, run.stdout + run.stderr
    vulnerable = int(counts[-1].rsplit(" ", 1)[1])
    assert run.returncode == (1 if vulnerable else 0), run.stdout + run.stderr
    if "unaudited 0" not in counts[-1]:
        assert "DEPENDENCY AUDIT INCOMPLETE" in run.stderr
