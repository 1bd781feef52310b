"""The loaded corpus, briefings and figure index, each rebuilt only when its inputs change."""

from __future__ import annotations

import threading
from pathlib import Path

from jjj_brief import paths
from jjj_brief.briefings import Briefings, load_briefings
from jjj_brief.compare.align import FigureIndex
from jjj_brief.compare.subject import Glossary, build_glossary
from jjj_brief.corpus import Corpus, load_corpus

_LOCK = threading.RLock()
_BRIEFINGS: tuple[tuple, Briefings, Glossary] | None = None
_INDEX: tuple[tuple, FigureIndex] | None = None


def corpus() -> Corpus:
    return load_corpus()


def _briefings_stamp(directory: Path) -> tuple:
    try:
        files = sorted(directory.rglob("*.yaml"))
        return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    except OSError:
        return ()


def _loaded() -> tuple[tuple, Briefings, Glossary]:
    global _BRIEFINGS
    directory = paths.briefings_dir()
    stamp = (str(directory), _briefings_stamp(directory))
    with _LOCK:
        if _BRIEFINGS is None or _BRIEFINGS[0] != stamp:
            loaded = load_briefings(directory)
            _BRIEFINGS = (stamp, loaded, build_glossary(loaded.glossary))
        return _BRIEFINGS


def briefings() -> Briefings:
    """The shipped briefings, reloaded when a YAML file changes."""
    return _loaded()[1]


def glossary() -> Glossary:
    """The glossary's aliases and places, as the aligner uses them."""
    return _loaded()[2]


def corpus_fingerprint(corpus: Corpus) -> tuple:
    return tuple((a.id, len(a.text), hash(a.text)) for a in corpus)


def figures_of(article):
    from jjj_brief.figures import article_figures

    return article_figures(article)


def figure_index() -> FigureIndex:
    """The index for the current corpus and glossary (built on first use, then reused)."""
    global _INDEX
    current = corpus()
    gloss = glossary()
    key = (corpus_fingerprint(current), gloss.fingerprint)
    with _LOCK:
        if _INDEX is None or _INDEX[0] != key:
            _INDEX = (key, FigureIndex(current, gloss, figures_of))
        return _INDEX[1]
