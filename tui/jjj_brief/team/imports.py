"""``jjj-brief import`` in team mode: imports are stored on the team server for everyone.

The file is read and stored locally exactly as without a server (the file of record keeps
its original, hash and pages); then every article of the batch goes to the server in one
transaction, so a batch is on the server whole or not at all. ``--remove ID`` removes an
import from the server (anyone's, as far as the server's roles allow) and locally if it
is there. Without a team database both functions change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jjj_brief.errors import UserError
from jjj_brief.team.config import is_team_mode

if TYPE_CHECKING:
    from jjj_brief.library import Library
    from jjj_brief.paths import StorageWarnings
    from jjj_brief.team.connection import Team

SHARED_STATUSES = ("imported", "unchanged")


def remove(refs: list[str], library: Library) -> list[Any]:
    """Remove imports: locally, and from the team server in team mode (``library``'s pools)."""
    from jjj_brief import imports

    if not is_team_mode():
        return [imports.remove(ref) for ref in refs]
    from jjj_brief.team.corpus import unshare_article

    outcomes = []
    for ref in refs:
        article_id = ref.strip().lower()
        on_server = unshare_article(article_id, library.team())
        try:
            outcome = imports.remove(ref)
        except UserError:
            if not on_server:
                raise UserError(f"no import with id {ref!r} on the team server or here") from None
            outcome = imports.ImportOutcome(ref, "removed", article_id)
        outcome.message = "removed from the team server" if on_server else outcome.message
        outcomes.append(outcome)
    return outcomes


def share(outcomes: list[Any], library: Library) -> list[Any]:
    """In team mode, store the batch's imported (and unchanged) articles on the server
    (linked to ``library``'s briefings, figures checked against its corpus)."""
    if not is_team_mode():
        return outcomes
    from jjj_brief import imports
    from jjj_brief.team.corpus import share_articles

    wanted = [o for o in outcomes if o.status in SHARED_STATUSES and o.id]
    articles = [imports.load_import(imports.imports_dir() / f"{o.id}.txt") for o in wanted]
    try:
        share_articles(articles, library)
    except UserError as exc:
        raise UserError(f"stored here but not on the team server (nothing of this batch was): {exc}") from None
    for outcome in wanted:
        outcome.details = {**(outcome.details or {}), "team": "shared"}
    return outcomes


def colleagues_imports(local: list[Any], team: Callable[[], Team], warnings: StorageWarnings) -> list[Any]:
    """In team mode, the server's imports that are not in this machine's imports folder
    (a colleague's), as articles whose text is fetched when first read (``team()``: the
    library's pools). Outside team mode, or when the server cannot be reached (noted once
    in ``warnings``, the library's), none."""
    if not is_team_mode():
        return []
    from pathlib import Path

    from jjj_brief.corpus import LazyArticle
    from jjj_brief.team.corpus import record_fields

    known = {article.id for article in local}
    try:
        with team().read() as conn:
            rows = conn.execute(
                "SELECT id, file, title, outlet, date, record FROM articles WHERE source = 'import' "
                "ORDER BY imported_at, id"
            ).fetchall()
    except Exception as exc:
        reason = " ".join(str(exc).split())
        if isinstance(exc, UserError) and "is unreachable" not in reason:
            raise  # a wrong password, user or database: the one line the command ends with
        # the server is down: the corpus still opens with the local articles, and says why
        warnings.add(f"the team server's imports are not shown ({reason[:200]})")
        return []
    out = []
    for article_id, file, title, outlet, date, record in rows:
        if article_id in known:
            continue
        out.append(
            LazyArticle(
                id=article_id,
                file=file,
                path=Path("team") / file,
                title=title,
                outlet=outlet,
                date=date,
                source="import",
                text_loader=_text_loader(article_id, team),
                **record_fields(record),
            )
        )
    return out


def _text_loader(article_id: str, team: Callable[[], Team]) -> Callable[[], str]:
    def load() -> str:
        with team().read() as conn:
            row = conn.execute("SELECT text FROM articles WHERE id = %s", (article_id,)).fetchone()
        if row is None:
            raise UserError(f"article {article_id!r} was removed from the team server")
        text: str = row[0]
        return text

    return load
