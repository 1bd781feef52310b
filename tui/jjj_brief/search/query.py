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
=====================  =====================================================

Natural queries: when the strict query (every concept) finds fewer hits than a page,
the search goes on to passages holding most of its concepts (:attr:`ParsedQuery.fallback`);
see :class:`Concept`.

Parsing never fails: anything it cannot use is dropped and reported in ``messages``
(an unbalanced quote, a lone ``OR``, a field that does not exist, an over-long query).
Words that a glossary entry lists as spellings of one thing are expanded to all of them.

The query tree
--------------
:func:`parse` returns an engine-neutral tree of plain frozen dataclasses; nothing here
imports a search engine. Each engine compiles the tree (Whoosh:
:mod:`jjj_brief.search.whoosh_query`). Terms in the tree are already analyzed (folded,
stemmed: see :mod:`jjj_brief.search.analyzer`), so an engine looks them up verbatim.

=================================  ==================================================
``Term(field, text)``              one analyzed term in a text field (``body``,
                                   ``outlet_terms``)
``Phrase(field, words)``           analyzed terms at consecutive positions
``Prefix(field, prefix, expanded)`` words starting with ``prefix``; ``expanded`` is the
                                   stemmed terms of the vocabulary it matched (capped),
                                   which is what engines search (an OR of them)
``Keyword(field, value)``          exact value of a keyword field (``kind``, ``article``,
                                   ``year``, ``topics``): a filter, not analyzed
``And(children)``                  all children; a ``Not`` child excludes
``Or(children)``                   any child
``Not(child)``                     only meaningful as a child of ``And``
``Every()``                        every document (a query of exclusions only)
``Nothing()``                      no document (a prefix nothing starts with)
``ValueRange(field, low, high,``   documents with a figure valued in ``[low, high]``
``unit, keys, widen)``             (``unit`` None: any). Engines match any of ``keys``
                                   (terms of the ``values`` keyword field, computed
                                   by :mod:`jjj_brief.search.values`): candidates,
                                   which the search API verifies per hit
``AtLeast(minimum, children)``     at least ``minimum`` children match. An engine
                                   may return a superset ranked by score (an Or);
                                   the search API counts what each hit holds
=================================  ==================================================

To add a node: define a frozen dataclass here, produce it in the parser, and register
a compiler for it in each engine's module (they dispatch on the node class, and raise
``TypeError`` for a node they do not know, so a forgotten engine fails loudly in tests).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from jjj_brief.search.analyzer import STOP_WORDS, fold, stem, surface_analysis, surface_words, words_key

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
MAX_PREFIX_TERMS = 200  # words one prefix stands for, at most
MAX_QUERY_PREFIX_TERMS = 240  # ... and all the prefixes of a query together (a* OR b* OR ... l*)
# Whatever is typed, an engine that can stop early stops collecting after this long and
# the hits found so far are shown, with :func:`time_limit_message` (Whoosh: a time-limited
# collector; tantivy answers these capped queries in milliseconds and has no such hook).
QUERY_TIME_LIMIT_S = 2.0


def time_limit_message() -> str:
    return f"search stopped after {QUERY_TIME_LIMIT_S:g} s: showing the hits found by then (a narrower query finds all)"


MAX_ALIAS_WORDS = 8

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


# ---------------------------------------------------------------- the neutral query tree


@dataclass(frozen=True, slots=True)
class Term:
    field: str
    text: str


@dataclass(frozen=True, slots=True)
class Phrase:
    field: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Prefix:
    field: str
    prefix: str  # folded, as typed (for display)
    expanded: tuple[str, ...]  # the stemmed index terms it stands for


@dataclass(frozen=True, slots=True)
class Keyword:
    field: str
    value: str


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class Every:
    pass


@dataclass(frozen=True, slots=True)
class ValueRange:
    field: str
    low: float
    high: float
    unit: str | None  # canonical unit; None: any
    keys: tuple[str, ...]  # keyword terms whose buckets cover the range (candidates)
    widen: bool = True  # a figure's own printed rounding may reach the range (typed numbers)


@dataclass(frozen=True, slots=True)
class AtLeast:
    minimum: int
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Nothing:
    pass


