"""The engine-independent search: :class:`Engine` runs parsed queries against one opened
generation, whichever engine built it (Whoosh or tantivy, see :mod:`jjj_brief.search.index`).
The engine's searcher finds, ranks, counts and facets; parsing, the natural fallback,
figures by value, snippets and "did you mean" are ours and the same on every engine."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

from jjj_brief.search import query as q
from jjj_brief.search.analyzer import fold, surface_analysis
from jjj_brief.search.concepts import concept_snippet, held_concepts, read_hit
from jjj_brief.search.documents import NO_DATE, Doc
from jjj_brief.search.glossary_terms import use_glossary_terms
from jjj_brief.search.index import Generation
from jjj_brief.search.query import ParsedQuery, QueryContext, parse, time_limit_message
from jjj_brief.search.results import SNIPPET_SCAN_CHUNK, Hit, SearchResult, _join_windows, make_snippet

FEW_HITS = 3
FALLBACK_CANDIDATES = 30  # best-scored passages of the Or the natural fallback ranks by concepts held
# A query whose tree looks up more terms than this (hundreds of prefix expansions) gets
# no facet pass and no natural fallback: each would be a second pass over all of it.
MAX_EXTRA_PASS_LEAVES = 400
COMMON_FRACTION = 0.3  # a word in more documents than this need not pick fallback candidates
FACET_FIELDS = {"outlet": "outlet_key", "year": "year", "kind": "kind"}


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


def _facets_of(top: list[tuple[Doc, float]]) -> dict[str, dict[str, int]]:
    facets: dict[str, dict[str, int]] = {name: {} for name in FACET_FIELDS}
    for fields, _ in top:
        Engine._add_facets(facets, fields)
    return {name: _most_first(counts) for name, counts in facets.items()}


def by_date(hits: list[Hit], sort: str) -> list[Hit]:
    """``hits`` in the query's date order (dated first, either way; the undated after, as
    they were); unchanged when sorted by relevance."""
    if sort not in ("date", "-date"):
        return hits
    dated = sorted((h for h in hits if h.date), key=lambda h: h.date, reverse=sort == "-date")
    return dated + [h for h in hits if not h.date]


def _most_first(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


Seen = set[str | tuple[str, int, str | None]]
"""Hits already shown: articles (grouped), else (article, passage start, kind)."""


class Searcher(Protocol):
    """What an engine's searcher answers (``WhooshSearcher``, ``TantivySearcher``)."""

    def fresh(self) -> Searcher: ...

    def close(self) -> None: ...

    def top(self, node: q.Node, limit: int, sort: str = "relevance") -> tuple[list[tuple[Doc, float]], int, bool]: ...

    def grouped(
        self, node: q.Node, limit: int, sort: str = "relevance"
    ) -> tuple[list[tuple[Doc, float]], int, bool]: ...

    def facets(self, node: q.Node, fields: dict[str, str]) -> dict[str, dict[str, int]]: ...

    def matches(self, node: q.Node) -> Iterator[Doc]: ...

    def doc_frequency(self, field: str, term: str) -> int: ...


class Engine:
    """Runs parsed queries against one opened generation, whichever engine built it
    (used by the API and the benchmark)."""

    def __init__(self, generation: Generation, context: QueryContext) -> None:
        self.generation = generation
        self.context = context
        self._searcher: Searcher = generation.store.searcher(generation.index)
        self._by_length: dict[int, list[str]] | None = None
        # Glossary phrases the index holds as single terms: searched without a phrase check.
        self.glossary_phrases = generation.glossary()[1] if generation.glossary_terms else frozenset()

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
        top, total, exact, timed_out = self._first_page(parsed, limit, group_by_article)
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
            seen: Seen = (
                {(h.article, h.start, h.kind) for h in hits} if not group_by_article else {h.article for h in hits}
            )
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

    def _first_page(
        self, parsed: ParsedQuery, limit: int, grouped: bool
    ) -> tuple[list[tuple[Doc, float]], int, bool, bool]:
        """The engine's best ``limit`` hits (or articles), the count, whether it is exact and
        whether the engine stopped at the query time limit (partial).

        Sorted by date, what has no date (briefing items; an article without one) follows
        the dated hits in both directions, by relevance: newest first must not mean the
        undated first."""
        run = self._searcher.grouped if grouped else self._searcher.top
        assert parsed.query is not None
        if parsed.sort not in ("date", "-date"):
            top, total, exact = run(parsed.query, limit, parsed.sort)
            return top, total, exact, getattr(self._searcher, "timed_out", False)
        undated = q.Keyword("date_key", NO_DATE)
        top, total, exact = run(q.And((parsed.query, q.Not(undated))), limit, parsed.sort)
        timed_out = getattr(self._searcher, "timed_out", False)
        rest, rest_total, rest_exact = run(q.And((parsed.query, undated)), max(1, limit - len(top)), "relevance")
        timed_out = timed_out or getattr(self._searcher, "timed_out", False)
        return top + rest[: limit - len(top)], total + rest_total, exact and rest_exact, timed_out

    def _fallback(
        self, parsed: ParsedQuery, room: int, seen: Seen, grouped: bool, facets: dict[str, dict[str, int]]
    ) -> tuple[list[Hit], int, bool]:
        """Hits holding most of the query's concepts (not already shown), most concepts
        first, then by score. Returns (hits, how many qualify, whether that is all of them).

        Reads the best-scored candidates of an Or of the concepts (more concepts score
        higher), ranks them by the concepts each holds (a cheap term look-up), and makes
        snippets for the ones shown only."""
        candidates = max(FALLBACK_CANDIDATES, room * 3)
        top, _, _ = self._searcher.top(self._candidate_tree(parsed), candidates, "relevance")
        complete = len(top) < candidates  # every candidate was read
        kept: list[tuple[int, float, Doc]] = []
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
        return by_date([hit for hit in hits if hit is not None], parsed.sort), len(kept), complete

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
        assert parsed.query is not None
        for fields in self._searcher.matches(parsed.query):
            held, valid = held_concepts(fields.get("body", ""), parsed, fields.get("figures"))
            if not valid or not all(h for c, h in zip(parsed.concepts, held) if c.values):
                continue
            count += 1
            articles.add(fields.get("article", ""))
            self._add_facets(facets, fields)
        return (len(articles) if grouped else count), {name: _most_first(c) for name, c in facets.items()}

    @staticmethod
    def _add_facets(facets: dict[str, dict[str, int]], fields: Doc) -> None:
        for name, value in (
            ("outlet", fields.get("outlet")),
            ("year", (fields.get("date") or "")[:4]),
            ("kind", fields.get("kind")),
        ):
            if value:
                facets.setdefault(name, {})
                facets[name][value] = facets[name].get(value, 0) + 1

    def _hit(self, fields: Doc, score: float, parsed: ParsedQuery, *, fallback: bool = False) -> Hit | None:
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
        import difflib  # only a query with few hits looks for a spelling

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
