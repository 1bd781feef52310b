"""The query language: words, OR, NOT/-word, "phrases", prefix*, and filters.

=====================  =====================================================
``xiongan relief``     both words (any spelling/stem), ranked
``a OR b``             either; ``OR`` binds the words either side of it
``NOT a`` / ``-a``     without
``"exact phrase"``     in this order (common words like *of*, *and* skipped)
``relie*``             words starting with ``relie``
``outlet:xinhua``      outlet contains the word(s); ``outlet:"people's daily"``
``year:2023``          ``year:2023..2024`` for a range
``article:ID``         one article (id, file name or stem)
``topic:ID``           a briefing topic and the passages it cites
``kind:fact``          passage, topic, fact or glossary
``4.39 trillion``      a number with a scale or unit also matches the figures of
                       that value in any printed form ("4,394.41 billion yuan") and
                       suspect figures whose likely value it is ("439 trillion")
``value:4e12..5e12``   figures with a value in the range; ``unit:yuan`` narrows
                       (alone: any figure in that unit)
``sort:date``          oldest first; ``sort:-date`` newest first; ``sort:relevance``
                       (either way, what has no date, briefing items, comes after)
=====================  =====================================================

Natural queries: when the strict query (every concept) finds fewer hits than a page,
the search goes on to passages holding most of its concepts (:attr:`ParsedQuery.fallback`);
see :class:`Concept`.

Parsing never fails: anything it cannot use is dropped and reported in ``messages``
(an unbalanced quote, a lone ``OR``, a field that does not exist, an over-long query).
Words that a glossary entry lists as spellings of one thing are expanded to all of them.

The parsed query's tree and types are :mod:`jjj_brief.search.query_tree` (re-exported
here); words, phrases, prefixes, numbers and glossary spellings become clauses in
:mod:`jjj_brief.search.query_words`. This module runs the lexer, reads the filters,
combines the operators and assembles the strict query and its natural fallback.
"""

from __future__ import annotations

import math
import re

from jjj_brief.search.analyzer import fold, surface_analysis, surface_words
from jjj_brief.search.query_tree import (
    And,
    AtLeast,
    Clause,
    Concept,
    Every,
    Keyword,
    Node,
    Not,
    Nothing,
    Or,
    ParsedQuery,
    Phrase,
    Prefix,
    QueryContext,
    Term,
    ValueRange,
    all_of,
    any_of,
    walk,
)
from jjj_brief.search.query_words import (
    MAX_PREFIX_TERMS,
    MAX_QUERY_PREFIX_TERMS,
    QueryItem,
    _cap_prefixes,
    _expand_aliases,
    _lex_phrase,
    _lex_word,
    _shown_phrase,
    _typed_numbers,
    prune_variants,
    text_query,
)

__all__ = [
    "And",
    "AtLeast",
    "Clause",
    "Concept",
    "Every",
    "Keyword",
    "MAX_PREFIX_TERMS",
    "MAX_QUERY_PREFIX_TERMS",
    "Node",
    "Not",
    "Nothing",
    "Or",
    "ParsedQuery",
    "Phrase",
    "Prefix",
    "QueryContext",
    "Term",
    "ValueRange",
    "all_of",
    "any_of",
    "parse",
    "prune_variants",
    "text_query",
    "time_limit_message",
    "walk",
]

FILTERS = ("outlet", "year", "article", "topic", "kind", "value", "unit", "sort")
SORTS = {"date": "date", "+date": "date", "-date": "-date", "relevance": "relevance", "score": "relevance"}
# Words a question is worded with that name no concept — question words, auxiliaries,
# pronouns, determiners, quantifiers, prepositions and conjunctions: never counted by the natural fallback, never
# reported missing (stop words are dropped before this).
FILLER_WORDS = frozenset(
    "how what which who whom whose when where why did does do doing done much many being "
    "had having can could should would may might must shall there their they them we our "
    "us i you your me my he she his her other another some any each every all such "
    "between into onto over under after before during through across around about within "
    "among toward towards via per than up down out off also very just then so if but".split()
)
MIN_FALLBACK_CONCEPTS = 3
KIND_NAMES = {
    "passage": "passage",
    "passages": "passage",
    "article": "passage",
    "articles": "passage",
    "topic": "topic",
    "topics": "topic",
    "fact": "fact",
    "facts": "fact",
    "glossary": "glossary",
    "term": "glossary",
    "terms": "glossary",
}
MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 32
# Whatever is typed, an engine that can stop early stops collecting once the search has
# used this much CPU, or this much time in all, and the hits found so far are shown, with
# :func:`time_limit_message` (Whoosh: ``whoosh_query.BudgetCollector``; tantivy answers these
# capped queries in milliseconds and has no such hook). CPU, not wall time, so that a busy
# machine makes a search slower but does not change its answer.
QUERY_TIME_LIMIT_S = 2.0
QUERY_WALL_LIMIT_S = 10.0


