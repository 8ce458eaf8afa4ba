"""Issue 18 follow-up (t18w), item 6: under `make run PORT=8872` every email linked to
http://127.0.0.1:8000/. The demo's SITE_URL now follows the address it serves; production
reads its own setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def stub_venv(tmp_path: Path) -> Path:
    """A venv whose python records the SITE_URL each command of `make run` gets, and runs
    nothing: the recipe runs as written, without a server."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\necho "$SITE_URL" >> {tmp_path / "seen"}\n')
    python.chmod(0o755)
    (tmp_path / "venv" / ".installed").touch()  # newer than requirements.txt: no pip
    return tmp_path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "http://127.0.0.1:8000"),
        (["PORT=8872"], "http://127.0.0.1:8872"),
        (["HOST=localhost", "PORT=8901"], "http://localhost:8901"),
        (["HOST=0.0.0.0", "PORT=8902"], "http://127.0.0.1:8902"),
    ],
)
def test_make_run_links_to_the_address_it_serves(stub_venv: Path, args, expected):
    env = {**os.environ, "SITE_URL": "http://127.0.0.1:8000"}  # a shell's leftover
    venv = stub_venv / "venv"
    subprocess.run(
        ["make", "-s", "run", f"VENV={venv}", f"BIN={venv}/bin", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    seen = (stub_venv / "seen").read_text().split()
    assert seen == [expected] * 3  # migrate, seed and the server


def test_production_reads_its_setting():
    code = "from django.conf import settings; print(settings.SITE_URL)"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SITE_URL": "https://gigbox.example/",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == "https://gigbox.example"
