"""Regressions for the faults an attack run found after reading this suite (issue 18).

Each test names its fault by number and reproduces it as the attacker did, small: it
failed on the code before the fix. The cost faults (1, 2, 12 and the 11 MB front
matter) are growth tests in ``test_cost_budget.py``.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fault_tools import assert_clean_failure, cli_env, record, run_cli

from jjj_brief import imports, paths
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import UserError

CATEGORY = "attack run (issue 18)"
SEED = "cctv-2023-02-27"


def _import(home: Path, *names: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``jjj-brief import --json -- NAMES`` into ``home`` (the tests give their own isolated_home:
    the shipped corpus already indexed, so the import adds its files to that index)."""
    return run_cli("import", "--json", "--", *names, env=cli_env(JJJ_BRIEF_HOME=str(home)), cwd=cwd, timeout=120)


# ---------------------------------------------------------------- 3: devices and FIFOs by name


def test_3_a_device_or_fifo_named_for_import_is_refused_without_reading(tmp_path, isolated_home):
    """Fault 3: ``zero.txt -> /dev/zero`` read until MemoryError; a FIFO blocked forever."""
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "random.md").symlink_to("/dev/urandom")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text("Beijing reported 12 new projects.\n")
    proc = _import(isolated_home, "zero.txt", "random.md", "pipe.txt", "good.txt", cwd=tmp_path)
    assert_clean_failure(proc)
    report = {Path(r["path"]).name: r for r in json.loads(proc.stdout)["results"]}
    assert report["good.txt"]["status"] == "imported"
    for name, kind in (("zero.txt", "a character device"), ("random.md", "a character device"), ("pipe.txt", "a FIFO")):
        assert report[name]["status"] == "refused"
        assert f"not a regular file ({kind})" in report[name]["message"]
    record(CATEGORY, attacks=3, note="fault 3: /dev/zero, /dev/urandom links and a FIFO named to import")


def test_3_the_size_cap_holds_while_reading(tmp_path):
    """A file that is larger than it said when stat'ed is never read past the cap."""
    path = tmp_path / "grows.txt"
    path.write_bytes(b"x" * 5000)
    with pytest.raises(paths.FileRefused, match="too large"):
        paths.read_regular_file(path, 4096)
    with pytest.raises(paths.FileRefused, match="a folder"):
        paths.read_regular_file(tmp_path, 4096)


# ---------------------------------------------------------------- 4: export -o


def _fact_id() -> str:
    proc = run_cli("facts", "--json")
    data = json.loads(proc.stdout)
    facts = data if isinstance(data, list) else data["facts"]
    return facts[0]["id"]


