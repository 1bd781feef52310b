"""The search API everything else uses: :func:`search`, :func:`ensure_index`, :func:`match_spans`.

Nothing outside this package talks to a search engine. :func:`search` never raises:
whatever is typed, the result is hits, or no hits and a ``message`` saying why. Which
engine answers (Whoosh or tantivy, see :mod:`jjj_brief.search.index`) is invisible here:
the engine's searcher finds, ranks, counts and facets; parsing, the natural fallback,
figures by value, snippets and "did you mean" are ours and the same on every engine.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jjj_brief.search import query as q
from jjj_brief.search.analyzer import TOKEN_PATTERN, _analyze_parts, fold, surface_analysis
from jjj_brief.search.concepts import (
    ELLIPSIS,
    concept_snippet,
    cut_end,
    cut_start,
    densest_window,
    held_concepts,
    mention_spans,
    phrase_spans,
    read_hit,
)
from jjj_brief.search.glossary_terms import glossary_phrases, use_glossary_terms
from jjj_brief.search.index import Generation, IndexManager, IndexStatus, IndexUnavailable, Progress, glossary_spellings
from jjj_brief.search.query import ParsedQuery, QueryContext, parse, time_limit_message

if TYPE_CHECKING:
    from jjj_brief.library import Library

SNIPPET_WIDTH = 220
SNIPPET_SCAN_CHUNK = 65_536  # characters of a huge passage tokenized at a time for its snippet
SNIPPET_SCAN_LIMIT = 1_000_000  # ... and no further: past that, the snippet is the passage's start
FEW_HITS = 3
FALLBACK_CANDIDATES = 30  # best-scored passages of the Or the natural fallback ranks by concepts held
# A query whose tree looks up more terms than this (hundreds of prefix expansions) gets
# no facet pass and no natural fallback: each would be a second pass over all of it.
MAX_EXTRA_PASS_LEAVES = 400
COMMON_FRACTION = 0.3  # a word in more documents than this need not pick fallback candidates
FACET_FIELDS = {"outlet": "outlet_key", "year": "year", "kind": "kind"}


@dataclass
class Hit:
    kind: str  # passage | topic | fact | glossary
    article: str  # article id, or the briefing item's id
    file: str | None  # article file name; None for briefing hits
    title: str
    outlet: str
    date: str
    score: float
    start: int  # passage offsets in article.text (briefing hits: 0..len(body))
    end: int
    snippet: str  # verbatim slice of the passage, trimmed at word boundaries
    highlights: list[tuple[int, int]]  # offsets into snippet
    snippet_start: int = 0  # where the snippet starts, in article coordinates
    # The snippet's windows in article coordinates (two when the concepts did not fit in
    # one: the snippet is then both joined by " … ").
    parts: list[tuple[int, int]] = field(default_factory=list)
    match: str = "all"  # "all": every concept of the query; "most": the natural fallback
    missing: list[str] = field(default_factory=list)  # concepts a "most" hit lacks, as shown
    reasons: list[str] = field(default_factory=list)  # why a figure matched by value

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "article": self.article,
            "file": self.file,
            "title": self.title,
            "outlet": self.outlet,
            "date": self.date,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
            "snippet": self.snippet,
            "highlights": [[s, e] for s, e in self.highlights],
            "parts": [
                [s, e] for s, e in (self.parts or [(self.snippet_start, self.snippet_start + len(self.snippet))])
            ],
            "match": self.match,
            "missing": list(self.missing),
            "reasons": list(self.reasons),
        }

    def highlight_spans_in_article(self) -> list[tuple[int, int]]:
        """The snippet highlights in article coordinates (across the snippet's windows)."""
        parts = self.parts or [(self.snippet_start, self.snippet_start + len(self.snippet))]
        out = []
        for s, e in self.highlights:
            at = 0
            for start, end in parts:
                if at <= s and e <= at + (end - start):
                    out.append((start + s - at, start + e - at))
                    break
                at += end - start + len(ELLIPSIS)
        return out


@dataclass
class SearchResult:
    query: str
    parsed: str  # how the query was understood
    total: int  # matching documents (grouped: matching articles / briefing items)
    suggestion: str | None = None  # "did you mean"
    message: str | None = None  # what was ignored or went wrong
    hits: list[Hit] = field(default_factory=list)
    total_exact: bool = True  # False: ``total`` is an estimate, or a lower bound (``total_lower_bound``)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # outlet / year / kind -> value -> hits
    sort: str = "relevance"  # relevance | date | -date
    total_lower_bound: bool = False  # ``total`` is "at least" (shown "N+")

    @property
    def total_label(self) -> str:
        """The count as shown: exact ("12"), an estimate ("about 3,800") or a bound ("1,000+")."""
        return count_label(self.total, self.total_exact, self.total_lower_bound)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "parsed": self.parsed,
            "total": self.total,
            "total_exact": self.total_exact,
            "total_lower_bound": self.total_lower_bound,
            "total_label": self.total_label,
            "suggestion": self.suggestion,
            "message": self.message,
            "sort": self.sort,
            "facets": self.facets,
            "hits": [hit.to_dict() for hit in self.hits],
        }


