"""Team mode: one shared corpus and search on a PostgreSQL server.

Without a connection string (``JJJ_BRIEF_DATABASE_URL``, or ``database_url`` in the
data folder's ``settings.json``) nothing here is used and jjj-brief stays local. With
one, ``jjj-brief team init`` creates the schema (numbered migrations, :mod:`.migrations`)
and loads the shipped corpus; imports and searches then go to the server.

No module of this package imports Textual; psycopg is imported only when team mode is
configured (the config check reads one small file).
"""

from __future__ import annotations

from jjj_brief.team.config import TeamConfig, is_team_mode, team_config

__all__ = ["TeamConfig", "is_team_mode", "team_config"]
