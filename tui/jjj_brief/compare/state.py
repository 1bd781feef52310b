"""Compare's view of a :class:`~jjj_brief.library.Library`: the corpus, briefings, glossary and
figure index it works on. No state here: each function reads the ``library`` it is given."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jjj_brief.briefings import Briefings
from jjj_brief.compare.align import FigureIndex
from jjj_brief.compare.subject import Glossary
from jjj_brief.corpus import Article, Corpus

if TYPE_CHECKING:
    from jjj_brief.figures import Figure
    from jjj_brief.library import Library


def corpus(library: Library) -> Corpus:
    return library.corpus()


def briefings(library: Library) -> Briefings:
    """The briefings, reloaded when a YAML file changes."""
    return library.briefings()


def glossary(library: Library) -> Glossary:
    """The glossary's aliases and places, as the aligner uses them."""
    return library.glossary()


def corpus_fingerprint(corpus: Corpus) -> tuple[tuple[str, int, int], ...]:
    return tuple((a.id, len(a.text), hash(a.text)) for a in corpus)


def figures_of(article: Article, library: Library) -> list[Figure]:
    """An article's figures, suspect flags computed over the library's corpus."""
    return library.figures(article)


def figure_index(library: Library) -> FigureIndex:
    """The index for the library's corpus and glossary: built once per corpus generation (a
    new :class:`Corpus` object: an import or removal reloads it) and glossary, then reused
    — every ``]`` in the app and every related() call shares it, whatever the corpus size."""
    return library.figure_index()