def count_label(total: int, exact: bool, lower_bound: bool = False) -> str:
    """How a count is printed: exact counts as they are; an estimate as "about N" (rounded
    to two significant digits, which is within 5% of it); a lower bound as "N+"."""
    if exact:
        return f"{total:,}"
    if lower_bound:
        return f"{total:,}+"
    if total >= 100:
        digits = len(str(total)) - 2
        total = round(total, -digits)
    return f"about {total:,}"


# ---------------------------------------------------------------- snippets and spans


def spans_for_terms(text: str, terms: set[tuple[str, ...]] | set[str]) -> list[tuple[int, int]]:
    """Character spans of ``text`` that match ``terms`` (merged, sorted).

    ``terms`` holds term sequences: a 1-tuple (or a plain string) lights every occurrence
    of that term, a longer tuple only consecutive occurrences (a phrase).
    """
    if not terms:
        return []
    sequences = [(t,) if isinstance(t, str) else tuple(t) for t in terms]
    singles = {seq[0] for seq in sequences if len(seq) == 1}
    phrases = [seq for seq in sequences if len(seq) > 1]
    phrase_terms = {term for phrase in phrases for term in phrase}
    spans: set[tuple[int, int]] = set()
    at: dict[int, dict[str, tuple[int, int]]] = {}  # position -> phrase terms there
    # iter_tokens() inlined (this runs on every hit's passage): same terms, positions, offsets.
    pos = 0
    analyze_parts = _analyze_parts
    for match in TOKEN_PATTERN.finditer(text):
        parts, closed = analyze_parts(match.group())
        if not parts and closed is None:
            continue
        start = match.start()
        first = pos
        for term, _, s, e in parts:
            if term in singles:
                spans.add((start + s, start + e))
            if term in phrase_terms:
                at.setdefault(pos, {})[term] = (start + s, start + e)
            pos += 1
        if closed is not None:
            span = (start, match.end())
            if closed[0] in singles:
                spans.add(span)
            if closed[0] in phrase_terms:
                at.setdefault(first, {})[closed[0]] = span
            if not parts:
                pos += 1
    if phrases:
        spans.update(phrase_spans(at, phrases))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def make_snippet(text: str, terms: set, width: int = SNIPPET_WIDTH) -> tuple[int, int, list[tuple[int, int]]]:
    """(start, end, highlights-in-text) of the best window of ``text`` around the matches.

    The window holds as many distinct matched terms as possible, starts and ends at word
    boundaries, and is the whole text when that is short enough. A huge passage (an
    imported 10 MB line) is scanned in chunks up to the first one with a match, and no
    further than :data:`SNIPPET_SCAN_LIMIT`, so one hit cannot stall a search.
    """
    if len(text) > 2 * SNIPPET_SCAN_CHUNK:
        return _snippet_of_huge(text, terms, width)
    spans = spans_for_terms(text, terms)
    if len(text) <= width:
        return 0, len(text), spans
    if not spans:
        return 0, cut_end(text, width), []
    best_start = densest_window(text, spans, width)
    start = cut_start(text, best_start)
    end = cut_end(text, min(len(text), start + width))
    inside = [(s, e) for s, e in spans if s >= start and e <= end]
    return start, end, inside


