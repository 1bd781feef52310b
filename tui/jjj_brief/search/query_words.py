"""Words, phrases, prefixes, numbers and glossary spellings as clauses of a query.

The lexing of everything typed outside a filter (:mod:`jjj_brief.search.query` runs the
lexer and calls these): a word (with its family for the natural fallback), a "phrase",
a prefix*, a number with a scale or unit (matched by value through the figure layer), and
runs of words that spell a glossary alias (expanded to all its spellings).
"""

from __future__ import annotations

import bisect
import re
from typing import Any, Literal

from jjj_brief.search.analyzer import STOP_WORDS, fold, stem, surface_analysis, surface_words, words_key
from jjj_brief.search.query_tree import (
    Clause,
    Node,
    Nothing,
    Or,
    Phrase,
    Prefix,
    QueryContext,
    Term,
    ValueRange,
    any_of,
)

QueryItem = Clause | Literal["OR", "NOT"]
"""What the lexer lists: a clause, or an operator word (``OR``, ``NOT``)."""

MAX_PREFIX_TERMS = 200  # words one prefix stands for, at most
MAX_QUERY_PREFIX_TERMS = 240  # ... and all the prefixes of a query together (a* OR b* OR ... l*)
MAX_ALIAS_WORDS = 8

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


def _typed_numbers(text: str, matches: list[re.Match[str]], context: QueryContext) -> list[tuple[int, int, Clause]]:
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


def _lex_word(word: str, items: list[QueryItem], messages: list[str], context: QueryContext) -> None:
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


def _cap_prefixes(items: list[QueryItem], messages: list[str]) -> None:
    """Bound what the prefixes of one query expand to, together: each gets an equal share
    of :data:`MAX_QUERY_PREFIX_TERMS` (at most :data:`MAX_PREFIX_TERMS`, at least one), so
    the cost of ``a* OR b* OR … OR l*`` does not grow with the vocabulary. A prefix cut short says so: "showing words starting with a… (first 20)"."""
    prefixes = [(c, c.query) for c in items if isinstance(c, Clause) and isinstance(c.query, Prefix)]
    if not prefixes:
        return
    share = min(MAX_PREFIX_TERMS, max(1, MAX_QUERY_PREFIX_TERMS // len(prefixes)))
    cut: list[str] = []
    for clause, node in prefixes:
        if len(node.expanded) > share:
            kept = node.expanded[:share]
            clause.query = Prefix(node.field, node.prefix, kept)
            clause.terms = {(t,) for t in kept}
            cut.append(f"{node.prefix}…")
    if cut:
        messages.append(
            f"showing words starting with {', '.join(cut)} (first {share}{' each' if len(cut) > 1 else ''})"
        )


def _lex_phrase(match: re.Match[str], items: list[QueryItem], messages: list[str], context: QueryContext) -> None:
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


def prune_variants(leaves: list[Any]) -> list[Any]:
    """Drop alternatives whose matches another alternative already covers.

    In an OR, a phrase containing a word that is itself an alternative (``"Xiongan New
    Area"`` next to ``Xiongan``), or containing a shorter alternative phrase, matches a
    subset of that alternative. Phrases are the expensive part of a query in Whoosh.
    Works on any term/phrase leaves with ``text`` / ``words`` (ours, or an engine's).
    """

    def is_phrase(leaf: Any) -> bool:
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


def _expand_aliases(items: list[QueryItem], context: QueryContext) -> list[QueryItem]:
    """Replace runs of plain words that spell a glossary alias by the alias group (longest first)."""
    if not context.alias_groups:
        return items
    out: list[QueryItem] = []
    i = 0
    while i < len(items):
        matched = False
        for width in range(min(MAX_ALIAS_WORDS, len(items) - i), 0, -1):
            words = [c.plain_word for c in items[i : i + width] if isinstance(c, Clause) and c.plain_word]
            if len(words) < width:  # not a run of plain words
                continue
            typed = " ".join(words)
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