Node = Term | Phrase | Prefix | Keyword | And | Or | Not | Every | Nothing | ValueRange | AtLeast


def any_of(children: Sequence[Node]) -> Node:
    """``Or`` of ``children``, or the one child alone."""
    return children[0] if len(children) == 1 else Or(tuple(children))


def all_of(children: Sequence[Node]) -> Node:
    """``And`` of ``children``, or the one child alone."""
    return children[0] if len(children) == 1 else And(tuple(children))


def walk(node: Node) -> Iterator[Node]:
    """``node`` and all its descendants, depth first."""
    yield node
    if isinstance(node, (And, Or, AtLeast)):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Not):
        yield from walk(node.child)


@dataclass
class Clause:
    """One unit of the query: its tree, how we show it, and the terms it lights."""

    query: Node
    shown: str
    terms: set[tuple[str, ...]] = field(default_factory=set)  # term sequences to light
    negated: bool = False
    plain_word: str | None = None  # the typed word, for alias windows and "did you mean"
    values: tuple[ValueRange, ...] = ()  # a number's value ranges
    required: bool = False  # phrase / OR group: strict in the natural fallback
    sort: str | None = None  # a sort: "filter"
    label: str | None = None  # as typed (a glossary group shows all its spellings)
    loose: Node | None = None  # the word's family (settle: settlement), for the fallback
    loose_terms: set[tuple[str, ...]] = field(default_factory=set)


@dataclass
class Concept:
    """One thing a query asks for: a word (with its glossary spellings), a phrase, an OR
    group, a prefix or a number. The natural fallback counts concepts held, and a hit
    lists the ones it lacks (``missing``)."""

    node: Node
    shown: str  # as typed ("missing" lists these)
    terms: set[tuple[str, ...]]
    values: tuple[ValueRange, ...] = ()  # a number concept's ranges (verified per hit)
    required: bool = False  # a "phrase" or an OR group keeps its strict meaning
    filler: bool = False  # "how", "did" ...: not counted, never missing
    loose: Node | None = None  # what the fallback counts: the word's family (see _word_family)
    loose_terms: set[tuple[str, ...]] = field(default_factory=set)


@dataclass
class ParsedQuery:
    query: Node | None  # None: nothing searchable was typed
    shown: str
    terms: set[tuple[str, ...]]  # positive term sequences (1 = single term), for highlighting
    words: list[str]  # plain words as typed (for "did you mean")
    messages: list[str]
    is_filter_only: bool = False
    concepts: list[Concept] = field(default_factory=list)
    fallback: Node | None = None  # most concepts + the same filters; None: no fallback
    fallback_minimum: int = 0  # concepts (counted ones) a fallback hit must hold
    value_filters: tuple[ValueRange, ...] = ()  # value:/unit: filters (verified per hit)
    sort: str = "relevance"  # relevance | date | -date

    @property
    def value_ranges(self) -> tuple[ValueRange, ...]:
        """Every range a hit's figures are checked against (numbers typed and value: filters)."""
        return tuple(r for c in self.concepts for r in c.values) + self.value_filters


@dataclass
class QueryContext:
    """What parsing needs to know about the index."""

    alias_groups: dict[str, list[str]] = field(default_factory=dict)  # words_key -> spellings
    vocabulary: Sequence[str] = ()  # sorted folded words, for prefixes
    resolve_article: Callable[[str], str | None] = lambda ref: None

    @classmethod
    def build(
        cls,
        groups: Sequence[Sequence[str]],
        vocabulary: Sequence[str],
        resolve_article: Callable[[str], str | None] | None = None,
    ) -> QueryContext:
        by_key: dict[str, list[str]] = {}
        for group in groups:
            spellings = [s for s in dict.fromkeys(group) if words_key(s)]
            if len(spellings) < 2:
                continue
            for spelling in spellings:
                merged = by_key.setdefault(words_key(spelling), [])
                merged.extend(s for s in spellings if s not in merged)
        return cls(by_key, sorted(vocabulary), resolve_article or (lambda ref: None))


# ---------------------------------------------------------------- text -> query tree


