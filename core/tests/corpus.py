"""Where the labelled contact corpus lives, for the corpus tests and bench/contact.py.

The corpus is shared data, not part of the repository. In order:
``$GIGBOX_CONTACT_CORPUS`` if set (and then only it), ``<repo>/../shared/corpus/
contact_dev.jsonl`` (CI clones the repository next to ``shared/``), then the
development machine's ``/work/shared/corpus/contact_dev.jsonl``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_VAR = "GIGBOX_CONTACT_CORPUS"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_MACHINE_CORPUS = Path("/work/shared/corpus/contact_dev.jsonl")


def corpus_candidates(
    environ: Mapping[str, str] = os.environ, repo_root: Path = REPO_ROOT
) -> list[Path]:
    """The paths tried, in order."""
    if environ.get(ENV_VAR):
        return [Path(environ[ENV_VAR])]
    return [repo_root.parent / "shared" / "corpus" / "contact_dev.jsonl", DEV_MACHINE_CORPUS]


def find_contact_corpus(
    environ: Mapping[str, str] = os.environ, repo_root: Path = REPO_ROOT
) -> Path | None:
    return next((p for p in corpus_candidates(environ, repo_root) if p.is_file()), None)


def running_in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """CI services set CI=true (GitHub, GitLab) or CI=1."""
    return environ.get("CI", "").strip().lower() in ("true", "1", "yes")
