"""Helpers shared by the tests that need outside services (faults, processes, browser, two
servers)."""

from __future__ import annotations

import os

import pytest


def require(condition: bool, reason: str) -> None:
    """Skip the test when `condition` (a service it needs) does not hold; in CI (CI=true),
    where every service is installed, fail instead, so a missing one is never silent."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " (required in CI)", pytrace=False)
    pytest.skip(reason)