def text_query(text: str, fieldname: str = "body") -> tuple[Node | None, set[tuple[str, ...]]]:
    """The query for one spelling or phrase, matching both split and closed compounds."""
    split_terms: list[str] = []
    closed_terms: list[str] = []
    for surface in surface_words(text):
        parts, closed = surface_analysis(surface)
        split_terms.extend(term for term, _ in parts)
        if closed is not None:
            closed_terms.append(closed[0])
        else:
            closed_terms.extend(term for term, _ in parts)
    if not split_terms and not closed_terms:
        return None, set()
    highlight = {tuple(seq) for seq in (split_terms, closed_terms) if seq}
    variants: list[Node] = []
    for sequence in (split_terms, closed_terms):
        if not sequence:
            continue
        variant: Node = Term(fieldname, sequence[0]) if len(sequence) == 1 else Phrase(fieldname, tuple(sequence))
        if variant not in variants:
            variants.append(variant)
    return any_of(variants), highlight


def _shown_phrase(text: str) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if (" " in text or not text) else text


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
    items: list[Clause | str] = []  # clauses and the operators "OR" / "NOT"
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


def _typed_numbers(text: str, matches: list[re.Match], context: QueryContext) -> list[tuple[int, int, Clause]]:
    """Numbers with a scale or unit typed as plain words: (start, end, clause) each.

    The figure grammar reads them (the one reader of numbers), over the plain words only:
    fields, phrases and negated words are blanked out first. A number that spells a
    glossary alias ("1-1.5 hour") stays words, so the alias expansion keeps it.
    """
    if not any(ch.isdigit() for ch in text) and not re.search(r"(?i)illion|thousand", text):
        return []
    plain = list(text)
    for match in matches:
        word = match.group("word")
        if word is None or word.startswith("-") or word in ("OR", "NOT"):
            plain[match.start() : match.end()] = " " * (match.end() - match.start())
    try:
        from jjj_brief.figures import extract_figures
        from jjj_brief.search import values
    except ImportError:  # pragma: no cover - figures ship with the package
        return []
    found = []
    for figure in extract_figures("".join(plain)):
        if figure.kind not in values.VALUE_KINDS or figure.value is None or figure.value <= 0:
            continue
        number_text = values._printed_number(figure.text) or ""
        scaled = number_text and abs(float(number_text.replace(",", "")) - figure.value) > 1e-9
        if figure.unit is None and not scaled:
            continue  # a bare number ("38.6") stays a word
        typed = figure.text
        if figure.qualifier and typed.lower().startswith(figure.qualifier):
            typed = typed[len(figure.qualifier) :].strip()
        if words_key(typed) in context.alias_groups:
            continue
        found.append((figure.start, figure.end, _number_clause(typed, figure.value, figure.unit)))
    return found


def _number_clause(typed: str, value: float, unit: str | None) -> Clause:
    from jjj_brief.search import values

    tolerance = values.printed_tolerance(typed, value, query=True)
    unit = values.canonical_unit(unit)
    low, high = value - tolerance, value + tolerance
    value_range = ValueRange("values", low, high, unit, values.range_keys(low, high, unit))
    words, terms = text_query(typed)
    node: Node = Or((words, value_range)) if words is not None else value_range
    # plain_word: a run of words including the number can still spell a glossary alias.
    return Clause(node, typed, terms, values=(value_range,), plain_word=typed)


def _lex_word(word: str, items: list, messages: list[str], context: QueryContext) -> None:
    if word in ("OR", "||", "|"):
        items.append("OR")
        return
    if word in ("NOT", "!"):
        items.append("NOT")
        return
    if word in ("AND", "&&", "&", "+"):
        return
    negated = False
    if word.startswith("-") and len(word) > 1:
        negated, word = True, word.lstrip("-")
    elif word == "-" or not surface_words(word):
        return  # punctuation only
    if word.endswith("*") and surface_words(word.rstrip("*")):
        clause = _prefix_clause(word.rstrip("*"), context)
        if clause is None:
            messages.append(f"nothing in the index starts with {word.rstrip('*')!r}")
            clause = Clause(Nothing(), word)
        clause.negated = negated
        items.append(clause)
        return
    query, terms = text_query(word)
    if query is None:
        if fold(word.strip("*")) in STOP_WORDS:
            messages.append(f"common word {word!r} ignored")
        return
    clause = Clause(query, word, terms, negated, plain_word=None if negated else word)
    if not negated:
        clause.loose, clause.loose_terms = _word_family(word, context)
    items.append(clause)


