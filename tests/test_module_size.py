"""No module of app code passes 500 lines (one concern per module: docs/architecture.md).

A module that grows past the limit is split by concern (as moderation/admin/,
core/contact/phone_shapes.py, context_words.py and handle_copula.py were), never exempted
here. Tests and migrations are not app code.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_PACKAGES = ("core", "marketplace", "inbox", "moderation", "deals", "disputes", "config")
MAX_LINES = 500


def app_modules(root: Path = ROOT) -> list[Path]:
    """Every .py file of the app packages, outside tests/ and migrations/ directories."""
    modules = []
    for package in APP_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).parts
            if "tests" in parts or "migrations" in parts:
                continue
            modules.append(path)
    return modules


def oversized(modules: list[Path], root: Path = ROOT) -> list[tuple[str, int]]:
    """(path relative to `root`, line count) of each module longer than MAX_LINES lines."""
    found = []
    for path in modules:
        with path.open(encoding="utf-8") as source:
            count = sum(1 for _ in source)
        if count > MAX_LINES:
            found.append((str(path.relative_to(root)), count))
    return found


def test_no_app_module_is_over_500_lines():
    modules = app_modules()
    assert len(modules) > 50, "the app packages were not found"
    too_long = oversized(modules)
    listing = "\n".join(f"  {path}: {count} lines" for path, count in too_long)
    assert not too_long, f"split these modules by concern (limit {MAX_LINES} lines):\n{listing}"


def test_the_check_catches_a_long_module(tmp_path):
    # The check itself can fail: a 501-line module under an app package is reported, one in
    # tests/ or migrations/ is not.
    long_module = tmp_path / "inbox" / "long.py"
    long_module.parent.mkdir()
    long_module.write_text("x = 1\n" * (MAX_LINES + 1))
    for skipped in ("inbox/tests/test_long.py", "inbox/migrations/0001_long.py"):
        path = tmp_path / skipped
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" * (MAX_LINES + 1))
    modules = app_modules(tmp_path)
    assert modules == [long_module]
    assert oversized(modules, root=tmp_path) == [("inbox/long.py", MAX_LINES + 1)]
