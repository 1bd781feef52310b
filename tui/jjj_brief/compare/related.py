"""``related()``: the figures in other articles that likely report the same quantity."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jjj_brief.compare.align import NOT_ALIGNED_KINDS, Entry, PairScore
from jjj_brief.errors import UserError

if TYPE_CHECKING:
    from jjj_brief.corpus import Article
    from jjj_brief.library import Library


@dataclass
class Candidate:
    article: str
    file: str
    start: int
    end: int
    text: str
    value: float | None
    unit: str | None
    score: float
    same_fact: bool
    reason: str
    qualifier: str | None = None
    as_of: str | None = None
    outlet: str = ""
    date: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "file": self.file,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
            "unit": self.unit,
            "score": self.score,
            "same_fact": self.same_fact,
            "reason": self.reason,
        }


@dataclass
class Related:
    article: str
    offset: int
    figure: Any  # jjj_brief.figures.Figure
    candidates: list[Candidate] = field(default_factory=list)
    note: str | None = None

    @property
    def related(self) -> list[Candidate]:
        """The candidates (the name the JSON uses)."""
        return self.candidates

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self.candidates)

    def __len__(self) -> int:
        return len(self.candidates)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "article": self.article,
            "offset": self.offset,
            "figure": self.figure.to_dict(),
            "related": [c.to_dict() for c in self.candidates],
        }
        if self.note:
            out["note"] = self.note
        return out


def _candidate(entry: Entry, score: PairScore) -> Candidate:
    figure = entry.figure
    return Candidate(
        article=entry.article.id,
        file=entry.article.file,
        start=figure.start,
        end=figure.end,
        text=figure.text,
        value=figure.value,
        unit=figure.unit,
        score=score.score,
        same_fact=score.same_fact,
        reason=score.reason,
        qualifier=figure.qualifier,
        as_of=figure.as_of,
        outlet=entry.article.outlet,
        date=entry.article.date,
    )


def related(article_ref: str, offset: int, limit: int = 10, *, library: Library) -> Related:
    """Figures in other articles that likely report the same quantity as the figure at ``offset``.

    ``offset`` may be anywhere inside the figure's span. Raises :class:`UserError` for an
    unknown article, an offset outside the text or no figure there. Same-fact candidates
    come first, then related ones, each group best first.
    """
    from jjj_brief.figures import figure_at

    article = library.corpus().get(article_ref)
    if not 0 <= offset < len(article.text):
        raise UserError(f"offset {offset} is outside {article.id} (0..{len(article.text) - 1})")
    figure = figure_at(library.figures(article), offset)
    if figure is None:
        raise UserError(f"no figure at offset {offset} in {article.id} (see jjj-brief figures {article.id})")
    result = Related(article.id, offset, figure)
    if figure.kind in NOT_ALIGNED_KINDS or figure.value is None:
        result.note = f"{figure.kind} figures are not aligned (only quantities are)"
        return result
    index = library.figure_index()
    entry = index.entry_for(article.id, figure)
    if entry is None:  # pragma: no cover - every quantity in a paragraph is indexed
        result.note = "this figure is outside every paragraph"
        return result
    result.candidates = [_candidate(other, score) for other, score in index.rank(entry, max(0, limit))]
    _put_counterpart_first(result, article, library)
    return result


def _put_counterpart_first(result: Related, article: Article, library: Library) -> None:
    """An original beside its translation: the figure on the other side comes first."""
    from jjj_brief.figures.translation import counterpart

    found = counterpart(article, result.figure.start, library.corpus(), library.pairings)
    if found is None:
        return
    other, figure, link = found
    side = "the original" if figure is link.original else "the translation"
    reason = f"{side} of this text prints it here" + (
        f" ({link.relation}: a lost or moved decimal point?)" if link.suspect else ""
    )
    first = Candidate(
        other.id,
        other.file,
        figure.start,
        figure.end,
        figure.text,
        figure.value,
        figure.unit,
        1.0,
        True,
        reason,
        figure.qualifier,
        figure.as_of,
        other.outlet,
        other.date,
    )
    rest = [c for c in result.candidates if (c.article, c.start) != (other.id, figure.start)]
    result.candidates = [first, *rest]