_SUFFIXES = ("ations", "ation", "ments", "ment", "ions", "ion", "ing", "ly", "ed", "es", "al", "s", "y")
MIN_ROOT = 5
MAX_FAMILY = 24


def _word_family(word: str, context: QueryContext) -> tuple[Node | None, set[tuple[str, ...]]]:
    """The word with its derivations, for the natural fallback only: the corpus words
    sharing its root (``settle`` -> settled, settlement; ``directly`` -> direct;
    ``provinces`` -> provincial), which stemming keeps apart. None for short roots,
    numbers, compounds, or roots so common that they stop meaning the word."""
    parts, closed = surface_analysis(word) if len(surface_words(word)) == 1 else ((), None)
    if closed is not None or len(parts) != 1 or any(ch.isdigit() for ch in word):
        return None, set()
    folded = parts[0][1]
    root = folded
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) - len(suffix) >= MIN_ROOT:
            root = folded[: -len(suffix)]
            break
    if len(root) < MIN_ROOT:
        return None, set()
    vocab = context.vocabulary
    i = bisect.bisect_left(vocab, root)
    family: list[str] = [parts[0][0]]
    while i < len(vocab) and vocab[i].startswith(root):
        term = stem(vocab[i])
        if term not in family:
            family.append(term)
            if len(family) > MAX_FAMILY:
                return None, set()
        i += 1
    if len(family) == 1:
        return None, set()
    return Prefix("body", root, tuple(family)), {(t,) for t in family}


def _prefix_clause(stem_text: str, context: QueryContext) -> Clause | None:
    words = surface_words(stem_text)
    parts, closed = surface_analysis(words[0]) if len(words) == 1 else ((), None)
    prefix = closed[1] if closed else (parts[0][1] if parts else fold(stem_text))
    vocab = context.vocabulary
    i = bisect.bisect_left(vocab, prefix)
    terms: list[str] = []
    seen: set[str] = set()
    while i < len(vocab) and vocab[i].startswith(prefix) and len(terms) <= MAX_PREFIX_TERMS:
        term = stem(vocab[i])
        if term not in seen:
            seen.add(term)
            terms.append(term)
        i += 1
    if not terms:
        return None
    return Clause(Prefix("body", prefix, tuple(terms)), f"{prefix}*", {(t,) for t in terms})


