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
=====================  =====================================================

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
=================================  ==================================================

To add a node: define a frozen dataclass here, produce it in the parser, and register
a compiler for it in each engine's module (they dispatch on the node class, and raise
``TypeError`` for a node they do not know, so a forgotten engine fails loudly in tests).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from jjj_brief.search.analyzer import STOP_WORDS, fold, stem, surface_analysis, surface_words, words_key

FILTERS = ("outlet", "year", "article", "topic", "kind")
KIND_NAMES = {
    "passage": "passage", "passages": "passage", "article": "passage", "articles": "passage",
    "topic": "topic", "topics": "topic",
    "fact": "fact", "facts": "fact",
    "glossary": "glossary", "term": "glossary", "terms": "glossary",
}
MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 32
MAX_PREFIX_TERMS = 200
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
    children: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: "Node"


@dataclass(frozen=True, slots=True)
class Every:
    pass


@dataclass(frozen=True, slots=True)
class Nothing:
    pass


Node = Term | Phrase | Prefix | Keyword | And | Or | Not | Every | Nothing


def any_of(children: Sequence[Node]) -> Node:
    """``Or`` of ``children``, or the one child alone."""
    return children[0] if len(children) == 1 else Or(tuple(children))


def all_of(children: Sequence[Node]) -> Node:
    """``And`` of ``children``, or the one child alone."""
    return children[0] if len(children) == 1 else And(tuple(children))


def walk(node: Node) -> Iterator[Node]:
    """``node`` and all its descendants, depth first."""
    yield node
    if isinstance(node, (And, Or)):
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


@dataclass
class ParsedQuery:
    query: Node | None  # None: nothing searchable was typed
    shown: str
    terms: set[tuple[str, ...]]  # positive term sequences (1 = single term), for highlighting
    words: list[str]  # plain words as typed (for "did you mean")
    messages: list[str]
    is_filter_only: bool = False


@dataclass
class QueryContext:
    """What parsing needs to know about the index."""

    alias_groups: dict[str, list[str]] = field(default_factory=dict)  # words_key -> spellings
    vocabulary: Sequence[str] = ()  # sorted folded words, for prefixes
    resolve_article: Callable[[str], str | None] = lambda ref: None

    @classmethod
    def build(cls, groups: Sequence[Sequence[str]], vocabulary: Sequence[str],
              resolve_article: Callable[[str], str | None] | None = None) -> "QueryContext":
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
    for match in _LEXER.finditer(text):
        kind = match.lastgroup
        if match.group("space") is not None:
            continue
        if match.group("field") is not None:
            _lex_field(match, items, filters, messages, context)
        elif match.group("close") is not None or match.group("phrase") is not None:
            _lex_phrase(match, items, messages, context)
        elif kind == "word" or match.group("word") is not None:
            _lex_word(match.group("word"), items, messages, context)
    items = _expand_aliases(items, context)
    clauses = _combine_operators(items, messages)
    if len(clauses) > MAX_CLAUSES:
        clauses = clauses[:MAX_CLAUSES]
        messages.append(f"query has too many parts; used the first {MAX_CLAUSES}")
    return _assemble(clauses, filters, messages)


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
    items.append(Clause(query, word, terms, negated, plain_word=None if negated else word))


def _prefix_clause(stem_text: str, context: QueryContext) -> Clause | None:
    words = surface_words(stem_text)
    parts, closed = surface_analysis(words[0]) if len(words) == 1 else ((), None)
    prefix = closed[1] if closed else (parts[0][1] if parts else fold(stem_text))
    vocab = context.vocabulary
    i = bisect.bisect_left(vocab, prefix)
    terms: list[str] = []
    seen: set[str] = set()
    while i < len(vocab) and vocab[i].startswith(prefix) and len(terms) < MAX_PREFIX_TERMS:
        term = stem(vocab[i])
        if term not in seen:
            seen.add(term)
            terms.append(term)
        i += 1
    if not terms:
        return None
    return Clause(Prefix("body", prefix, tuple(terms)), f"{prefix}*", {(t,) for t in terms})


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
    items.append(Clause(query, _shown_phrase(phrase), terms, negated))


def _lex_field(match: re.Match, items: list, filters: list[Clause], messages: list[str],
               context: QueryContext) -> None:
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
    kind = KIND_NAMES.get(value.lower())
    if kind is None:
        messages.append(f"kind:{value} unknown (kinds: passage, topic, fact, glossary); ignored")
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
        for leaf in (query.children if isinstance(query, Or) else [query]):
            if leaf not in leaves:
                leaves.append(leaf)
    leaves = prune_variants(leaves)
    shown_keys = {words_key(typed)}
    others = []
    for spelling in spellings:
        if words_key(spelling) not in shown_keys:
            shown_keys.add(words_key(spelling))
            others.append(spelling)
    shown = _shown_phrase(typed) if not others else (
        "(" + " OR ".join(_shown_phrase(s) for s in [typed, *others]) + ")"
    )
    return Clause(any_of(leaves), shown, terms, plain_word=None)


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
            merged = Clause(Or((*subqueries, clause.query)), f"{left.shown} OR {clause.shown}",
                            left.terms | clause.terms)
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
    positive = [c for c in clauses if not c.negated]
    negative = [c for c in clauses if c.negated]
    filter_pos = [f for f in filters if not f.negated]
    filter_neg = [f for f in filters if f.negated]
    words = [c.plain_word for c in positive if c.plain_word]
    terms = set().union(*(c.terms for c in positive)) if positive else set()
    shown_parts = [c.shown for c in positive] + [f"NOT {c.shown}" for c in negative]
    shown_parts += [f.shown for f in filter_pos] + [f"NOT {f.shown}" for f in filter_neg]
    shown = " ".join(shown_parts)
    must = [c.query for c in positive] + [f.query for f in filter_pos]
    must_not = [c.query for c in negative] + [f.query for f in filter_neg]
    if not must and not must_not:
        if not messages:
            messages.append("nothing to search for: type a word, a \"phrase\" or a filter")
        return ParsedQuery(None, "", set(), [], messages)
    if not must:
        must = [Every()]
        messages.append("only exclusions given: showing everything else")
    query: Node = all_of(must) if not must_not else And((*must, *(Not(node) for node in must_not)))
    return ParsedQuery(query, shown, terms, words, messages, is_filter_only=not positive)
