"""Where team mode's connection strings come from.

``JJJ_BRIEF_DATABASE_URL`` wins over ``database_url`` in the data folder's
``settings.json``; the read replica is ``JJJ_BRIEF_DATABASE_REPLICA_URL`` or
``database_replica_url``. No primary string: team mode is off and everything is local.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jjj_brief import paths
from jjj_brief.errors import UserError

URL_ENV = "JJJ_BRIEF_DATABASE_URL"
REPLICA_ENV = "JJJ_BRIEF_DATABASE_REPLICA_URL"
URL_KEY = "database_url"
REPLICA_KEY = "database_replica_url"


@dataclass(frozen=True)
class TeamConfig:
    """The primary's connection string, the replica's (or None), and where they were set."""

    url: str
    replica_url: str | None
    source: str  # "JJJ_BRIEF_DATABASE_URL" or the settings file's path

    @property
    def shown(self) -> str:
        """The primary, password hidden (for messages)."""
        return redact(self.url)


def settings_path() -> Path:
    return paths.data_dir() / paths.SETTINGS_FILE


def _settings() -> tuple[dict[str, Any], Path]:
    return paths.saved_settings(paths.data_dir()), settings_path()


def _string(value: object, name: str, where: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise UserError(f"{where}: {name} must be a connection string like postgresql://user@host/db")
    return value.strip() or None


def team_config() -> TeamConfig | None:
    """The configured team database, or None (local mode). Raises :class:`UserError` for
    a setting of the wrong type."""
    env_url = os.environ.get(URL_ENV, "").strip()
    env_replica = os.environ.get(REPLICA_ENV, "").strip() or None
    settings, path = _settings()
    if env_url:
        replica = env_replica or _string(settings.get(REPLICA_KEY), REPLICA_KEY, str(path))
        return TeamConfig(env_url, replica, URL_ENV)
    url = _string(settings.get(URL_KEY), URL_KEY, str(path))
    if url is None:
        return None
    replica = env_replica or _string(settings.get(REPLICA_KEY), REPLICA_KEY, str(path))
    return TeamConfig(url, replica, str(path))


def is_team_mode() -> bool:
    """Whether a team database is configured (never raises: a bad setting reads as local)."""
    try:
        return team_config() is not None
    except UserError:
        return False


_PASSWORD_IN_URL = re.compile(r"(://[^:/@?#]*:)[^@/?#]*@")
_PASSWORD_PARAM = re.compile(r"(?i)(password=)([^&\s]*)")


def redact(url: str) -> str:
    """A connection string with its password replaced by ``***``."""
    return _PASSWORD_PARAM.sub(r"\1***", _PASSWORD_IN_URL.sub(r"\1***@", url))
