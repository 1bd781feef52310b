"""Hostile inputs, generated at test time (no binary junk in the repository).

Every payload carries a plain marker word so a test can find the document again by
searching for it, and checks that what comes back is the text, inert.
"""

from __future__ import annotations

import codecs
import os
import random
from dataclasses import dataclass
from pathlib import Path

from fault_tools import SCALE

# Text that a terminal or a markup parser would act on. Each value is one paragraph.
TERMINAL_ATTACKS: dict[str, str] = {
    "markup_action": "markupqx [@click=app.quit]quit now[/] and [@click=app.bell]ring[/]",
    "markup_var_action": "varqx [$accent @click=app.quit]styled quit[/] [$text]x[/$text]",
    "markup_link": "linkqx [link=http://evil/]click me[/link] [link='file:///etc/passwd']f[/]",
    "markup_close": "closeqx [/] [/bold] [/link] [b][/i] [[/]] [",
    "ansi_clear": "clearqx \x1b[2J\x1b[H\x1b[3J\x1bc after clear",
    "osc_title": "titleqx \x1b]0;pwned\x07 and \x1b]2;pwned\x1b\\ set the title",
    "osc8_link": "oscqx \x1b]8;;http://evil\x1b\\a link\x1b]8;;\x1b\\ done",
    "osc52_clipboard": "clipqx \x1b]52;c;cHduZWQ=\x07 copied",
    "dcs": "dcsqx \x1bPpwned\x1b\\ device control",
    "c0": "czeroqx a\x02b\x01c\x07d\x08e\x0bf\x0cg\x1bh\x7fi end",
    "c1": "coneqx \x85next \x9b2J csi \x9d0;pwned\x9c osc \x90dcs\x9c",
    "carriage_return": "crqx innocent text\roverwritten\r\n second",
    "bidi": "bidiqx \u202epwned\u202c \u2066iso\u2069 \u200f rlm",
    "zero_width": "zwqx ze\u200bro\u200cwi\u200ddth\ufeff joiners\u2060",
    "lone_surrogate_escape": "surrqx \\udcff text that looks escaped",
}

# Words that must never appear styled or acted on: the marker words above.
MARKERS = sorted(text.split()[0] for text in TERMINAL_ATTACKS.values())

# One line each: every line is a passage. 20,000 is well over the tantivy threshold (1,000
# passages), so the batch is indexed as a large collection would be; the linear growth of
# such imports is test_cost_budget's (100,000 lines cost ~25 s of CPU to index, once per run).
MANY_LINES = 20_000 * SCALE
HOSTILE_ARTICLE = "\n\n".join(TERMINAL_ATTACKS.values()) + "\n"


@dataclass(frozen=True)
class HostileFile:
    name: str
    must: str  # "import" | "refuse"
    marker: str | None = None  # a word that finds it once imported


def write_hostile_batch(folder: Path, *, big: bool = True, seed: int = 8) -> list[HostileFile]:
    """Write the hostile import batch into ``folder``; return what each file must do.

    ``big`` adds the 10 MB single line and the :data:`MANY_LINES` short lines.
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    files: list[HostileFile] = []

    def put(name: str, data: bytes | str, must: str, marker: str | None = None) -> None:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        (folder / name).write_bytes(payload)
        files.append(HostileFile(name, must, marker))

    for key, text in TERMINAL_ATTACKS.items():
        put(f"{key}.txt", text + "\n", "import", text.split()[0])
    put("everything.md", "# all at once\n\n" + HOSTILE_ARTICLE, "import", "markupqx")
    put("--help.txt", "optionqx a file named like an option\n", "import", "optionqx")
    put("-rf.md", "dashqx a file named like short options\n", "import", "dashqx")
    put("with space [b].txt", "bracketqx a file name with markup in it\n", "import", "bracketqx")
    put("name-\x1b]0;pwned\x07-\u202e-[@click=app.quit].txt", "fnameqx a hostile file name\n", "import", "fnameqx")
    put("good.txt", "goodqx an ordinary note about Xiong'an and Caofeidian\n", "import", "goodqx")
    put(
        "front.md",
        '---\ntitle: "[@click=app.quit]frontqx \\e]0;pwned\\a"\noutlet: "[link=http://evil]x[/link]"\n'
        "date: 2024-01-02\n---\nfrontqx body with a hostile title\n",
        "import",
        "frontqx",
    )
    put(
        "python-tag.md",
        "---\ntitle: !!python/object/apply:os.system ['echo pwned > /tmp/jjj-pwned']\n---\npytagqx body\n",
        "import",
        "pytagqx",
    )
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\n"
    for prev, name in zip("abcdefgh", "bcdefghi"):
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    bomb += "title: *i\noutlet: *i\n---\nbombqx a billion laughs in front matter\n"
    put("laughs.md", bomb, "import", "bombqx")
    put("bom-utf8.txt", codecs.BOM_UTF8 + b"bomqx UTF-8 with a byte order mark\n", "import", "bomqx")
    put("crlf.txt", "crlfqx windows\r\nline endings\r\n", "import", "crlfqx")

    put("invalid-utf8.txt", b"valid start \xff\xfe\xc3\x28 invalid \xed\xa0\x80 surrogate", "refuse")
    put("utf16-bom.txt", "utf16qx text saved as UTF-16\n".encode("utf-16"), "refuse")
    put("utf16-be.md", codecs.BOM_UTF16_BE + "utf16qx big endian\n".encode("utf-16-be"), "refuse")
    put("binary.txt", bytes(rng.getrandbits(8) for _ in range(4096)) + b"\x00", "refuse")
    put("empty.txt", b"", "refuse")
    put("blank.md", " \n\t\n\r\n", "refuse")
    put("picture.png", b"\x89PNG\r\n\x1a\n" + os.urandom(64), "refuse")
    if big:
        put("one-line-10mb.txt", "longqx " + "lorem ipsum dolor " * (10_000_000 // 18), "import", "longqx")
        lines = "".join(f"l{i}\n" for i in range(MANY_LINES))
        put("many-lines.txt", "manyqx first\n" + lines, "import", "manyqx")
    return files
