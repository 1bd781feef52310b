"""The team database as a search "generation" for :mod:`jjj_brief.search.api`: settings,
counts and vocabulary of the server's passages (cached until the corpus changes), and the
store interface the API's Engine calls. The searcher itself is :mod:`jjj_brief.team.search`.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any, overload

from jjj_brief.search.index import IndexUnavailable

NAME = "postgres"


def query_rows(team: Any, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of a read on the team database; failures as :class:`IndexUnavailable` (one line)."""
    import psycopg

    try:
        with team.read() as conn:
            rows: list[tuple[Any, ...]] = conn.execute(sql, params).fetchall()
            return rows
    except psycopg.Error as exc:
        raise IndexUnavailable(f"team search failed: {' '.join(str(exc).split())[:200]}") from None
    except IndexUnavailable:
        raise
    except Exception as exc:
        if exc.__class__.__name__ == "TeamUnavailable":
            raise IndexUnavailable(str(exc)) from None
        raise


# ---------------------------------------------------------------- the index and its "generation"


class PgIndex:
    """The team database's search side: settings, counts, vocabulary (cached until the
    corpus changes: ``corpus_version`` in ``team_settings``)."""

    def __init__(self, team: Any) -> None:
        self.team = team
        self._lock = threading.Lock()
        self._version: str | None = None
        self._vocab: Counter[str] | None = None
        self._settings: dict[str, str] | None = None

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return query_rows(self.team, sql, params)

    def settings(self) -> dict[str, str]:
        if self._settings is None:
            self._settings = dict(self._query("SELECT key, value FROM team_settings"))
        return self._settings

    def champion_settings(self) -> tuple[int, int]:
        """(min_docs, size) of the champion lists (:mod:`jjj_brief.team.champions`)."""
        from jjj_brief.team.champions import MIN_DOCS, SIZE

        settings = self.settings()
        return int(settings.get("champion_min_docs", MIN_DOCS)), int(settings.get("champion_size", SIZE))

    @property
    def rum(self) -> bool:
        return self.settings().get("search_index") == "rum"

    def check_version(self) -> None:
        """Forget cached vocabulary and settings when an import changed the corpus."""
        rows = self._query("SELECT value FROM team_settings WHERE key = 'corpus_version'")
        version = rows[0][0] if rows else ""
        with self._lock:
            if version != self._version:
                self._version, self._vocab, self._settings = version, None, None

    @property
    def aliases(self) -> list[list[str]]:
        raw = self.settings().get("aliases")
        return json.loads(raw) if raw else []

    @property
    def vocab(self) -> Counter[str]:
        with self._lock:
            if self._vocab is None:
                self._vocab = Counter(dict(self._query("SELECT word, docs FROM search_vocab")))
            return self._vocab

    def doc_count(self) -> int:
        rows = self._query("SELECT reltuples::bigint FROM pg_class WHERE relname = 'passages'")
        estimate = int(rows[0][0]) if rows else -1
        if estimate < 0:  # never analyzed
            return int(self._query("SELECT count(*) FROM passages")[0][0])
        return estimate

    def passage_count(self) -> int:
        return int(self._query("SELECT count(*) FROM passages WHERE kind = 'passage'")[0][0])

    def resolve_article(self, ref: str) -> str | None:
        key = ref.strip().casefold()
        rows = self._query(
            "SELECT id FROM articles WHERE lower(id) = %s OR lower(file) = %s "
            "OR lower(regexp_replace(file, '\\.[^./]+$', '')) = %s ORDER BY id LIMIT 1",
            [key, key, key],
        )
        return rows[0][0] if rows else None


class TeamVocabulary(Sequence[str]):
    """The server's folded words, sorted, for prefix expansion (read when a query needs it)."""

    def __init__(self, index: PgIndex) -> None:
        self._source = index
        self._words: list[str] | None = None
        self._for: Counter[str] | None = None

    def _load(self) -> list[str]:
        vocab = self._source.vocab
        if self._words is None or self._for is not vocab:
            self._words, self._for = sorted(vocab), vocab
        return self._words

    def __len__(self) -> int:
        return len(self._load())

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self._load()[index]
