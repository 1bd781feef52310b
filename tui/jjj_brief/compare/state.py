"""The loaded corpus, briefings and figure index, each rebuilt only when its inputs change."""

from __future__ import annotations

import threading

from jjj_brief.briefings import Briefings, shipped_briefings
from jjj_brief.compare.align import FigureIndex
from jjj_brief.compare.subject import Glossary, build_glossary
from jjj_brief.corpus import Corpus, load_corpus

_LOCK = threading.RLock()
_BRIEFINGS: tuple[Briefings, Glossary] | None = None
_INDEX: tuple[tuple[Corpus, str], FigureIndex] | None = None


def corpus() -> Corpus:
    return load_corpus()


def _loaded() -> tuple[Briefings, Glossary]:
    global _BRIEFINGS
    loaded = shipped_briefings()
    with _LOCK:
        if _BRIEFINGS is None or _BRIEFINGS[0] is not loaded:
            _BRIEFINGS = (loaded, build_glossary(loaded.glossary))
        return _BRIEFINGS


def briefings() -> Briefings:
    """The shipped briefings, reloaded when a YAML file changes."""
    return _loaded()[0]


def glossary() -> Glossary:
    """The glossary's aliases and places, as the aligner uses them."""
    return _loaded()[1]


def corpus_fingerprint(corpus: Corpus) -> tuple:
    return tuple((a.id, len(a.text), hash(a.text)) for a in corpus)


def figures_of(article):
    from jjj_brief.figures import article_figures

    return article_figures(article, corpus())


def figure_index() -> FigureIndex:
    """The index for the current corpus and glossary: built once per corpus generation (a
    new :class:`Corpus` object: an import or removal reloads it) and glossary, then reused
    — every ``]`` in the app and every related() call shares it, whatever the corpus size."""
    global _INDEX
    current = corpus()
    gloss = glossary()
    with _LOCK:
        if _INDEX is None or _INDEX[0][0] is not current or _INDEX[0][1] != gloss.fingerprint:
            _INDEX = ((current, gloss.fingerprint), FigureIndex(current, gloss, figures_of))
        return _INDEX[1]
