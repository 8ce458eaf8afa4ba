"""Fault injection for the reliability tests (tests/faults/): inert unless its env var is set.

GIGBOX_FAULT_AFTER_COMMIT makes the message writer kill its own process (os._exit(137),
like kill -9) right after a batch committed and before any sender got its ack: the case
where a client must resend with the same client_id and be answered from the database.

    GIGBOX_FAULT_AFTER_COMMIT=0.05   each committed batch: a 5 % chance to die
    GIGBOX_FAULT_AFTER_COMMIT=3      die after the 3rd committed batch
    GIGBOX_FAULT_SEED=1234           seed for the chance, mixed with the process id (a restarted
                                     process must not replay the same crash at the same batch)

Unset or empty (production, every other test): `crash_after_commit` returns at once.
"""

from __future__ import annotations

import os
import random
import sys

__all__ = ["crash_after_commit", "AFTER_COMMIT_ENV"]

AFTER_COMMIT_ENV = "GIGBOX_FAULT_AFTER_COMMIT"
EXIT_CODE = 137  # what a shell reports for a process killed by SIGKILL

_committed_batches = 0
_chance: random.Random | None = None


def crash_after_commit(stored: int) -> None:
    """Called by inbox.writer once a batch with `stored` new messages committed, before the acks."""
    global _committed_batches, _chance
    setting = os.environ.get(AFTER_COMMIT_ENV, "").strip()
    if not setting or stored <= 0:
        return
    _committed_batches += 1
    if "." in setting:
        if _chance is None:
            _chance = random.Random(f"{os.environ.get('GIGBOX_FAULT_SEED', '')}:{os.getpid()}")
        die = _chance.random() < float(setting)
    else:
        die = _committed_batches >= int(setting)
    if die:
        sys.stderr.write(
            f"gigbox fault: exiting after commit of batch {_committed_batches} "
            f"({stored} messages)\n"
        )
        sys.stderr.flush()
        os._exit(EXIT_CODE)