def _snippet_of_huge(text: str, terms: set, width: int) -> tuple[int, int, list[tuple[int, int]]]:
    offset = 0
    while offset < min(len(text), SNIPPET_SCAN_LIMIT):
        end = text.find(" ", offset + SNIPPET_SCAN_CHUNK, offset + SNIPPET_SCAN_CHUNK + 1024)
        end = min(len(text), offset + SNIPPET_SCAN_CHUNK) if end < 0 else end
        start, stop, spans = make_snippet(text[offset:end], terms, width)
        if spans:
            return offset + start, offset + stop, [(offset + s, offset + e) for s, e in spans]
        offset = end
    return 0, cut_end(text, width), []


def _leaves(node: q.Node) -> int:
    """How many terms an engine looks up for ``node`` (what a pass over it costs)."""
    count = 0
    for child in q.walk(node):
        if isinstance(child, q.Prefix):
            count += len(child.expanded)
        elif isinstance(child, q.ValueRange):
            count += len(child.keys)
        elif isinstance(child, (q.Term, q.Phrase, q.Keyword)):
            count += 1
    return count


def _facets_of(top: list[tuple[dict, float]]) -> dict[str, dict[str, int]]:
    facets: dict[str, dict[str, int]] = {name: {} for name in FACET_FIELDS}
    for fields, _ in top:
        Engine._add_facets(facets, fields)
    return {name: _most_first(counts) for name, counts in facets.items()}


