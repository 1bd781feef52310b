"""Readable ids for imported documents, whatever script the title is in.

An id must be typeable (``article:ID`` in a query, ``--remove ID``), a file name, and
recognisable: ``京津冀协同发展`` becomes ``jing-jin-ji-xie-tong-fa-zhan`` (pinyin, pypinyin's
offline dictionary), ``Développement régional`` becomes ``developpement-regional``, and
every other script is romanized with anyascii's offline tables (``서울 수도권`` becomes
``seo-ul-su-do-gwon``, ``Развитие`` ``razvitie``). A title with nothing readable left gets ``doc-`` and a short
hash of the title, so two such titles still differ.
"""

from __future__ import annotations

import hashlib
import re

MAX_LENGTH = 48
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Scripts written in syllables (Hangul, kana): each character is one syllable, so the
# romanized syllables are kept apart ("seo-ul", not "seoul" run into the next word).
_SYLLABIC = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\uac00-\ud7af]")


def readable_id(title: str) -> str:
    """A lowercase ``[a-z0-9-]`` id for ``title`` (not yet made unique)."""
    text = _HAN.sub(lambda m: f" {_pinyin(m.group(0))} ", title)
    text = _romanized(text).casefold()
    base = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:MAX_LENGTH].strip("-")
    if not base:
        return (
            "doc-" + hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            if title.strip()
            else "import"
        )
    return base if base[0].isalnum() else "import-" + base


def _romanized(text: str) -> str:
    """Every other script in ASCII letters (anyascii's tables: Cyrillic, Greek, Arabic, Hangul, kana, ...)."""
    try:
        from anyascii import anyascii
    except ImportError:  # pragma: no cover - a dependency; without it such titles get doc-<hash> ids
        return text
    return "".join(ch if ch.isascii() else f" {anyascii(ch)} " if _SYLLABIC.match(ch) else anyascii(ch) for ch in text)


def _pinyin(han: str) -> str:
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # pragma: no cover - a dependency; keep ids working without it
        return "-".join(f"u{ord(ch):x}" for ch in han)
    # pypinyin's stubs type the callback as returning str; its converter also takes a list
    # (one syllable per character: pypinyin.converter.DefaultConverter.handle_nopinyin).
    return "-".join(lazy_pinyin(han, style=Style.NORMAL, errors=_unreadable_syllables))  # type: ignore[arg-type]


def _unreadable_syllables(chars: str) -> list[str]:
    """pypinyin's ``errors`` callback: ``uXXXX`` for each character it has no reading for."""
    return [f"u{ord(c):x}" for c in chars]
