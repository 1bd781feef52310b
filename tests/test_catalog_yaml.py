"""The seed catalog is read by libyaml's parser where it reads what PyYAML's own reads.

``catalog.parse_catalog`` takes libyaml's reading only when the text holds none of the
signs where the two parsers were found to differ (``catalog._PYTHON_PARSER_ONLY``) and the
reading validates; anything else is read again by PyYAML's parser. Checked here: on wild
catalog-like text the guarded C reading is PyYAML's; a catalog with a damage reads (or
fails, with the same error) exactly as ``yaml.safe_load`` + :class:`Catalog` did.
"""

from __future__ import annotations

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jjj_brief import paths
from jjj_brief.catalog import _PYTHON_PARSER_ONLY, Catalog, parse_catalog

_SHIPPED = (paths.seeds_dir() / "catalog.yaml").read_text(encoding="utf-8")

# YAML's signs, indents, block scalars, comments, flow collections and odd characters.
_PIECES = st.sampled_from(
    ["a:", "b:", " ", "  ", "\n", "\n  ", "\n    ", "|", ">", "|-", ">-", "+", "-", "- ", "#", "# c", "\n#c\n"]
    + ["x", "y z", "1", "2", ": ", "'q'", '"d"', "[", "]", "{", "}", ",", "?", "? ", "&a ", "*a", "!!str "]
    + ["...", "---", "\\", '"\\x41"', "'", '"', "true", "~", "2024-01-02", ".inf", "<<: ", "é", "京"]
    + ["\t", "\r", "\r\n", "\x01", "\x7f", "\x85", "\u2028", "\ufeff", "\ufffe", "\U0001f600"]
)


def _read(text: str, loader: type) -> tuple[str, object]:
    try:
        return "read", yaml.load(text, Loader=loader)
    except yaml.YAMLError:
        return "refused", None


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_PIECES, max_size=16).map("".join))
@example(text="a: >#")  # a block scalar sign with a comment at once: PyYAML refuses it
@example(text="a: [b ? c]")  # a "?" inside a flow collection: PyYAML refuses it
@example(text="a:\tb")  # a tab after the key: libyaml takes it
def test_where_the_guard_lets_libyaml_read_it_reads_what_pyyaml_reads(text):
    if _PYTHON_PARSER_ONLY.search(text) is not None:
        return
    by_c = _read(text, yaml.CSafeLoader)
    if by_c[0] == "read":  # where libyaml refuses, PyYAML's parser decides anyway
        assert repr(_read(text, yaml.SafeLoader)) == repr(by_c)


def _as_before(text: str) -> tuple[str, object]:
    """How ``load_catalog`` read a catalog's text before: ``yaml.safe_load`` + :class:`Catalog`."""
    try:
        return "entries", Catalog.model_validate(yaml.safe_load(text)).articles
    except Exception as exc:  # the kind and message of any failure must not change
        return type(exc).__name__, str(exc)


def _as_now(text: str) -> tuple[str, object]:
    try:
        return "entries", parse_catalog(text)
    except Exception as exc:
        return type(exc).__name__, str(exc)


def test_the_shipped_catalog_reads_as_before():
    assert _as_now(_SHIPPED) == _as_before(_SHIPPED)
    assert len(parse_catalog(_SHIPPED)) == 5


@settings(max_examples=40, deadline=None)
@given(at=st.integers(0, len(_SHIPPED)), cut=st.integers(0, 40), piece=st.lists(_PIECES, max_size=4).map("".join))
@example(at=_SHIPPED.index("date_note: >-") + len("date_note: >-"), cut=0, piece="#")
@example(at=_SHIPPED.index("byline:") + len("byline:"), cut=0, piece=" [a ? b]")
def test_a_damaged_catalog_reads_or_fails_as_before(at, cut, piece):
    text = _SHIPPED[:at] + piece + _SHIPPED[at + cut :]
    assert _as_now(text) == _as_before(text)
