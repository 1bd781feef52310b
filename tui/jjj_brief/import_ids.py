"""Readable ids for imported documents, whatever script the title is in.

An id must be typeable (``article:ID`` in a query, ``--remove ID``), a file name, and
recognisable: ``京津冀协同发展`` becomes ``jing-jin-ji-xie-tong-fa-zhan`` (pinyin, pypinyin's
offline dictionary), ``Développement régional`` becomes ``developpement-regional``, Cyrillic
and Greek are transliterated. A title with nothing readable left gets ``doc-`` and a short
hash of the title, so two such titles still differ.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_LENGTH = 48
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_TRANSLIT = str.maketrans(
    {
        **dict(
            zip(
                "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
            )
        ),
        **dict(
            zip(
                "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώς",
                "a v g d e z i th i k l m n x o p r s t y f ch ps o a e i i o y o s".split(),
            )
        ),
    }
)


def readable_id(title: str) -> str:
    """A lowercase ``[a-z0-9-]`` id for ``title`` (not yet made unique)."""
    text = _HAN.sub(lambda m: f" {_pinyin(m.group(0))} ", title)
    text = unicodedata.normalize("NFKD", text.casefold()).translate(_TRANSLIT)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    base = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:MAX_LENGTH].strip("-")
    if not base:
        return (
            "doc-" + hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            if title.strip()
            else "import"
        )
    return base if base[0].isalnum() else "import-" + base


def _pinyin(han: str) -> str:
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # pragma: no cover - a dependency; keep ids working without it
        return "-".join(f"u{ord(ch):x}" for ch in han)
    return "-".join(lazy_pinyin(han, style=Style.NORMAL, errors=lambda chars: [f"u{ord(c):x}" for c in chars]))
