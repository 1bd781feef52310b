"""The analyst's work from the command line: bookmarks, notes, claims, saved/watched searches,
briefs in every format, Web Annotation export/import, and anchors across a re-import."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html.parser import HTMLParser

import pytest

from jjj_brief.cli import main
from jjj_brief.commands.libraries import default_library

XINHUA = "xinhua-2023-02-25"
CHINANEWS = "chinanews-2024-02-27"
NINE_YEARS = 1320  # inside "9 years" (xinhua), curated fact strategy-age
TEN_YEARS = 430  # inside "ten years" (chinanews)


@pytest.fixture(autouse=True)
def fresh_corpus():
    """Imports made here must not leak into later tests through the per-process corpus."""
    yield
    from jjj_brief import corpus
    from jjj_brief.store.session import close_work

    close_work(library=default_library())
    corpus._CORPUS = None  # reloaded on next use, from the next test's home


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def cli_json(capsys, *args: str):
    code, out, err = cli(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_bookmark_note_claim_and_their_listings(capsys):
    mark = cli_json(capsys, "bookmark", XINHUA, "1237", "--note", "strategy age")
    assert mark["id"] == "bookmark-1" and mark["exact"].startswith("The coordinated development")
    note = cli_json(capsys, "note", XINHUA, "1237", "1325", "--text", "counts from 2014", "--color", "green")
    assert note["exact"].endswith("for 9 years") and note["color"] == "green"
    claim = cli_json(
        capsys,
        "claim",
        f"{XINHUA}:{NINE_YEARS}",
        f"{CHINANEWS}:{TEN_YEARS}",
        "--verdict",
        "different-date-or-scope",
        "--text",
        "one year apart",
    )
    assert [m["exact"] for m in claim["members"]] == ["9 years", "ten years"]
    assert [m["value"] for m in claim["members"]] == [9.0, 10.0]
    assert [b["id"] for b in cli_json(capsys, "bookmarks")] == ["bookmark-1"]
    assert [n["id"] for n in cli_json(capsys, "notes", "--article", XINHUA)] == ["note-1"]
    assert cli_json(capsys, "notes", "--article", CHINANEWS) == []
    assert [c["verdict"] for c in cli_json(capsys, "claims")] == ["different-date-or-scope"]
    code, out, _ = cli(capsys, "claims")
    assert code == 0 and "claim-1" in out and "ten years" in out
    assert cli(capsys, "note", "--remove", "note-1")[0] == 0
    assert cli_json(capsys, "notes") == []


@pytest.mark.parametrize(
    "args, says",
    [
        (("claim", f"{XINHUA}:{NINE_YEARS}", f"{CHINANEWS}:1", "--verdict", "conflict"), "no figure at"),
        (("claim", f"{XINHUA}:{NINE_YEARS}", "--verdict", "conflict"), "two or more figures"),
        (("claim", f"{XINHUA}:{NINE_YEARS}", f"{XINHUA}:1237", "--verdict", "conflict"), "no figure"),
        (("note", XINHUA, "10", "5"), "not inside"),
        (("note", "nope", "1", "5"), "unknown article"),
        (("note", "--remove", "note-99"), "no note-99"),
        (("bookmark", XINHUA, "999999999"), "not inside"),
        (("export", "claim-42"), "no claim-42"),
        (("save", "only-a-name"), "NAME QUERY"),
    ],
)
def test_mistakes_are_one_clear_line(capsys, args, says):
    code, out, err = cli(capsys, *args)
    assert code == 1 and says in err and len(err.strip().splitlines()) == 1 and out == ""


def test_note_text_never_reaches_the_terminal_as_controls_or_markup(capsys):
    cli_json(capsys, "note", XINHUA, "1237", "1325", "--text", "\x1b]52;c;aGk=\x07[bold red]x[/] \x1b[2J")
    code, out, _ = cli(capsys, "notes")
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "[bold" in out  # shown, not applied


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("href", "src", "action", "srcset", "data") or (value and "://" in value):
                self.external.append(f"{tag} {name}={value}")

    def handle_data(self, data):
        self.text.append(data)


def test_a_claim_exports_in_every_format_with_its_quotes_cited(capsys, tmp_path):
    cli_json(
        capsys,
        "claim",
        f"{XINHUA}:{NINE_YEARS}",
        f"{CHINANEWS}:{TEN_YEARS}",
        "--verdict",
        "rounding",
        "--text",
        "<script>alert('x')</script> & more",
    )
    outputs = {}
    for fmt in ("md", "html", "docx", "csl-json", "bibtex", "ris"):
        target = tmp_path / f"brief.{fmt}"
        code, _, err = cli(capsys, "export", "claim-1", "--format", fmt, "-o", str(target))
        assert code == 0, err
        outputs[fmt] = target.read_bytes()
    md = outputs["md"].decode()
    assert "“9 years”" in md and "Xinhua News Agency, 2023\\-02\\-25" not in md and "characters 1318-1325" in md
    page = _Links()
    page.feed(outputs["html"].decode())
    assert page.external == [] and "script" not in page.tags and "link" not in page.tags
    assert "<script>alert('x')</script> & more" in "".join(page.text), "the note is shown as text"
    import docx

    document = docx.Document(io.BytesIO(outputs["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "“9 years”" in text and "“ten years”" in text and "China News Service" in text
    assert zipfile.is_zipfile(io.BytesIO(outputs["docx"]))
    items = json.loads(outputs["csl-json"])
    assert [(i["container-title"], i["issued"]["date-parts"][0]) for i in items] == [
        ("Xinhua News Agency", [2023, 2, 25]),
        ("China News Service", [2024, 2, 27]),
    ]
    assert "quote: 9 years" in items[0]["note"] and "offsets: 1318-1325" in items[0]["note"]
    bib = outputs["bibtex"].decode()
    assert bib.count("@article{") == 2 and "journal = {Xinhua News Agency}" in bib and "offsets: 1318-1325" in bib
    ris = outputs["ris"].decode()
    assert ris.count("TY  - NEWS") == 2 and ris.count("ER  - ") == 2 and "N1  - quote: ten years" in ris


def test_curated_markdown_export_is_unchanged_and_other_formats_work_for_facts(capsys, tmp_path):
    from jjj_brief.compare import export_markdown

    code, out, _ = cli(capsys, "export", "strategy-age")
    assert code == 0 and out == export_markdown("strategy-age", library=default_library())
    code, out, _ = cli(capsys, "export", "strategy-age", "--format", "ris")
    assert code == 0 and out.count("TY  - NEWS") >= 3


def test_import_hash_is_cited_for_an_imported_article(capsys, tmp_path):
    import hashlib

    source = tmp_path / "memo.md"
    source.write_text("---\ntitle: Memo\noutlet: Desk\ndate: 2024-05-01\n---\nThe port moved 45 million tonnes.\n")
    result = cli_json(capsys, "import", str(source))
    memo = result["results"][0]["id"]
    start = source.read_text().split("---\n")[2].index("45 million")
    cli_json(capsys, "note", memo, str(start), str(start + 10), "--text", "check")
    code, out, _ = cli(capsys, "export", f"notes:{memo}", "--format", "bibtex")
    assert code == 0 and f"sha256: {hashlib.sha256(source.read_bytes()).hexdigest()}" in out
    assert "journal = {Desk}" in out and "date = {2024-05-01}" in out


def test_web_annotation_round_trip_moves_notes_and_claims_to_another_machine(capsys, tmp_path, monkeypatch):
    cli_json(capsys, "note", XINHUA, "1237", "1325", "--text", "to check", "--color", "blue")
    cli_json(capsys, "claim", f"{XINHUA}:{NINE_YEARS}", f"{CHINANEWS}:{TEN_YEARS}", "--verdict", "conflict")
    exported = tmp_path / "work.jsonld"
    assert cli(capsys, "notes", "--export", str(exported))[0] == 0
    data = json.loads(exported.read_text())
    assert data["type"] == "AnnotationCollection" and data["total"] == 2
    note, claim = data["first"]["items"]
    assert note["motivation"] == "commenting" and claim["motivation"] == "assessing"
    selector = {s["type"]: s for s in note["target"]["selector"]}
    assert selector["TextQuoteSelector"]["exact"].endswith("for 9 years")
    assert selector["TextPositionSelector"] == {"type": "TextPositionSelector", "start": 1237, "end": 1325}
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(tmp_path / "other-machine"))
    counts = cli_json(capsys, "notes", "--import", str(exported))
    assert counts == {"notes": 1, "claims": 1, "unchanged": 0, "skipped": 0, "orphaned": 0}
    assert cli_json(capsys, "notes", "--import", str(exported))["unchanged"] == 2, "importing twice adds nothing"
    (moved_note,) = cli_json(capsys, "notes")
    assert (moved_note["start"], moved_note["color"], moved_note["text"]) == (1237, "blue", "to check")
    assert cli_json(capsys, "claims")[0]["verdict"] == "conflict"


def test_reimport_with_edits_refinds_anchors_and_shows_the_orphan(capsys, tmp_path):
    original = (
        "Hebei report\n\nThe port handled 45 million tonnes in 2023.\n\n"
        "Officials expect 60 million tonnes by 2025.\n\nA paragraph that will be cut entirely.\n"
    )
    source = tmp_path / "report.txt"
    source.write_text(original)
    report = cli_json(capsys, "import", str(source))["results"][0]["id"]

    def note_on(words: str, text: str) -> None:
        start = original.index(words)
        cli_json(capsys, "note", report, str(start), str(start + len(words)), "--text", text)

    note_on("45 million tonnes", "kept")
    note_on("60 million tonnes", "kept, moves")
    note_on("will be cut entirely", "will be orphaned")
    edited = original.replace("Hebei report\n", "Hebei report (revised)\n\nA new lead paragraph.\n").replace(
        "A paragraph that will be cut entirely.\n", ""
    )
    source.write_text(edited)
    assert cli_json(capsys, "import", "--remove", report, str(source))["results"][1]["id"] == report
    notes = {n["text"]: n for n in cli_json(capsys, "notes")}
    for text in ("kept", "kept, moves"):
        found = notes[text]
        assert found["status"] == "moved" and edited[found["start"] : found["end"]] == found["exact"]
    orphan = notes["will be orphaned"]
    assert orphan["status"] == "orphaned" and orphan["exact"] == "will be cut entirely"
    code, out, _ = cli(capsys, "notes")
    assert "orphaned" in out and "will be cut entirely" in out


def test_a_watched_search_reports_what_an_import_brings(capsys, tmp_path):
    saved = cli_json(capsys, "save", "caofeidian ore", "caofeidian ore", "--watch")
    assert saved["watch"] is True
    assert cli_json(capsys, "saved")[0]["new"] == 0
    memo = tmp_path / "ore.txt"
    memo.write_text("Caofeidian ore shipments\n\nCaofeidian handled more iron ore this year.\n")
    result = cli_json(capsys, "import", str(memo))
    assert result["watched"] == [{"name": "caofeidian ore", "query": "caofeidian ore", "new": 2}]  # 2 paragraphs
    (listed,) = cli_json(capsys, "saved")
    assert listed["new"] == 2 and {h["article"] for h in listed["new_hits"]} == {result["results"][0]["id"]}
    code, out, _ = cli(capsys, "export", "saved:caofeidian ore")
    assert code == 0 and "new since you last looked" in out
    assert cli(capsys, "saved", "--seen", "caofeidian ore")[0] == 0
    assert cli_json(capsys, "saved")[0]["new"] == 0


def test_a_saved_search_records_the_order_its_query_asks_for(capsys):
    assert cli_json(capsys, "save", "newest", "xiongan hospital sort:-date")["sort"] == "-date"
    assert cli_json(capsys, "save", "plain", "xiongan hospital", "--sort", "date")["sort"] == "date"
    assert cli_json(capsys, "save", "relevant", "xiongan hospital")["sort"] == "relevance"
    listed = {s["name"]: s["sort"] for s in cli_json(capsys, "saved")}
    assert listed == {"newest": "-date", "plain": "date", "relevant": "relevance"}
    code, out, _ = cli(capsys, "export", "saved:newest", "--format", "md")
    dates = re.findall(r"— [^,]+, (\d{4}-\d{2}-\d{2})", out)
    assert dates and dates == sorted(dates, reverse=True), "the brief lists the newest first"


def test_kind_note_and_kind_claim_search_your_own_words(capsys):
    cli_json(capsys, "note", XINHUA, "1237", "1325", "--text", "Relocation of non-capital functions")
    cli_json(capsys, "note", CHINANEWS, "349", "433", "--text", "unrelated remark")
    cli_json(
        capsys,
        "claim",
        f"{XINHUA}:{NINE_YEARS}",
        f"{CHINANEWS}:{TEN_YEARS}",
        "--verdict",
        "conflict",
        "--text",
        "the years disagree",
    )
    notes = cli_json(capsys, "search", "kind:note relocation function")
    assert [(h["kind"], h["article"], h["start"]) for h in notes["hits"]] == [("note", XINHUA, 1237)]
    assert notes["hits"][0]["highlights"], "the matched words are lit in the snippet"
    assert cli_json(capsys, "search", "kind:note reloc*")["total"] == 1
    assert cli_json(capsys, "search", f"kind:note article:{CHINANEWS}")["total"] == 1
    claims = cli_json(capsys, "search", "kind:claim year")
    assert [h["title"] for h in claims["hits"]] == ["Your claim claim-1: conflict"]
    assert cli_json(capsys, "search", f"kind:claim article:{CHINANEWS} disagree")["total"] == 1
    both = cli_json(capsys, "search", "kind:note kind:claim years")
    assert {h["kind"] for h in both["hits"]} == {"note", "claim"}  # "9 years" is the note's quote too
    assert {h["kind"] for h in cli_json(capsys, "search", "relocation", "--limit", "50")["hits"]} <= {
        "passage",
        "topic",
        "fact",
        "glossary",
    }, "without kind:note/claim, search is as before"


def test_notes_export_and_import_refuse_or_stream_what_is_not_a_regular_file(capsys, tmp_path):
    import os

    cli_json(capsys, "note", XINHUA, "1237", "1325", "--text", "x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = cli(capsys, "notes", "--import", str(fifo))  # never opened: no hang
    assert code == 1 and "not a regular file" in err
    code, _, err = cli(capsys, "notes", "--export", "/dev/null")  # streamed, /dev/null not replaced
    assert code == 0 and os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_a_write_that_could_only_be_kept_in_memory_is_refused(capsys, tmp_path, monkeypatch):
    """A CLI process ends right after: 'working in memory' would silently lose the note."""
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("x")
    monkeypatch.setenv("JJJ_BRIEF_HOME", str(blocker))
    for args in (
        ("note", XINHUA, "1237", "1325", "--text", "x"),
        ("bookmark", XINHUA, "1237"),
        ("claim", f"{XINHUA}:{NINE_YEARS}", f"{CHINANEWS}:{TEN_YEARS}", "--verdict", "conflict"),
        ("save", "n", "tianjin"),
    ):
        code, out, err = cli(capsys, *args)
        assert code == 1 and "cannot save your work" in err and len(err.strip().splitlines()) == 1, (args, err)
    code, out, err = cli(capsys, "notes", "--json")
    assert code == 0 and json.loads(out) == []  # reading still works (nothing there)