def _most_first(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _join_windows(
    text: str, windows: list[tuple[int, int]], spans: list[tuple[int, int]]
) -> tuple[str, list[tuple[int, int]]]:
    """The snippet text (windows joined by an ellipsis) and the spans in its coordinates."""
    pieces, highlights, at = [], [], 0
    for start, end in windows:
        pieces.append(text[start:end])
        highlights += [(at + s - start, at + e - start) for s, e in spans if s >= start and e <= end]
        at += end - start + len(ELLIPSIS)
    return ELLIPSIS.join(pieces), highlights


# ---------------------------------------------------------------- the engine


class Engine:
    """Runs parsed queries against one opened generation, whichever engine built it
    (used by the API and the benchmark)."""

    def __init__(self, generation: Generation, context: QueryContext) -> None:
        self.generation = generation
        self.context = context
        self._searcher = generation.store.searcher(generation.index)
        self._by_length: dict[int, list[str]] | None = None
        # Glossary phrases the index holds as single terms: searched without a phrase check.
        self.glossary_phrases = glossary_phrases(generation.aliases) if generation.glossary_terms else frozenset()

    @property
    def engine(self) -> str:
        return self.generation.engine

    def fresh(self) -> Engine:
        """This engine, reading the index's latest commit."""
        self._searcher = self._searcher.fresh()
        return self

    def close(self) -> None:
        self._searcher.close()

    def run(
        self, raw: str, *, limit: int = 20, group_by_article: bool = False, want_facets: bool = False
    ) -> SearchResult:
        """Search; ``want_facets``: also count hits per outlet/year/kind when that costs a
        pass of its own (small results and value queries always have them)."""
        parsed = parse(raw, self.context)
        message = "; ".join(dict.fromkeys(parsed.messages)) or None
        if parsed.query is None:
            return SearchResult(raw, parsed.shown, 0, None, message, [], sort=parsed.sort)
        parsed.query = use_glossary_terms(parsed.query, self.glossary_phrases)
        parsed.fallback = use_glossary_terms(parsed.fallback, self.glossary_phrases)
        limit = max(1, min(int(limit), 1000))
        lower_bound = False
        if group_by_article:
            top, total, exact = self._searcher.grouped(parsed.query, limit, parsed.sort)
        else:
            top, total, exact = self._searcher.top(parsed.query, limit, parsed.sort)
        timed_out = getattr(self._searcher, "timed_out", False)  # stopped at the query time limit: partial
        if timed_out:
            message = "; ".join(filter(None, [message, time_limit_message()]))
        hits = []
        for fields, score in top:
            hit = self._hit(fields, score, parsed)
            if hit is not None:  # None: a value candidate whose figures are out of range
                hits.append(hit)
        if parsed.value_ranges:  # value candidates are checked per hit: count the ones that pass
            total, facets = self._verified(parsed, group_by_article)
            exact = True
        elif len(top) < limit and not group_by_article:
            facets = _facets_of(top)  # every match is in hand: count them here
        elif (
            (want_facets or not exact) and not timed_out and _leaves(parsed.query or q.And(())) <= MAX_EXTRA_PASS_LEAVES
        ):
            facets = self._searcher.facets(parsed.query, FACET_FIELDS)
            if not exact and not group_by_article and facets.get("kind"):
                # The facet pass saw every match (each has a kind): an exact count, free.
                total, exact = sum(facets["kind"].values()), True
        else:  # not asked for (the app fetches them after the results), or a huge query
            facets = {}
        if not exact:  # an estimate that may be far off: say only what is sure
            total, lower_bound = len(top), True
        if parsed.fallback is not None and len(hits) < limit and _leaves(parsed.fallback) <= MAX_EXTRA_PASS_LEAVES:
            seen = {(h.article, h.start, h.kind) for h in hits} if not group_by_article else {h.article for h in hits}
            more, more_total, complete = self._fallback(parsed, limit - len(hits), seen, group_by_article, facets)
            hits += more
            total += more_total
            lower_bound = lower_bound or not complete
            exact = exact and complete
        total = max(total, len(hits))
        suggestion = self.suggest(raw, parsed, total) if total < FEW_HITS else None
        if total == 0 and not message and suggestion is None:
            message = "no matches"
        return SearchResult(
            raw,
            parsed.shown,
            total,
            suggestion,
            message,
            hits,
            total_exact=exact,
            facets=facets,
            sort=parsed.sort,
            total_lower_bound=lower_bound,
        )

    def _fallback(
        self, parsed: ParsedQuery, room: int, seen: set, grouped: bool, facets: dict[str, dict[str, int]]
    ) -> tuple[list[Hit], int, bool]:
        """Hits holding most of the query's concepts (not already shown), most concepts
        first, then by score. Returns (hits, how many qualify, whether that is all of them).

        Reads the best-scored candidates of an Or of the concepts (more concepts score
        higher), ranks them by the concepts each holds (a cheap term look-up), and makes
        snippets for the ones shown only."""
        candidates = max(FALLBACK_CANDIDATES, room * 3)
        top, _, _ = self._searcher.top(self._candidate_tree(parsed), candidates, "relevance")
        complete = len(top) < candidates  # every candidate was read
        kept: list[tuple[int, float, dict]] = []
        for fields, score in top:
            held, valid = held_concepts(fields.get("body", ""), parsed, fields.get("figures"), loose=True)
            count = sum(1 for c, h in zip(parsed.concepts, held) if h and not c.required)
            if not valid or count < parsed.fallback_minimum or all(held):
                continue  # too few concepts, or a strict hit (shown already)
            article = fields.get("article", "")
            key = article if grouped else (article, fields.get("start", 0), fields.get("kind"))
            if key in seen:
                continue
            seen.add(key)
            kept.append((sum(held), score, fields))
            self._add_facets(facets, fields)
        kept.sort(key=lambda row: (row[0], row[1]), reverse=True)
        hits = [self._hit(fields, score, parsed, fallback=True) for _, score, fields in kept[:room]]
        return [hit for hit in hits if hit is not None], len(kept), complete

    def _candidate_tree(self, parsed: ParsedQuery) -> q.Node:
        """The fallback tree, with its Or of concepts kept to the ones that discriminate:
        a word in many documents only costs scoring time there (a union over nearly every
        posting), and while such words are fewer than the concepts a hit needs, every
        qualifying passage holds a rarer one anyway. They still count when hits are ranked."""
        tree = parsed.fallback
        assert tree is not None
        limit = COMMON_FRACTION * max(1, self.generation.store.doc_count(self.generation.index))

        def common(node: q.Node) -> bool:
            return isinstance(node, q.Term) and self._searcher.doc_frequency(node.field, node.text) > limit

        def prune(node: q.Node) -> q.Node:
            if isinstance(node, q.AtLeast):
                kept = tuple(child for child in node.children if not common(child))
                safe = len(node.children) - len(kept) < node.minimum
                return q.AtLeast(node.minimum, kept if kept and safe else node.children)
            if isinstance(node, q.And):
                return q.And(tuple(prune(child) for child in node.children))
            return node

        return prune(tree)

    def facets(self, raw: str) -> dict[str, dict[str, int]]:
        """Hits per outlet, year and kind for a query (the app asks after showing results)."""
        parsed = parse(raw, self.context)
        if parsed.query is None:
            return {}
        if parsed.value_ranges:
            return self._verified(parsed, False)[1]
        if _leaves(parsed.query) > MAX_EXTRA_PASS_LEAVES:
            return {}
        return self._searcher.facets(parsed.query, FACET_FIELDS)

    def _verified(self, parsed: ParsedQuery, grouped: bool) -> tuple[int, dict[str, dict[str, int]]]:
        """(count, facets) of the candidates whose figures pass the value check."""
        facets: dict[str, dict[str, int]] = {name: {} for name in FACET_FIELDS}
        articles: set[str] = set()
        count = 0
        for fields in self._searcher.matches(parsed.query):
            held, valid = held_concepts(fields.get("body", ""), parsed, fields.get("figures"))
            if not valid or not all(h for c, h in zip(parsed.concepts, held) if c.values):
                continue
            count += 1
            articles.add(fields.get("article", ""))
            self._add_facets(facets, fields)
        return (len(articles) if grouped else count), {name: _most_first(c) for name, c in facets.items()}

    @staticmethod
    def _add_facets(facets: dict[str, dict[str, int]], fields: dict) -> None:
        for name, value in (
            ("outlet", fields.get("outlet")),
            ("year", (fields.get("date") or "")[:4]),
            ("kind", fields.get("kind")),
        ):
            if value:
                facets.setdefault(name, {})
                facets[name][value] = facets[name].get(value, 0) + 1

    def _hit(self, fields: dict, score: float, parsed: ParsedQuery, *, fallback: bool = False) -> Hit | None:
        body = fields.get("body", "")
        reading = read_hit(body, parsed, fields.get("figures"), loose=fallback)
        if not reading.valid or not all(
            held for concept, held in zip(parsed.concepts, reading.held) if concept.values and not fallback
        ):
            return None
        if fallback and (reading.count(parsed) < parsed.fallback_minimum or all(reading.held)):
            return None  # an Or candidate with too few concepts, or a strict hit (already shown)
        if len(body) > 2 * SNIPPET_SCAN_CHUNK:
            start, end, spans = make_snippet(body, parsed.terms)
            windows = [(start, end)]
        else:
            windows, spans = concept_snippet(body, reading.spans)
        snippet, highlights = _join_windows(body, windows, spans)
        kind = fields.get("kind", "passage")
        offset = fields.get("start", 0) if kind == "passage" else 0
        return Hit(
            kind=kind,
            article=fields.get("article", ""),
            file=fields.get("file"),
            title=fields.get("title", ""),
            outlet=fields.get("outlet", ""),
            date=fields.get("date", ""),
            score=float(score),
            start=offset,
            end=fields.get("end", 0) if kind == "passage" else len(body),
            snippet=snippet,
            highlights=highlights,
            snippet_start=offset + windows[0][0],
            parts=[(offset + a, offset + b) for a, b in windows],
            match="most" if fallback else "all",
            missing=reading.missing(parsed) if fallback else [],
            reasons=reading.reasons,
        )

    # -- did you mean
    def suggest(self, raw: str, parsed: ParsedQuery, total: int) -> str | None:
        """Replace rare or unknown words by close, commoner words of the corpus (as words, not stems)."""
        suggestion = raw
        changed = False
        for word in parsed.words:
            frequency = self._frequency(word)
            if frequency > 0 and (total == 0 or frequency > 2):
                continue
            candidate = self._closest(fold(word), minimum=max(1, frequency * 5))
            if candidate is None:
                continue
            replaced = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", candidate, suggestion, count=1)
            if replaced != suggestion:
                suggestion, changed = replaced, True
        return suggestion if changed else None

    def _frequency(self, word: str) -> int:
        parts, closed = surface_analysis(word) if len(word.split()) == 1 else ((), None)
        terms = [closed[0]] if closed else [t for t, _ in parts]
        if not terms:
            return 1  # not a simple word: nothing to correct
        return min(self._searcher.doc_frequency("body", t) for t in terms)

    def _closest(self, word: str, minimum: int) -> str | None:
        if len(word) < 4 or any(ch.isdigit() for ch in word):
            return None
        if self._by_length is None:
            self._by_length = {}
            for candidate, count in self.generation.vocab.items():
                if count >= 1:
                    self._by_length.setdefault(len(candidate), []).append(candidate)
        vocab = self.generation.vocab
        best: tuple[float, int, str] | None = None
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(word)
        for length in range(len(word) - 2, len(word) + 3):
            for candidate in self._by_length.get(length, ()):
                if candidate == word or vocab[candidate] < minimum:
                    continue
                matcher.set_seq1(candidate)
                if matcher.real_quick_ratio() < 0.8 or matcher.quick_ratio() < 0.8:
                    continue
                ratio = matcher.ratio()
                if ratio >= 0.8:
                    key = (ratio, vocab[candidate], candidate)
                    if best is None or key[:2] > best[:2]:
                        best = key
        return best[2] if best else None


# ---------------------------------------------------------------- module API


class SearchService:
    """Search for one :class:`~jjj_brief.library.Library`: its index manager (which builds,
    opens and refreshes the index), the engine open on the live generation, and the
    highlighting context. Never raises from :meth:`search`; thread-safe."""

    def __init__(self, library: Library | None = None) -> None:
        self.library = library
        self.manager = IndexManager(on_refresh=self._forget_corpus)
        self.lock = threading.RLock()
        self._engine: Engine | None = None
        self._fallback_context: QueryContext | None = None

    # -- index
    def ensure_index(self, progress: Progress | None = None, *, rebuild: bool = False) -> IndexStatus:
        """Make the index ready: build if missing/stale/corrupt, add/remove changed imports."""
        with self.lock:
            if _team_mode():  # the team database's search (jjj_brief.team.search)
                from jjj_brief.team.search import team_index_status

                return team_index_status()
            status = self.manager.ensure(progress, rebuild=rebuild)
            self.reset_engine()
            return status

    def reset_engine(self) -> None:
        """Close the open engine; the next query reopens the live generation."""
        with self.lock:
            if self._engine is not None:
                try:
                    self._engine.close()
                except Exception:
                    pass
            self._engine = None

    def discard(self) -> None:
        """Forget the open engine and generation (after a read failure): the next use rebuilds."""
        with self.lock:
            self.reset_engine()
            self.manager.discard()

    close = reset_engine

    def engine(self) -> Engine:
        """The engine on the live generation (reopened when another process replaced it)."""
        with self.lock:
            team = _team_generation() if _team_mode() else None
            generation = team[0] if team else self.manager.current()
            if self._engine is None or self._engine.generation is not generation:
                self.reset_engine()
                self._engine = Engine(generation, team[1] if team else self._context())
            return self._engine.fresh()

    @property
    def generation(self) -> Generation | None:
        """The generation open now (``None`` before the first search)."""
        return self.manager.generation

    # -- queries
    def search(
        self, query: str, *, limit: int = 20, group_by_article: bool = False, facets: bool = False
    ) -> SearchResult:
        """Search passages and briefings; problems come back as ``message`` (see :func:`search`)."""
        query = query if isinstance(query, str) else str(query)
        try:
            limit = max(1, min(int(limit), 1000))
        except (TypeError, ValueError):
            limit = 20
        if "kind:" in query.lower():  # kind:note / kind:claim: the analyst's own work, from the store
            from jjj_brief.store.search_hook import asks_for_own_work, own_work_search

            if asks_for_own_work(query):
                try:
                    return own_work_search(query, limit)
                except Exception as exc:
                    return SearchResult(query, "", 0, None, f"your notes could not be searched: {exc}", [])
        for attempt in (1, 2):
            try:
                with self.lock:
                    return self.engine().run(query, limit=limit, group_by_article=group_by_article, want_facets=facets)
            except IndexUnavailable as exc:
                return SearchResult(query, "", 0, None, str(exc), [])
            except Exception as exc:
                failure: Exception = exc
                if attempt == 1:
                    try:  # the index failed while reading: rebuild it once and retry
                        with self.lock:
                            self.discard()
                            self.manager.ensure(rebuild=True)
                        continue
                    except Exception as rebuild_exc:
                        failure = rebuild_exc
                return SearchResult(query, "", 0, None, f"search failed: {failure.__class__.__name__}: {failure}", [])
        raise AssertionError("unreachable")

    def facets(self, query: str) -> dict[str, dict[str, int]]:
        """Hits per outlet, year and kind for ``query``; ``{}`` when unavailable. Never raises."""
        try:
            with self.lock:
                return self.engine().facets(query if isinstance(query, str) else str(query))
        except Exception:
            return {}

    def match_spans(self, query: str, text: str) -> list[tuple[int, int]]:
        """Spans of ``text`` a query matches (same analyzer, same alias expansion), for the reader."""
        try:
            parsed = parse(query, self.highlight_context())
            return spans_for_terms(text, parsed.terms)
        except Exception:
            return []

    def query_mentions(self, query: str, text: str) -> list[tuple[int, int]]:
        """One span per mention of ``query`` in ``text`` (a phrase or glossary spelling is one),
        for stepping through matches and counting them. Never raises."""
        try:
            return mention_spans(text, parse(query, self.highlight_context()).terms)
        except Exception:
            return []

    def highlight_parsed(self, query: str) -> ParsedQuery:
        """The parsed query as the highlighter sees it (concepts, terms), without searching."""
        return parse(query, self.highlight_context())

    def highlight_terms(self, query: str) -> set[tuple[str, ...]]:
        """The analyzed term sequences a query lights (for callers that highlight many texts)."""
        return parse(query, self.highlight_context()).terms

    def highlight_context(self) -> QueryContext:
        """The open engine's context, or one with the glossary alone (built once)."""
        with self.lock:
            if self._engine is not None:
                return self._engine.context
            if self._fallback_context is None:
                generation = self.manager.generation
                aliases = generation.aliases if generation and generation.aliases is not None else self.alias_groups()
                self._fallback_context = QueryContext.build(aliases, [])
            return self._fallback_context

    def alias_groups(self) -> list[list[str]]:
        """Glossary spellings that name the same thing (from the briefings, when present)."""
        try:
            return glossary_spellings(self._library().briefings())
        except Exception:
            return []

    # -- internals
    def _forget_corpus(self) -> None:
        self._library().forget_corpus()

    def _library(self) -> Library:
        from jjj_brief.commands.libraries import resolve  # a service made without a library: the default

        return resolve(self.library)

    def _context(self) -> QueryContext:
        generation = self.manager.generation

        def resolve(ref: str) -> str | None:
            article = self._library().corpus().find(ref)  # only for article: filters (reads every import)
            return article.id if article else None

        aliases = generation.aliases if generation and generation.aliases is not None else self.alias_groups()
        context = QueryContext.build(aliases, [], resolve)
        context.vocabulary = LazyVocabulary(generation)
        return context


def _team_mode() -> bool:
    """A team database is configured: search runs on PostgreSQL (:mod:`jjj_brief.team.search`)."""
    from jjj_brief.team.config import is_team_mode

    return is_team_mode()


def _team_generation() -> tuple[Any, QueryContext]:
    from jjj_brief.team.search import team_generation

    return team_generation()


class LazyVocabulary(Sequence):
    """The generation's sorted vocabulary, read from disk the first time a query needs it
    (prefixes, word families), not when a process opens the index."""

    def __init__(self, generation: Generation | None) -> None:
        self._generation = generation
        self._words: list[str] | None = None

    def _load(self) -> list[str]:
        if self._words is None:
            self._words = sorted(self._generation.vocab) if self._generation is not None else []
        return self._words

    def __len__(self) -> int:
        return len(self._load())

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._load()[index]


def service(library: Library | None = None) -> SearchService:
    """``library``'s search service, or the process default library's."""
    from jjj_brief.commands.libraries import resolve  # the default lives above the core

    return resolve(library).search


def ensure_index(
    progress: Progress | None = None, *, rebuild: bool = False, library: Library | None = None
) -> IndexStatus:
    """Make the index ready: build if missing/stale/corrupt, add/remove changed imports."""
    return service(library).ensure_index(progress, rebuild=rebuild)


def alias_groups(library: Library | None = None) -> list[list[str]]:
    """Glossary spellings that name the same thing (from the briefings, when present)."""
    return service(library).alias_groups()


def search(
    query: str,
    *,
    limit: int = 20,
    group_by_article: bool = False,
    facets: bool = False,
    library: Library | None = None,
) -> SearchResult:
    """Search passages and briefings. Never raises: problems come back as ``message``.

    ``facets``: always count hits per outlet, year and kind (``SearchResult.facets``),
    even when that takes a pass of its own; otherwise they come only when free (see
    :func:`search_facets` for asking afterwards)."""
    return service(library).search(query, limit=limit, group_by_article=group_by_article, facets=facets)


def search_facets(query: str, library: Library | None = None) -> dict[str, dict[str, int]]:
    """Hits per outlet, year and kind for ``query``; ``{}`` when unavailable. Never raises."""
    return service(library).facets(query)


def match_spans(query: str, text: str, library: Library | None = None) -> list[tuple[int, int]]:
    """Spans of ``text`` a query matches (same analyzer, same alias expansion), for the reader."""
    return service(library).match_spans(query, text)


def query_mentions(query: str, text: str, library: Library | None = None) -> list[tuple[int, int]]:
    """One span per mention of ``query`` in ``text`` (a phrase or glossary spelling is one),
    for stepping through matches and counting them. Never raises."""
    return service(library).query_mentions(query, text)


def highlight_parsed(query: str, library: Library | None = None) -> ParsedQuery:
    """The parsed query as the highlighter sees it (concepts, terms), without searching."""
    return service(library).highlight_parsed(query)


def highlight_terms(query: str, library: Library | None = None) -> set[tuple[str, ...]]:
    """The analyzed term sequences a query lights (for callers that highlight many texts)."""
    return service(library).highlight_terms(query)


__all__: Sequence[str] = (
    "Hit",
    "SearchResult",
    "IndexStatus",
    "search",
    "search_facets",
    "ensure_index",
    "match_spans",
    "query_mentions",
    "spans_for_terms",
    "make_snippet",
    "Engine",
    "alias_groups",
    "SearchService",
    "service",
)
