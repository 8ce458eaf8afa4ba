"""config.server.warm_up: what a server process does before it listens."""

from __future__ import annotations

import gc

from config import server


def test_warm_up_freezes_what_lives_with_the_process_and_collects_the_young_less_often():
    before = gc.get_threshold()
    try:
        server.warm_up()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (server.GC_YOUNG_THRESHOLD, before[1], before[2])
    finally:  # this test process keeps the interpreter's defaults
        gc.unfreeze()
        gc.set_threshold(*before)
