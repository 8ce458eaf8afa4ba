"""A pytest plugin (pytest.ini's `-p harness.pytest_debug`): the tests run with DEBUG on, as
`make run` does; DEBUG is off unless set (config/settings.py). Loaded as a plugin because
pytest-django reads the settings before any conftest.py is imported."""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "1")
