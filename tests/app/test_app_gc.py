"""The program's app is spared long garbage-collection pauses (see jjj_brief.app.APP_GC_THRESHOLD)."""

from __future__ import annotations

import gc

from jjj_brief.app import APP_GC_THRESHOLD, calm_the_collector


def test_the_program_freezes_what_is_loaded_and_collects_less_often():
    before = gc.get_threshold()
    try:
        gc.unfreeze()
        calm_the_collector()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == APP_GC_THRESHOLD
        assert gc.get_threshold()[1:] == before[1:]
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