def test_4_export_never_replaces_a_fifo_or_a_symlink_and_streams_into_them(tmp_path):
    """Fault 4: a FIFO or a symlink at ``-o`` became a regular 0600 file holding the brief."""
    fact = _fact_id()
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = run_cli("export", fact, "-o", str(fifo), timeout=60)
    reader.join(timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert fifo.is_fifo() and received and fact.split("-")[0] in received[0].decode().lower()

    real = tmp_path / "brief.md"
    real.write_text("old")
    os.chmod(real, 0o640)
    link = tmp_path / "link.md"
    link.symlink_to(real.name)
    proc = run_cli("export", fact, "-o", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and real.read_text() != "old" and (real.stat().st_mode & 0o777) == 0o640
    record(CATEGORY, attacks=2, note="fault 4: export -o onto a FIFO and a symlink")


def test_4_export_to_dev_full_fails_with_no_space(tmp_path):
    """Fault 4: ``-o`` on a full device must say so, not "wrote"; the link stays a link.

    (Through a symlink in tmp: before the fix the link itself, not /dev/full, was replaced.)"""
    link = tmp_path / "full.md"
    link.symlink_to("/dev/full")
    proc = run_cli("export", _fact_id(), "-o", str(link))
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [f"jjj-brief: cannot write {link}: No space left on device"]
    assert link.is_symlink()
    record(CATEGORY, note="fault 4: export -o to /dev/full")


def test_4_the_write_helper_refuses_what_it_cannot_stream(tmp_path):
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere" / "x.md")
    with pytest.raises(paths.FileRefused):
        paths.write_user_file(tmp_path / "dangling.md", "x")
    assert paths.write_user_file(tmp_path / "new.md", "x") == "file"
    assert (tmp_path / "new.md").stat().st_mode & 0o044  # not mkstemp's 0600


# ---------------------------------------------------------------- 5 and 12: citations


def test_4_the_apps_export_leaves_a_fifo_or_a_symlink_in_exports_alone(tmp_path):
    """The app's `e` writes into the data dir's exports/: a FIFO or a symlink standing at the
    export's name is refused (a FIFO with no reader would hang the app), a regular file replaced."""
    from jjj_brief.app.state import save_export

    exports = tmp_path / "exports"
    exports.mkdir()
    os.mkfifo(exports / "fifo.md")
    outside = tmp_path / "outside.txt"
    outside.write_text("the user's own file\n", encoding="utf-8")
    (exports / "link.md").symlink_to(outside)
    assert save_export("fifo", "# brief\n", folder=tmp_path, warnings=paths.StorageWarnings()) is None
    assert (exports / "fifo.md").is_fifo()
    assert save_export("link", "# brief\n", folder=tmp_path, warnings=paths.StorageWarnings()) is None
    assert (exports / "link.md").is_symlink() and outside.read_text(encoding="utf-8") == "the user's own file\n"
    (exports / "plain.md").write_text("old\n", encoding="utf-8")
    assert save_export("plain", "# brief\n", folder=tmp_path, warnings=paths.StorageWarnings()) == exports / "plain.md"
    assert (exports / "plain.md").read_text(encoding="utf-8") == "# brief\n"


def test_5_a_non_utf8_byte_in_citations_txt_loses_no_line(tmp_path):
    """Fault 5: one non-UTF-8 byte made ``y`` rewrite citations.txt: 51 lines became 1."""
    from jjj_brief.app.state import CITATIONS_FILE, save_citation

    old = b"".join(f"[2024] citation {i}\n".encode() for i in range(50)) + b"caf\xe9 latin-1 line\n"
    (tmp_path / CITATIONS_FILE).write_bytes(old)
    assert save_citation("new one", tmp_path, warnings=paths.StorageWarnings()) == tmp_path / CITATIONS_FILE
    data = (tmp_path / CITATIONS_FILE).read_bytes()
    assert data.startswith(old) and data.count(b"\n") == 52 and data.endswith(b"new one\n")
    record(CATEGORY, lost=0, note="fault 5: citations.txt with a Latin-1 byte kept all 51 lines")


def test_12_a_citation_of_a_paragraph_with_no_sentence_break_is_capped():
    """Fault 12: ``y`` cited a whole 250 KB paragraph (into citations.txt and the clipboard)."""
    from jjj_brief.app.state import CITATION_MAX_CHARS, quote_around

    paragraph = "Hebei built 12 parks " * 12_000
    quote, cut = quote_around(paragraph, 125_000)
    assert cut and quote.startswith("…") and quote.endswith("…")
    assert len(quote) <= CITATION_MAX_CHARS + 2
    assert quote_around("One. Two three here. Four.", 7) == ("Two three here.", False)
    record(CATEGORY, note="fault 12: citation of a 250 KB paragraph")


# ---------------------------------------------------------------- 6 and 13: front matter


FRONT_MATTERS = {
    "zero-date.md": ("date: 0000-00-00", "is not a real date"),
    "feb-30.md": ("date: 2024-02-30", "is not a real date"),
    "month-13.md": ("date: 2024-13-01", "is not a real date"),
    "hour-25.md": ("date: 2024-01-01T25:00:00", "is not a real date and time"),
    "big-int.md": ("title: " + "7" * 5000, None),
    "nested.md": ("title: " + "[" * 20_000, "nested too deeply"),
}


def test_6_bad_front_matter_is_one_line_each_and_the_batch_lands(tmp_path, isolated_home):
    """Fault 6: these gave a traceback and every file after them in a folder was never stored."""
    for name, (line, _) in FRONT_MATTERS.items():
        (tmp_path / name).write_text(f"---\n{line}\n---\nTianjin opened {len(name)} new lines.\n")
    (tmp_path / "zz-last.md").write_text("The last file of the folder.\n")
    proc = _import(isolated_home, ".", cwd=tmp_path)
    assert_clean_failure(proc)
    assert proc.returncode == 0, proc.stderr
    report = {Path(r["path"]).name: r for r in json.loads(proc.stdout)["results"]}
    assert {r["status"] for r in report.values()} == {"imported"}
    assert len(report) == len(FRONT_MATTERS) + 1
    for name, (_, note) in FRONT_MATTERS.items():
        if note:  # one line, in the file's own result
            assert note in report[name]["message"] and "\n" not in report[name]["message"]
    record(CATEGORY, attacks=len(FRONT_MATTERS), note="fault 6: bad dates, a 5,000-digit title, 20,000 nested [")


def test_13_bom_and_yaml_11_quirks_in_front_matter():
    """Fault 13: a BOM hid the front matter; ``190:20:30`` became 685230 and ``yes`` True."""
    found, body, note = imports.split_front_matter(
        "\ufeff---\ntitle: 190:20:30\noutlet: yes\ndate: 2023-05-01\n---\nThe text.\n"
    )
    assert found == {"title": "190:20:30", "outlet": "yes", "date": "2023-05-01"}
    assert body == "The text.\n" and note is None
    found, _, _ = imports.split_front_matter("---\ntitle: 0x1F\noutlet: ~\ndate: 2024-01-01T10:00:00Z\n---\nx\n")
    assert found == {"title": "0x1F", "outlet": "~", "date": "2024-01-01"}
    record(CATEGORY, attacks=2, note="fault 13: BOM before front matter, YAML 1.1 booleans and sexagesimals")


# ---------------------------------------------------------------- 7, 8: tracebacks


@pytest.mark.parametrize("args", [("search", "beijing", "--json"), ("search", "beijing"), ("articles",)])
def test_7_closed_stdout_is_one_line_not_a_traceback(args):
    """Fault 7: ``jjj-brief search x --json >&-`` -> AttributeError: 'NoneType' … 'write'."""
    proc = subprocess.run(
        [sys.executable, "-m", "jjj_brief", *args],
        check=False,
        capture_output=False,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=cli_env(),
        timeout=120,
        text=True,
        preexec_fn=lambda: os.close(1),
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == ["jjj-brief: standard output is closed (stdout); nothing was printed"]
    record(CATEGORY, note=f"fault 7: {' '.join(args)} >&-")


def test_8_a_held_import_lock_is_one_line(tmp_path, monkeypatch):
    """Fault 8: a second import waiting over 30 s for the lock -> TimeoutError traceback."""
    folder = imports.imports_dir()
    folder.mkdir(parents=True)
    monkeypatch.setattr(imports, "IMPORT_LOCK_WAIT", 0.2)
    (tmp_path / "a.txt").write_text("Beijing.\n")
    fd = os.open(folder / ".import.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(UserError, match="another import .* has been running"):
            imports.add_files([str(tmp_path / "a.txt")])
    finally:
        os.close(fd)
    assert not list(folder.glob("*.txt"))
    record(CATEGORY, note="fault 8: import lock held by another import")


def test_8_ctrl_c_leaves_one_line_not_finalizer_noise():
    """Fault 8: Ctrl+C during an index build printed ~20 lines of "Exception ignored in:
    <generator object SortingPool._read_run>" (a generator finalized after its run file went)."""
    script = (
        "import sys\n"
        "from jjj_brief import cli\n"
        "def run_file():\n"
        "    try:\n"
        "        yield 1\n"
        "    finally:\n"
        "        raise FileNotFoundError('run file already removed')\n"
        "pending = [run_file() for _ in range(5)]\n"
        "for g in pending: next(g)\n"
        "def interrupted():\n"
        "    raise KeyboardInterrupt\n"
        "cli._run_app = interrupted\n"
        "sys.exit(cli.main([]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60, env=cli_env()
    )
    assert proc.returncode == 130
    assert proc.stderr.strip().splitlines() == ["jjj-brief: interrupted"], proc.stderr
    record(CATEGORY, note="fault 8: Ctrl+C with half-run generators alive")


# ---------------------------------------------------------------- 9, 10, 11: escapes


def test_9_query_history_from_settings_is_read_back_safe(tmp_path):
    """Fault 9: ``"\\x1b]2;PWNED\\x07 beijing"`` in query_history retitled the terminal on ``/`` ``↑``."""
    from jjj_brief.app.state import SettingsStore

    hostile = ["\x1b]2;PWNED\x07 beijing", "\u202eevil\u202c", "x" * 50_000, 42, "\x9b2J tianjin"]
    (tmp_path / "settings.json").write_text(json.dumps({"query_history": hostile, "theme": "\x1b[2Jdark"}))
    store = SettingsStore(tmp_path, warnings=paths.StorageWarnings())
    history = store.settings.query_history
    assert history[0] == "beijing" and history[1] == "evil" and history[-1] == "tianjin"
    assert all(len(q) <= 1000 for q in history)
    assert not any(ch in "".join(history) + store.settings.theme for ch in "\x1b\x07\x9b\u202e\u202c")
    record(CATEGORY, attacks=len(hostile), note="fault 9: escapes in settings.json query history")


def test_9_unreadable_settings_are_never_rewritten(tmp_path):
    from jjj_brief.app.state import SettingsStore

    (tmp_path / "settings.json").write_bytes(b'{"theme": "caf\xe9"')
    store = SettingsStore(tmp_path, warnings=paths.StorageWarnings())
    assert store.warning and not store.save()
    assert (tmp_path / "settings.json").read_bytes() == b'{"theme": "caf\xe9"'


def test_10_arabic_letter_mark_and_line_separators_never_reach_the_terminal(tmp_path, isolated_home):
    """Fault 10: U+061C and U+2028/U+2029 reached the terminal raw in CLI and app output."""
    from jjj_brief.safety import display_safe

    text = "Beijing\u061c spent\u2028 12 billion\u2029 yuan \u200e\u200f"
    assert display_safe(text) == "Beijing  spent  12 billion  yuan   " and len(display_safe(text)) == len(text)
    (tmp_path / "marks.txt").write_text(f"Xiongan separators: {text}\n")
    home = isolated_home
    assert _import(home, "marks.txt", cwd=tmp_path).returncode == 0
    env = cli_env(JJJ_BRIEF_HOME=str(home))
    for args in (
        ("search", "separators"),
        ("articles",),
        ("figures", "xiongan-separators-beijing-spent-12-billion-yuan"),
    ):
        proc = run_cli(*args, env=env)
        shown = proc.stdout + proc.stderr
        assert not any(ch in shown for ch in "\u061c\u2028\u2029\u200e\u200f"), (args, shown[-500:])
    record(CATEGORY, attacks=3, note="fault 10: U+061C, U+2028, U+2029 in CLI output")


def test_11_no_figure_is_read_inside_a_blanked_escape_sequence():
    """Fault 11: the "52" of OSC 52 and the "31" of ``CSI 31m`` were reported as figures."""
    from jjj_brief.figures import extract_figures

    text = "Copy \x1b]52;c;aGk=\x07 and \x1b[31mred\x1b[0m, then \x9b31m: Hebei spent 7 billion yuan."
    assert [f.text for f in extract_figures(text)] == ["7 billion yuan"]
    record(CATEGORY, note="fault 11: figures inside OSC 52 and CSI 31m")


# ---------------------------------------------------------------- 14: pipes and check --dir


@pytest.mark.parametrize("command", ["articles", "facts", "topics", "timeline"])
def test_14_table_commands_piped_to_head_end_like_json(command):
    """Fault 14: ``jjj-brief facts | head -c 10`` exited 1 with no message (``--json``: 0)."""
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    proc = subprocess.run(
        [sys.executable, "-m", "jjj_brief", command],
        check=False,
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=cli_env(COLUMNS="80"),
        timeout=120,
        text=True,
    )
    reader.stdin.close()
    reader.wait(timeout=30)
    assert (proc.returncode, proc.stderr) == (0, "")
    record(CATEGORY, note=f"fault 14: {command} | head -c 10")


@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link"])
def test_14_check_dir_reports_a_yaml_that_is_not_a_file(tmp_path, kind):
    """Fault 14: a folder whose only .yaml is a FIFO or a /dev/zero link was "briefings OK: 0 topics"."""
    target = tmp_path / "set" / "topics.yaml"
    target.parent.mkdir()
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    proc = run_cli("check", "--dir", str(target.parent), timeout=60)
    assert proc.returncode == 1 and "OK" not in proc.stdout
    assert "set/topics.yaml: not a regular file" in proc.stdout
    record(CATEGORY, note=f"fault 14: check --dir with a {kind} .yaml")


# ---------------------------------------------------------------- 2: prefix unions


def test_2_a_union_of_prefixes_expands_to_a_bounded_number_of_words():
    """Fault 2: ``a* OR b* OR … OR l*`` over 5,000 imports expanded every prefix to 200 words
    (2,400 terms: 209 s for 24 prefixes). All the prefixes of a query now share 240 words,
    and a prefix cut short says so."""
    from jjj_brief.search.query import MAX_QUERY_PREFIX_TERMS, Prefix, QueryContext, parse

    vocabulary = [f"{letter}{n:04d}word" for letter in "abcdefghijklmnopqrstuvwx" for n in range(400)]
    context = QueryContext.build([], vocabulary)

    def expanded(node) -> list[str]:
        if isinstance(node, Prefix):
            return list(node.expanded)
        return [t for child in getattr(node, "children", ()) or () for t in expanded(child)]

    for count in (1, 3, 12, 24):
        query = " OR ".join(f"{chr(97 + i)}*" for i in range(count))
        parsed = parse(query, context)
        terms = expanded(parsed.query)
        assert 0 < len(terms) <= MAX_QUERY_PREFIX_TERMS, (count, len(terms))
        assert any("showing words starting with a…" in m and "(first" in m for m in parsed.messages), parsed.messages
    record(CATEGORY, attacks=4, note="fault 2: 1, 3, 12 and 24 prefixes OR'd over a 9,600-word vocabulary")


# ---------------------------------------------------------------- found while running the suite


def test_indexing_hands_each_passage_only_its_own_figures(monkeypatch):
    """Found by the hostile batch (its 100,000-line file never finished indexing): every
    passage was handed all of its article's figures, so the work grew with lines x figures."""
    from jjj_brief.corpus import Article
    from jjj_brief.figures import extract_figures
    from jjj_brief.search import documents, values

    text = "".join(f"Line {i}: Hebei added {i % 97 + 3} projects.\n\n" for i in range(2000))
    article = Article(
        id="lines",
        file="lines.txt",
        path=Path("lines.txt"),
        text=text,
        title="t",
        outlet="o",
        date="",
        date_precision="unknown",
        source="import",
    )
    figures = extract_figures(text)
    handed = []
    real = values.stored_figures
    monkeypatch.setattr(values, "stored_figures", lambda figs, a, b: handed.append(len(list(figs))) or real(figs, a, b))
    docs = list(documents.article_documents(article, article_figures=figures, key="k"))
    assert len(docs) >= 2000 and sum(handed) <= 2 * len(figures), (sum(handed), len(figures))
    record(CATEGORY, note="found: indexing 2,000 one-line passages handed each its own figures only")


# ---------------------------------------------------------------- 1: the alignment index kept between runs


def test_1_large_documents_keep_their_alignment_entries_and_a_changed_text_is_reanalysed(monkeypatch):
    """Fault 1 (cost): every one-shot ``related`` re-analysed a 1 MB import. Its entries now
    live in the cache dir; a second process reads them and answers exactly as a fresh
    analysis does, and a document whose text changed is analysed again, never served stale."""
    from test_cost_budget import one_paragraph

    from jjj_brief.compare import align, state
    from jjj_brief.corpus import Article

    seed = state.corpus(library=default_library()).get(SEED)
    text = one_paragraph(align.PERSIST_MIN_CHARS + 20_000)

    def big(body: str) -> Article:
        return Article(
            id="big",
            file="big.txt",
            path=Path("big.txt"),
            text=body,
            title="Big",
            outlet="o",
            date="2023-01-01",
            date_precision="day",
            source="import",
        )

    def answer(index):
        entry = index.entry_for(
            SEED, next(f for f in state.figures_of(seed, library=default_library()) if f.start == 1575)
        )
        return [(e.article.id, e.figure.start, s.score, s.same_fact, s.reason) for e, s in index.rank(entry, 10)]

    analysed: list[int] = []
    real = align.FigureIndex._add_article
    monkeypatch.setattr(
        align.FigureIndex,
        "_add_article",
        lambda self, article, figures: analysed.append(len(article.text)) or real(self, article, figures),
    )
    gloss = state.glossary(library=default_library())
    fresh = align.FigureIndex([seed, big(text)], gloss, default_library().figures)
    assert len(text) in analysed and len(list((paths.cache_dir() / align.CACHE_FOLDER).glob("*.bin"))) == 1
    analysed.clear()
    kept = align.FigureIndex([seed, big(text)], gloss, default_library().figures)
    assert len(text) not in analysed, "the large document was analysed again"
    assert answer(kept) == answer(fresh) and any(a == "big" for a, *_ in answer(kept))
    assert [(e.figure.start, e.subject.terms, e.indexed) for e in kept.entries] == [
        (e.figure.start, e.subject.terms, e.indexed) for e in fresh.entries
    ]

    changed = text.replace("projects", "schools", 50)
    analysed.clear()
    again = align.FigureIndex([seed, big(changed)], gloss, default_library().figures)
    assert len(changed) in analysed
    assert answer(again) == answer(align.FigureIndex([seed, big(changed)], gloss, default_library().figures))
    align.FigureIndex([seed], gloss, default_library().figures)  # the import removed: its entries go too
    assert not list((paths.cache_dir() / align.CACHE_FOLDER).glob("*.bin"))
    record(CATEGORY, attacks=2, note="fault 1: alignment entries of a large import reused, and redone when it changes")


def test_2_a_search_past_the_time_limit_shows_what_it_found_and_says_so(monkeypatch):
    """Fault 2: an expensive query ran for minutes. Whoosh now collects for at most
    ``QUERY_TIME_LIMIT_S``; the hits found by then come back, with a message, a total that
    is only a lower bound, and no second (untimed) pass for the facets. The timer is made
    to fire after three matches, so the test does not depend on this machine's speed."""
    from whoosh.collectors import TimeLimit

    from jjj_brief.search import search, whoosh_query
    from jjj_brief.search.query import time_limit_message

    monkeypatch.setenv("JJJ_BRIEF_SEARCH_ENGINE", "whoosh")
    whole = search("beijing", limit=50, library=default_library())
    assert whole.total > 10 and not (whole.message and "stopped" in whole.message)

    class FiresAfterThree(whoosh_query.BudgetCollector):
        def collect_matches(self):
            for count, docnum in enumerate(self.child.matches()):
                if count == 3:
                    raise TimeLimit
                self.child.collect(docnum)

    monkeypatch.setattr(whoosh_query, "BudgetCollector", FiresAfterThree)
    cut = search("beijing", limit=50, facets=True, library=default_library())
    assert cut.message and time_limit_message() in cut.message
    assert len(cut.hits) == 3 and cut.total == 3 and not cut.total_exact
    grouped = search("beijing", limit=50, group_by_article=True, library=default_library())
    assert grouped.message and time_limit_message() in grouped.message and not grouped.total_exact
    record(CATEGORY, attacks=2, note="fault 2: a search stopped by the query time limit (ranked and grouped)")