def _cap_prefixes(items: list, messages: list[str]) -> None:
    """Bound what the prefixes of one query expand to, together: each gets an equal share
    of :data:`MAX_QUERY_PREFIX_TERMS` (at most :data:`MAX_PREFIX_TERMS`, at least one), so the cost of ``a* OR b* OR … OR l*`` does not grow with the
    vocabulary. A prefix cut short says so: "showing words starting with a… (first 20)"."""
    prefixes = [c for c in items if isinstance(c, Clause) and isinstance(c.query, Prefix)]
    if not prefixes:
        return
    share = min(MAX_PREFIX_TERMS, max(1, MAX_QUERY_PREFIX_TERMS // len(prefixes)))
    cut: list[str] = []
    for clause in prefixes:
        node = clause.query
        if len(node.expanded) > share:
            kept = node.expanded[:share]
            clause.query = Prefix(node.field, node.prefix, kept)
            clause.terms = {(t,) for t in kept}
            cut.append(f"{node.prefix}…")
    if cut:
        messages.append(
            f"showing words starting with {', '.join(cut)} (first {share}{' each' if len(cut) > 1 else ''})"
        )


def _lex_phrase(match: re.Match, items: list, messages: list[str], context: QueryContext) -> None:
    phrase = match.group("phrase") or ""
    negated = bool(match.group("pneg"))
    if not match.group("close"):
        messages.append("unbalanced quote ignored")
        for word in phrase.split():
            _lex_word(word, items, messages, context)
        return
    query, terms = text_query(phrase)
    if query is None:
        if phrase.strip():
            messages.append(f"phrase {phrase!r} has only common words; ignored")
        return
    aliases = context.alias_groups.get(words_key(phrase))
    if aliases and not negated:
        items.append(_alias_clause(phrase, aliases))
        return
    items.append(Clause(query, _shown_phrase(phrase), terms, negated, required=True))


def _lex_field(match: re.Match, items: list, filters: list[Clause], messages: list[str], context: QueryContext) -> None:
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
        terms = [t for t in (surface_analysis(w)[0] for w in surface_words(value)) for t, _ in t]
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


# ---------------------------------------------------------------- aliases and operators


def _alias_clause(typed: str, spellings: list[str]) -> Clause:
    leaves: list[Node] = []
    terms: set[tuple[str, ...]] = set()
    for spelling in [typed, *spellings]:
        query, spelling_terms = text_query(spelling)
        if query is None:
            continue
        terms |= spelling_terms
        for leaf in query.children if isinstance(query, Or) else [query]:
            if leaf not in leaves:
                leaves.append(leaf)
    leaves = prune_variants(leaves)
    shown_keys = {words_key(typed)}
    others = []
    for spelling in spellings:
        if words_key(spelling) not in shown_keys:
            shown_keys.add(words_key(spelling))
            others.append(spelling)
    shown = (
        _shown_phrase(typed) if not others else ("(" + " OR ".join(_shown_phrase(s) for s in [typed, *others]) + ")")
    )
    return Clause(any_of(leaves), shown, terms, plain_word=None, label=typed)


def prune_variants(leaves: list) -> list:
    """Drop alternatives whose matches another alternative already covers.

    In an OR, a phrase containing a word that is itself an alternative (``"Xiongan New
    Area"`` next to ``Xiongan``), or containing a shorter alternative phrase, matches a
    subset of that alternative. Phrases are the expensive part of a query in Whoosh.
    Works on any term/phrase leaves with ``text`` / ``words`` (ours, or an engine's).
    """

    def is_phrase(leaf) -> bool:
        return getattr(leaf, "words", None) is not None

    singles = {leaf.text for leaf in leaves if not is_phrase(leaf) and isinstance(getattr(leaf, "text", None), str)}
    phrases = [tuple(leaf.words) for leaf in leaves if is_phrase(leaf)]

    def covered(words: tuple[str, ...]) -> bool:
        if singles.intersection(words):
            return True
        for other in phrases:
            if len(other) < len(words) and any(
                words[i : i + len(other)] == other for i in range(len(words) - len(other) + 1)
            ):
                return True
        return False

    return [leaf for leaf in leaves if not (is_phrase(leaf) and covered(tuple(leaf.words)))]


def _expand_aliases(items: list, context: QueryContext) -> list:
    """Replace runs of plain words that spell a glossary alias by the alias group (longest first)."""
    if not context.alias_groups:
        return items
    out: list = []
    i = 0
    while i < len(items):
        matched = False
        for width in range(min(MAX_ALIAS_WORDS, len(items) - i), 0, -1):
            window = items[i : i + width]
            if not all(isinstance(c, Clause) and c.plain_word for c in window):
                continue
            typed = " ".join(c.plain_word for c in window)  # type: ignore[union-attr]
            spellings = context.alias_groups.get(words_key(typed))
            if spellings:
                out.append(_alias_clause(typed, spellings))
                i += width
                matched = True
                break
        if not matched:
            out.append(items[i])
            i += 1
    return out


def _combine_operators(items: list, messages: list[str]) -> list[Clause]:
    clauses: list[Clause] = []
    pending_or = False
    pending_not = False
    for item in items:
        if item == "OR":
            if not clauses or pending_or or clauses[-1].negated:
                messages.append("OR needs a word on each side; ignored")
            else:
                pending_or = True
            continue
        if item == "NOT":
            pending_not = True
            continue
        clause = item
        if pending_not:
            clause.negated, pending_not = True, False
            clause.plain_word = None
        if pending_or and not clause.negated:
            left = clauses.pop()
            subqueries = list(left.query.children) if getattr(left, "_or_group", False) else [left.query]
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
