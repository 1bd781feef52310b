"""Migrations 50-99: the analysts' shared work (SQL in :mod:`jjj_brief.team.roles`)."""

from __future__ import annotations

from jjj_brief.team.migrations import Migration
from jjj_brief.team.roles import FIRST, LAST, SCRIPTS

MIGRATIONS = [Migration(version, name, script) for version, (name, script) in sorted(SCRIPTS.items())]
assert all(FIRST <= m.version <= LAST for m in MIGRATIONS)
