"""Compare's view of a :class:`~jjj_brief.library.Library`: the corpus, briefings, glossary and
figure index it works on. No state here: each function reads ``library`` (or the process
default library, :mod:`jjj_brief.commands.libraries`, when none is given)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jjj_brief.briefings import Briefings
from jjj_brief.compare.align import FigureIndex
from jjj_brief.compare.subject import Glossary
from jjj_brief.corpus import Article, Corpus

if TYPE_CHECKING:
    from jjj_brief.figures import Figure
    from jjj_brief.library import Library


def library_of(library: Library | None) -> Library:
    """``library``, or the process default."""
    from jjj_brief.commands.libraries import resolve  # the default lives above the core

    return resolve(library)


def corpus(library: Library | None = None) -> Corpus:
    return library_of(library).corpus()


def briefings(library: Library | None = None) -> Briefings:
    """The briefings, reloaded when a YAML file changes."""
    return library_of(library).briefings()


def glossary(library: Library | None = None) -> Glossary:
    """The glossary's aliases and places, as the aligner uses them."""
    return library_of(library).glossary()


def corpus_fingerprint(corpus: Corpus) -> tuple[tuple[str, int, int], ...]:
    return tuple((a.id, len(a.text), hash(a.text)) for a in corpus)


def figures_of(article: Article, library: Library | None = None) -> list[Figure]:
    """An article's figures, suspect flags computed over the library's corpus."""
    return library_of(library).figures(article)


def figure_index(library: Library | None = None) -> FigureIndex:
    """The index for the library's corpus and glossary: built once per corpus generation (a
    new :class:`Corpus` object: an import or removal reloads it) and glossary, then reused
    — every ``]`` in the app and every related() call shares it, whatever the corpus size."""
    return library_of(library).figure_index()