def time_limit_message() -> str:
    return (
        f"search stopped at its time limit ({QUERY_TIME_LIMIT_S:g} s of work, {QUERY_WALL_LIMIT_S:g} s in all):"
        " showing the hits found by then (a narrower query finds all)"
    )


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "＂": '"'})
_LEXER = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<fneg>-)?(?P<field>[A-Za-z_]+):(?:"(?P<fquoted>[^"]*)(?P<fclose>"?)|(?P<fvalue>[^\s"]*))
  | (?P<pneg>-)?"(?P<phrase>[^"]*)(?P<close>"?)
  | (?P<word>[^\s"]+)
    """,
    re.VERBOSE,
)


# ---------------------------------------------------------------- the parser


_SURROGATES = re.compile("[\ud800-\udfff]")


def parse(raw: str, context: QueryContext | None = None) -> ParsedQuery:
    context = context or QueryContext()
    messages: list[str] = []
    # Lone surrogates (raw bytes from argv) cannot be encoded; whoosh raised on them.
    text = _SURROGATES.sub("\ufffd", (raw or "").translate(_QUOTES))
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        messages.append(f"query too long; used its first {MAX_QUERY_CHARS} characters")
    items: list[QueryItem] = []  # clauses and the operators "OR" / "NOT"
    filters: list[Clause] = []
    matches = list(_LEXER.finditer(text))
    numbers = _typed_numbers(text, matches, context)
    emitted: set[int] = set()
    for match in matches:
        kind = match.lastgroup
        if match.group("space") is not None:
            continue
        if match.group("field") is not None:
            _lex_field(match, items, filters, messages, context)
        elif match.group("close") is not None or match.group("phrase") is not None:
            _lex_phrase(match, items, messages, context)
        elif kind == "word" or match.group("word") is not None:
            number = next((n for n in numbers if n[0] <= match.start() < n[1]), None)
            if number is None:
                _lex_word(match.group("word"), items, messages, context)
            elif number[0] not in emitted:
                emitted.add(number[0])
                items.append(number[2])
    _cap_prefixes(items, messages)
    items = _expand_aliases(items, context)
    clauses = _combine_operators(items, messages)
    if len(clauses) > MAX_CLAUSES:
        clauses = clauses[:MAX_CLAUSES]
        messages.append(f"query has too many parts; used the first {MAX_CLAUSES}")
    return _assemble(clauses, filters, messages)


def _lex_field(
    match: re.Match[str], items: list[QueryItem], filters: list[Clause], messages: list[str], context: QueryContext
) -> None:
    name = match.group("field").lower()
    value = match.group("fquoted") if match.group("fquoted") is not None else (match.group("fvalue") or "")
    negated = bool(match.group("fneg"))
    if match.group("fquoted") is not None and not match.group("fclose"):
        messages.append("unbalanced quote ignored")
    if name not in FILTERS:
        messages.append(
            f"unknown filter {name + ':'!r} searched as words (filters: {', '.join(f + ':' for f in FILTERS)})"
        )
        for word in surface_words(f"{match.group('field')} {value}"):
            _lex_word(("-" if negated else "") + word, items, messages, context)
        return
    if not value.strip():
        messages.append(f"filter {name}: needs a value; ignored")
        return
    clause = _filter_clause(name, value.strip(), messages, context)
    if clause is not None:
        clause.negated = negated
        filters.append(clause)


_NUMBER = r"\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?"


def _value_filter(value: str, messages: list[str]) -> Clause | None:
    """``value:4e12..5e12`` (either side may be open: ``value:..100``), or ``value:4.39e12``
    (within the rounding of the digits typed)."""
    from jjj_brief.search import values

    found = re.fullmatch(rf"\s*({_NUMBER})?\s*(\.\.)?\s*({_NUMBER})?\s*", value, re.IGNORECASE)
    if not found or not (found.group(1) or found.group(3)) or (found.group(3) and not found.group(2)):
        messages.append(f"value:{value} is not a number or range like 4e12..5e12; ignored")
        return None
    low_text, high_text = found.group(1), found.group(3)
    if found.group(2):
        low = float(low_text.replace(",", "")) if low_text else 0.0
        high = float(high_text.replace(",", "")) if high_text else math.inf
        low, high = min(low, high), max(low, high)
    else:
        mantissa, _, exponent = low_text.lower().replace(",", "").partition("e")
        scale = 10.0 ** int(exponent or 0)
        center = float(mantissa) * scale
        half = values._half_unit(mantissa, scale)
        low, high = center - half, center + half
    node = ValueRange("values", low, high, None, values.range_keys(low, high, None), widen=False)
    return Clause(node, f"value:{value.strip()}", values=(node,))


def _filter_clause(name: str, value: str, messages: list[str], context: QueryContext) -> Clause | None:
    if name == "outlet":
        terms = [term for word in surface_words(value) for term, _ in surface_analysis(word)[0]]
        if not terms:
            messages.append(f"outlet:{value} has no searchable words; ignored")
            return None
        query = all_of([Term("outlet_terms", t) for t in terms])
        return Clause(query, f"outlet:{_shown_phrase(value)}")
    if name == "year":
        found = re.fullmatch(r"(\d{4})(?:\s*(?:\.\.|-|–|to)\s*(\d{4}))?", value)
        if not found:
            messages.append(f"year:{value} is not a year or range like 2023..2024; ignored")
            return None
        low, high = int(found.group(1)), int(found.group(2) or found.group(1))
        low, high = min(low, high), max(low, high)
        if high - low > 300:
            messages.append(f"year range {value} is too wide; ignored")
            return None
        years = [Keyword("year", str(y)) for y in range(low, high + 1)]
        shown = f"year:{low}" if low == high else f"year:{low}..{high}"
        return Clause(any_of(years), shown)
    if name == "article":
        resolved = context.resolve_article(value)
        if resolved is None:
            messages.append(f"unknown article {value!r}")
            resolved = value.lower()
        return Clause(Keyword("article", resolved), f"article:{resolved}")
    if name == "topic":
        return Clause(Keyword("topics", value.lower()), f"topic:{value.lower()}")
    if name == "value":
        return _value_filter(value, messages)
    if name == "unit":
        from jjj_brief.figures import normalize_unit
        from jjj_brief.search import values

        unit = values.canonical_unit(normalize_unit(value))
        if not unit:
            messages.append(f"unit:{value} is not a unit; ignored")
            return None
        node = ValueRange("values", 0.0, math.inf, unit, values.range_keys(0.0, math.inf, unit), widen=False)
        return Clause(node, f"unit:{unit}", values=(node,))
    if name == "sort":
        order = SORTS.get(value.lower())
        if order is None:
            messages.append(f"sort:{value} unknown (sort:date, sort:-date, sort:relevance); ignored")
            return None
        return Clause(Every(), f"sort:{order}", sort=order)
    kind = KIND_NAMES.get(value.lower())
    if kind is None:
        messages.append(f"kind:{value} unknown (kinds: passage, topic, fact, glossary, note, claim); ignored")
        return None
    return Clause(Keyword("kind", kind), f"kind:{kind}")


def _combine_operators(items: list[QueryItem], messages: list[str]) -> list[Clause]:
    clauses: list[Clause] = []
    pending_or = False
    pending_not = False
    for item in items:
        if isinstance(item, str):  # an operator word
            if item == "NOT":
                pending_not = True
            elif not clauses or pending_or or clauses[-1].negated:
                messages.append("OR needs a word on each side; ignored")
            else:
                pending_or = True
            continue
        clause = item
        if pending_not:
            clause.negated, pending_not = True, False
            clause.plain_word = None
        if pending_or and not clause.negated:
            left = clauses.pop()
            or_group = getattr(left, "_or_group", False)
            subqueries = list(left.query.children) if or_group and isinstance(left.query, Or) else [left.query]
            merged = Clause(
                Or((*subqueries, clause.query)),
                f"{left.shown} OR {clause.shown}",
                left.terms | clause.terms,
                values=left.values + clause.values,
                required=True,
            )
            merged._or_group = True  # type: ignore[attr-defined]
            clauses.append(merged)
        else:
            if pending_or:
                messages.append("OR needs a word on each side; ignored")
            clauses.append(clause)
        pending_or = False
    if pending_or:
        messages.append("OR needs a word on each side; ignored")
    if pending_not:
        messages.append("NOT needs a word after it; ignored")
    return clauses


def _assemble(clauses: list[Clause], filters: list[Clause], messages: list[str]) -> ParsedQuery:
    sort = "relevance"
    for clause in [f for f in filters if f.sort]:
        sort = clause.sort or sort
    filters = _merge_unit_filters([f for f in filters if not f.sort])
    positive = [c for c in clauses if not c.negated]
    if any(not _is_filler(c) for c in positive):
        positive = [c for c in positive if not _is_filler(c)]  # "how much did ...": not concepts
    negative = [c for c in clauses if c.negated]
    filter_pos = [f for f in filters if not f.negated]
    filter_neg = [f for f in filters if f.negated]
    words = [c.plain_word for c in positive if c.plain_word]
    terms = set().union(*(c.terms for c in positive)) if positive else set()
    shown_parts = [c.shown for c in positive] + [f"NOT {c.shown}" for c in negative]
    shown_parts += [f.shown for f in filter_pos] + [f"NOT {f.shown}" for f in filter_neg]
    if sort != "relevance":
        shown_parts.append(f"sort:{sort}")
    shown = " ".join(shown_parts)
    must = [c.query for c in positive] + [f.query for f in filter_pos]
    must_not = [c.query for c in negative] + [f.query for f in filter_neg]
    if not must and not must_not:
        if not messages:
            messages.append('nothing to search for: type a word, a "phrase" or a filter')
        return ParsedQuery(None, "", set(), [], messages, sort=sort)
    if not must:
        must = [Every()]
        messages.append("only exclusions given: showing everything else")
    query: Node = all_of(must) if not must_not else And((*must, *(Not(node) for node in must_not)))
    concepts = [
        Concept(c.query, c.label or c.shown, c.terms, c.values, c.required, loose=c.loose, loose_terms=c.loose_terms)
        for c in positive
    ]
    if len(concepts) >= MIN_FALLBACK_CONCEPTS:  # a sentence: its little words are no news
        messages[:] = [m for m in messages if not m.startswith("common word ")]
    restriction = [f.query for f in filter_pos] + [Not(node) for node in must_not]
    fallback, minimum = _fallback(concepts, restriction)
    value_filters = tuple(r for f in filter_pos for r in f.values)
    return ParsedQuery(
        query,
        shown,
        terms,
        words,
        messages,
        is_filter_only=not positive,
        concepts=concepts,
        fallback=fallback,
        fallback_minimum=minimum,
        value_filters=value_filters,
        sort=sort,
    )


def _is_filler(clause: Clause) -> bool:
    return bool(clause.plain_word) and fold(clause.plain_word) in FILLER_WORDS


def _merge_unit_filters(filters: list[Clause]) -> list[Clause]:
    """``unit:yuan`` with ``value:a..b`` narrows the range to that unit (one check, not two)."""
    units = [f for f in filters if not f.negated and f.shown.startswith("unit:")]
    ranges = [f for f in filters if not f.negated and f.shown.startswith("value:")]
    if len(units) != 1 or not ranges:
        return filters
    from jjj_brief.search import values

    unit = units[0].values[0].unit
    merged = []
    for f in filters:
        if f is units[0]:
            continue
        if f in ranges:
            old = f.values[0]
            node = ValueRange(old.field, old.low, old.high, unit, values.range_keys(old.low, old.high, unit), old.widen)
            f = Clause(node, f"{f.shown} unit:{unit}", values=(node,))
        merged.append(f)
    return merged


def _fallback(concepts: list[Concept], restriction: list[Node]) -> tuple[Node | None, int]:
    """The natural fallback: passages holding most concepts (a majority of them).

    Phrases and OR groups stay required; plain words, glossary groups, prefixes and
    numbers are counted. Fewer than :data:`MIN_FALLBACK_CONCEPTS` concepts: none (for
    two, "most" is both)."""
    counted = [c for c in concepts if not c.required]
    required = [c for c in concepts if c.required]
    total = len(concepts)
    if total < MIN_FALLBACK_CONCEPTS or len(counted) < 2:
        return None, 0
    minimum = max(1, total // 2 + 1 - len(required))
    if minimum >= len(counted):
        return None, 0
    parts: list[Node] = [c.node for c in required] + [AtLeast(minimum, tuple(c.node for c in counted))]
    return all_of(parts + restriction), minimum
