"""PDF, HTML, DOCX and EPUB imports: text, title, page numbers and provenance, from small
real files made in the test (tests/doc_makers.py)."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from doc_makers import docx_bytes, epub_bytes, html_page, pdf_bytes
from jjj_brief import imports
from jjj_brief.app.state import format_citation
from jjj_brief.cli import main
from jjj_brief.commands.import_cmd import render_progress
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.figures import extract_figures
from jjj_brief.formats import provenance_line
from jjj_brief.search import search


@pytest.fixture(autouse=True)
def fresh_corpus():
    """Imports made here must not leak into later tests through the per-process corpus."""
    yield
    from jjj_brief import corpus

    corpus._CORPUS = None  # reloaded on next use, from the next test's home


AIR = "In 2023 the PM2.5 density in Hebei fell to 38.6 micrograms per cubic meter, officials said."


def run_json(capsys, *argv) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def imported(article_id: str):
    return load_corpus(refresh=True, library=default_library()).get(article_id)


def test_pdf_text_title_pages_and_provenance(tmp_path, capsys):
    raw = pdf_bytes(
        [["Zephyrine report on the region."], ["Hebei cut coal use.", AIR], ["Page thirteen: 22 million people."]],
        first_label=11,
        title="Zephyrine air report",
    )
    source = tmp_path / "air.pdf"
    source.write_bytes(raw)
    code, report = run_json(capsys, "import", str(source))
    assert code == 0, report
    [result] = report["results"]
    assert (result["status"], result["id"], result["source_format"], result["pages"]) == (
        "imported",
        "zephyrine-air-report",
        "pdf",
        3,
    )
    article = imported(result["id"])
    assert article.title == "Zephyrine air report" and article.byline == ["Test Desk"]
    assert "38.6 micrograms per cubic meter" in article.text
    at = article.text.index("22 million")
    assert article.locator_at(at) == "p. 13"  # printed page labels, not 1-based indexes
    assert article.locator_at(article.text.index("Hebei cut coal")) == "p. 12"
    prov = article.summary()["provenance"]
    assert (prov["file"], prov["source_format"], prov["size"]) == ("air.pdf", "pdf", len(raw))
    assert prov["sha256"] == hashlib.sha256(raw).hexdigest()
    kept = imports.imports_dir() / prov["kept_original"]
    assert kept.read_bytes() == raw  # the analyst can prove what was imported
    assert (
        provenance_line(prov)
        == (  # the reader's header line
            f"from air.pdf · PDF, 3 pages · {len(raw) / 1000:.1f} kB · SHA-256 {prov['sha256'][:12]}… · original kept"
        )
    )
    hit = search("thirteen", library=default_library()).hits[0]
    assert article.locator_at(hit.start) == "p. 13"
    quote = "Page thirteen: 22 million people."
    cite = format_citation(article.outlet, article.date, article.title, quote, article.locator_at(at))
    assert cite.endswith("“Zephyrine air report”, p. 13")


def test_pdf_running_heads_page_numbers_and_hyphenation_are_not_text(tmp_path, capsys):
    bodies = [
        ("The plan was coordi-", "nated by three govern-", "ments in Beijing-", "Tianjin-Hebei."),
        ("Coal use fell by 12 per-", "cent in Hebei last year.", "Air quality improved.", "Data from bureaus."),
        ("Rows: 2019 45.1 38.2", "2020 44.0 37.5", "Ports grew by 5 percent.", "Hebei built parks."),
        ("Rows: 2021 41.2 36.1", "2022 40.0 35.0", "Forests were planted.", "Tianjin added lines."),
    ]
    pages = [
        ["Hebei Environment Bulletin 2023", *lines, "2018 46.3 39.9", f"Page {n} of {len(bodies)}"]
        for n, lines in enumerate(bodies, 1)
    ]
    source = tmp_path / "bulletin.pdf"
    source.write_bytes(pdf_bytes(pages, title="Bulletin"))
    code, report = run_json(capsys, "import", str(source))
    assert code == 0, report
    assert "8 running header/footer line(s) repeated across pages left out" in report["results"][0]["message"]
    text = imported("bulletin").text
    assert "Environment Bulletin" not in text and "Page 2 of 4" not in text
    assert "coordinated by three governments in Beijing-Tianjin-Hebei." in text
    assert "by 12 percent in Hebei" in text
    assert text.count("2018 46.3 39.9") == 4  # a row of figures at the foot of every page is kept
    assert imported("bulletin").locator_at(text.index("Ports grew")) == "p. 3"


def test_a_long_pdf_reports_its_pages_as_they_are_read_and_counts_blank_ones(tmp_path):
    """Progress for one long document is per page; provenance counts every page, blank too."""
    source = tmp_path / "gap.pdf"
    source.write_bytes(pdf_bytes([["First page text."], [], ["Third page text."]], title="Gap"))
    heard: list[tuple[int, int, str]] = []
    [outcome] = imports.add_files([str(source)], progress=lambda *args: heard.append(args))
    assert outcome.status == "imported" and outcome.details["pages"] == 3  # not 2: the blank page counts
    assert heard == [
        (0, 1, f"{source} p. 1/3"),
        (0, 1, f"{source} p. 2/3"),
        (0, 1, f"{source} p. 3/3"),
        (1, 1, str(source)),
    ]
    assert "1 of 3 page(s) have no text layer" in outcome.message


def test_a_document_over_the_text_files_20_mb_is_imported(tmp_path, capsys):
    """A report's PDF carries images: 25 MB is a normal size (a .txt stays capped at 20 MB)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject

    base = PdfReader(io.BytesIO(pdf_bytes([["Heavy report text about Hebei."]], title="Heavy")))
    writer = PdfWriter(clone_from=base)
    blob = DecodedStreamObject()
    blob.set_data(bytes(range(256)) * 100_000)  # an image's worth of bytes
    writer._add_object(blob)
    out = io.BytesIO()
    writer.write(out)
    assert out.tell() > 25_000_000
    (tmp_path / "heavy.pdf").write_bytes(out.getvalue())
    (tmp_path / "heavy.txt").write_bytes(b"x" * 20_000_001)
    code, report = run_json(capsys, "import", str(tmp_path))
    statuses = {r["path"].rsplit("/", 1)[-1]: r["status"] for r in report["results"]}
    assert code == 1 and statuses == {"heavy.pdf": "imported", "heavy.txt": "refused"}


def test_a_note_on_an_imported_pdf_is_exported_with_its_page(tmp_path, capsys):
    source = tmp_path / "pages.pdf"
    source.write_bytes(pdf_bytes([["Opening page."], ["Cited sentence on page eight."]], first_label=7, title="Paged"))
    assert main(["import", str(source)]) == 0
    article = imported("paged")
    start = article.text.index("Cited sentence")
    assert main(["note", "paged", str(start), str(start + len("Cited sentence")), "--text", "check"]) == 0
    capsys.readouterr()
    assert main(["export", "notes:paged", "--format", "md", "-o", "-"]) == 0
    assert "“Paged”, p. 8" in capsys.readouterr().out
    assert main(["export", "notes:paged", "--format", "csl-json", "-o", "-"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["page"] == "8"
    assert main(["export", "notes:paged", "--format", "bibtex", "-o", "-"]) == 0
    assert "  pages = {8}," in capsys.readouterr().out
    assert main(["export", "notes:paged", "--format", "ris", "-o", "-"]) == 0
    assert "\nSP  - 8\n" in capsys.readouterr().out


def test_html_keeps_main_content_and_metadata_not_menus_scripts_or_footers(tmp_path, capsys):
    head = (
        '<title>Ignored | Site</title><meta property="og:title" content="Quillfeather on Hebei air">'
        '<meta name="author" content="Li Wei"><meta property="article:published_time" content="2024-02-27T08:00:00+08:00">'
        '<link rel="canonical" href="https://example.org/hebei-air"><script>document.write("SCRIPTED")</script>'
    )
    body = (
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/menu">Menuitem Navlink</a></li></ul></nav>'
        f"<article><h1>Quillfeather on Hebei air</h1><p>{AIR}</p>"
        '<iframe src="http://example.org/frame">FRAMED</iframe>'
        "<p>The province replaced coal heating in 3,000 villages with gas and electricity over the winter.</p></article>"
        "<footer><p>Copyright Footerland News. All rights reserved.</p></footer>"
        '<img src="http://example.org/track.gif">'
    )
    source = tmp_path / "page.html"
    source.write_text(html_page(body, head), encoding="utf-8")
    code, report = run_json(capsys, "import", str(source))
    assert code == 0
    article = imported(report["results"][0]["id"])
    assert (article.title, article.date, article.byline) == ("Quillfeather on Hebei air", "2024-02-27", ["Li Wei"])
    assert article.provenance["url"] == "https://example.org/hebei-air"
    assert AIR in article.text and "3,000 villages" in article.text
    for chrome in ("Menuitem", "Footerland", "SCRIPTED", "FRAMED", "Ignored"):
        assert chrome not in article.text


CHINESE_NEWS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>河北空气质量持续改善--新闻--人民网</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "河北空气质量持续改善", "datePublished": "2024-01-20T08:00:00+08:00",
"author": {"@type": "Person", "name": "张三"}, "url": "https://example.cn/a.html"}</script></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/n">新闻</a> | <a href="/s">社会</a> | <a href="/x">国际</a></div>
<div class="w1000"><a href="/">首页</a> <a href="/n">要闻</a> <a href="/s">地方</a></div>
<div class="rm_txt"><h1>河北空气质量持续改善</h1>
<p>2023年，河北省PM2.5平均浓度降至38.6微克/立方米，比上年下降百分之十。</p>
<p>全省新增造林面积超过两千三百公顷。</p><p>短段。</p>
<p>分享到：<a href="#">微信</a><a href="#">微博</a><a href="#">QQ空间</a></p></div>
<div class="w1000"><h3>相关新闻</h3><ul><li><a href="/1">北京发布新规划的相关报道</a></li>
<li><a href="/2">天津港口吞吐量创新高报道</a></li></ul></div>
<div class="w1000"><p>人民网版权所有，未经书面授权禁止使用</p>
<p>Copyright © 1997-2024 by www.people.com.cn. all rights reserved</p><p>京ICP证000000号</p></div>
</body></html>"""


def test_a_chinese_news_page_that_marks_no_main_element_keeps_its_article_only(tmp_path, capsys):
    """Many Chinese news sites mark no <article>: the densest element is the content; menus,
    share and related links and the footer go; JSON-LD gives author, date and URL; the
    <title>'s site name is not the title."""
    source = tmp_path / "rmw.html"
    source.write_text(CHINESE_NEWS_PAGE, encoding="utf-8")
    code, report = run_json(capsys, "import", str(source))
    assert code == 0, report
    article = imported(report["results"][0]["id"])
    assert (article.title, article.byline, article.date) == ("河北空气质量持续改善", ["张三"], "2024-01-20")
    assert article.provenance["url"] == "https://example.cn/a.html"
    assert [p.text for p in article.paragraphs] == [
        "河北空气质量持续改善",
        "2023年，河北省PM2.5平均浓度降至38.6微克/立方米，比上年下降百分之十。",
        "全省新增造林面积超过两千三百公顷。",
        "短段。",
    ]


def test_html_in_a_declared_legacy_encoding_is_decoded(tmp_path, capsys):
    page = html_page(
        "<p>2023年，河北省PM2.5平均浓度降至38.6微克/立方米，比上年下降了百分之十。</p>", lang="zh"
    ).replace('charset="utf-8"', 'charset="gb2312"')
    source = tmp_path / "gbk.html"
    source.write_bytes(page.encode("gb18030"))
    code, report = run_json(capsys, "import", str(source))
    assert code == 0
    assert "38.6微克/立方米" in imported(report["results"][0]["id"]).text


def test_docx_paragraphs_headings_and_tables(tmp_path, capsys):
    raw = docx_bytes(
        title="Wintergreen memo",
        heading="Air quality",
        paragraphs=("First paragraph about Hebei.", AIR),
        table=[["City", "PM2.5"], ["Baoding", "45.1"]],
    )
    source = tmp_path / "memo.docx"
    source.write_bytes(raw)
    code, report = run_json(capsys, "import", str(source))
    assert code == 0
    article = imported("wintergreen-memo")
    assert [p.text for p in article.paragraphs] == [
        "Air quality",
        "First paragraph about Hebei.",
        AIR,
        "City | PM2.5",
        "Baoding | 45.1",
    ]
    assert search("baoding", library=default_library()).hits[0].article == "wintergreen-memo"


def _docx_with(body_xml: str, footnotes_xml: str | None = None) -> bytes:
    """A python-docx file whose body starts with ``body_xml`` (WordprocessingML), and notes."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(docx_bytes(title="", heading="Closing heading")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                at = text.index("<w:body>") + len("<w:body>")
                data = (text[:at] + body_xml + text[at:]).encode("utf-8")
            archive.writestr(info.filename, data)
        if footnotes_xml:
            archive.writestr("word/footnotes.xml", footnotes_xml)
    return out.getvalue()


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC_NS = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def test_docx_text_python_docx_leaves_out_is_read_once(tmp_path, capsys):
    """Content controls, tracked insertions (not deletions), text boxes (once, though Word
    writes each twice: a drawing and a VML fallback) and footnotes are text a reader sees."""
    box = "<w:txbxContent><w:p><w:r><w:t>Boxed Hebei caption.</w:t></w:r></w:p></w:txbxContent>"
    body = (
        "<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:pPr><w:pStyle w:val='Title'/></w:pPr>"
        "<w:r><w:t>Cover page title</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t xml:space='preserve'>Coal use fell </w:t></w:r>"
        "<w:ins w:id='1' w:author='ed'><w:r><w:t>by 12 percent</w:t></w:r></w:ins>"
        "<w:del w:id='2' w:author='ed'><w:r><w:delText>by 21 percent</w:delText></w:r></w:del>"
        "<w:r><w:t xml:space='preserve'> in 2023.</w:t></w:r></w:p>"
        f"<w:p><w:r><w:t>Anchor paragraph.</w:t></w:r><w:r><mc:AlternateContent {MC_NS}>"
        f"<mc:Choice Requires='wps'><w:drawing><wps:txbx xmlns:wps='urn:wps'>{box}</wps:txbx></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:textbox xmlns:v='urn:v'>{box}</v:textbox></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    footnotes = (
        f"<w:footnotes {W_NS}><w:footnote w:type='separator' w:id='-1'><w:p><w:r><w:t>---</w:t></w:r></w:p></w:footnote>"
        "<w:footnote w:id='1'><w:p><w:r><w:t>Source: Hebei statistical bulletin.</w:t></w:r></w:p></w:footnote>"
        "</w:footnotes>"
    )
    source = tmp_path / "tracked.docx"
    source.write_bytes(_docx_with(body, footnotes))
    code, report = run_json(capsys, "import", str(source))
    assert code == 0, report
    article = imported(report["results"][0]["id"])
    assert article.title == "Cover page title" and article.id == "cover-page-title"
    assert [p.text for p in article.paragraphs] == [
        "Cover page title",
        "Coal use fell by 12 percent in 2023.",
        "Anchor paragraph.",
        "Boxed Hebei caption.",
        "Closing heading",
        "[1] Source: Hebei statistical bulletin.",
    ]


def test_epub_chapters_in_spine_order_with_chapter_locators(tmp_path, capsys):
    raw = epub_bytes(
        [("Opening", "Marigold opening chapter."), ("Second", "Marigold second chapter.")],
        title="Marigold book",
        spine_order=[1, 0],
    )
    source = tmp_path / "book.epub"
    source.write_bytes(raw)
    code, _ = run_json(capsys, "import", str(source))
    assert code == 0
    article = imported("marigold-book")
    assert article.text.index("second chapter") < article.text.index("opening chapter")  # the spine's order
    assert article.locator_at(article.text.index("opening chapter")) == "ch. 2"
    assert article.date == "2023-05-04" and article.byline == ["Test Author"]
    assert article.provenance["chapters"] == 2


def test_chinese_titles_give_readable_unique_ids(tmp_path, capsys, monkeypatch):
    # The listing is checked on one line: wide enough whatever an earlier test in this worker left
    # behind (CI saw it wrapped at 80 once, in a full run only; alone it never wraps).
    monkeypatch.setenv("COLUMNS", "300")
    for n in (1, 2):
        (tmp_path / f"zh{n}.md").write_text(f"---\ntitle: 京津冀协同发展\n---\n第{n}篇：协同发展。\n", encoding="utf-8")
    code, report = run_json(capsys, "import", str(tmp_path))
    assert code == 0
    assert [r["id"] for r in report["results"]] == ["jing-jin-ji-xie-tong-fa-zhan", "jing-jin-ji-xie-tong-fa-zhan-2"]
    assert imported("jing-jin-ji-xie-tong-fa-zhan").language == "zh"
    assert main(["articles"]) == 0
    listing = capsys.readouterr().out
    assert "jing-jin-ji-xie-tong-fa-zhan  (imported) ·  (unknown) · 10 characters · 1 paragraphs" in listing


def test_dry_run_json_says_what_each_file_would_become_and_stores_nothing(tmp_path, capsys):
    (tmp_path / "a.pdf").write_bytes(pdf_bytes([["Dry run page one."], ["Dry run page two."]], title="Dry PDF"))
    (tmp_path / "b.docx").write_bytes(b"PK\x03\x04 not really a zip")
    code, report = run_json(capsys, "import", "--dry-run", str(tmp_path))
    assert code == 1  # one file would be refused
    by_name = {r["path"].rsplit("/", 1)[-1]: r for r in report["results"]}
    assert report["dry_run"] is True
    assert by_name["a.pdf"]["status"] == "would-import"
    assert (by_name["a.pdf"]["id"], by_name["a.pdf"]["pages"], by_name["a.pdf"]["words"]) == ("dry-pdf", 2, 8)
    assert by_name["b.docx"]["status"] == "refused" and "zip" in by_name["b.docx"]["message"]
    assert not imports.imports_dir().exists()


def test_hash_only_keeps_no_original_bytes(tmp_path, capsys):
    source = tmp_path / "note.html"
    source.write_text(html_page(f"<p>{AIR}</p>"), encoding="utf-8")
    code, report = run_json(capsys, "import", "--hash-only", str(source))
    assert code == 0
    article = imported(report["results"][0]["id"])
    assert "kept_original" not in article.provenance
    assert provenance_line(article.provenance).endswith("· hash only")
    assert provenance_line({"file": "a.md", "source_format": "markdown", "size": 2048}).startswith(
        "from a.md · Markdown ·"
    )
    assert article.provenance["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert not (imports.imports_dir() / "originals").exists()


def test_the_keep_originals_setting_is_honoured(isolated_home, tmp_path, capsys):
    (isolated_home / "data").mkdir(parents=True)
    (isolated_home / "data" / "settings.json").write_text('{"keep_import_originals": false}', encoding="utf-8")
    source = tmp_path / "a.txt"
    source.write_text("Settings keep only the hash.\n", encoding="utf-8")
    code, report = run_json(capsys, "import", str(source))
    assert code == 0 and report["results"][0]["kept_original"] is None


def test_the_app_keeps_the_keep_originals_setting_when_it_saves_its_own(tmp_path):
    from jjj_brief.app.state import SettingsStore
    from jjj_brief.paths import StorageWarnings

    (tmp_path / "settings.json").write_text('{"keep_import_originals": false, "resume": true}', encoding="utf-8")
    store = SettingsStore(tmp_path, warnings=StorageWarnings())
    store.settings.theme = "nord"
    assert store.save()
    assert json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))["keep_import_originals"] is False


def test_chinese_text_is_found_by_the_words_typed(tmp_path, capsys):
    (tmp_path / "zh.md").write_text(
        "---\ntitle: 空气\n---\n河北省PM2.5平均浓度降至38.6微克/立方米。\n\n另一段。\n", encoding="utf-8"
    )
    assert main(["import", str(tmp_path / "zh.md")]) == 0
    capsys.readouterr()
    assert [h.article for h in search("平均浓度", library=default_library()).hits] == ["kong-qi"]
    assert (
        search("浓度平均", library=default_library()).total == 0
    )  # the characters in the order typed, not anywhere in the passage


def test_removing_an_import_removes_its_kept_original(tmp_path, capsys):
    source = tmp_path / "a.txt"
    source.write_text("Removable text.\n", encoding="utf-8")
    main(["import", str(source)])
    capsys.readouterr()
    assert len(list((imports.imports_dir() / "originals").iterdir())) == 1
    assert main(["import", "--remove", "a"]) == 0
    assert list((imports.imports_dir() / "originals").iterdir()) == []


@pytest.mark.parametrize(
    ("done", "total", "elapsed", "expected"),
    [
        (10, 100, 2.0, "importing 10/100 · 5.0 files/s · about 18 s left"),
        (100, 100, 4.0, "importing 100/100 · 25.0 files/s"),
        (1, 5000, 1.0, "importing 1/5,000 · 1.0 files/s · about 1.4 h left"),
        (0, 1, 3.0, "importing 0/1"),  # one long PDF, its pages being read: no rate yet
    ],
)
def test_progress_line_shows_count_rate_and_time_left(done, total, elapsed, expected):
    assert render_progress(done, total, elapsed) == expected


def test_progress_line_appears_after_its_delay_and_is_erased_at_the_end():
    import io

    from jjj_brief.commands.import_cmd import ProgressLine

    stream = io.StringIO()
    meter = ProgressLine(stream, delay=0.0, interval=0.0)
    meter.update(1, 3, "a.pdf")
    meter.update(3, 3, "c.pdf")
    meter.close()
    written = stream.getvalue()
    assert "importing 1/3" in written and "importing 3/3" in written
    assert written.endswith("\r") and "\n" not in written  # one rewritten line, cleared for the results
    quiet = io.StringIO()
    late = ProgressLine(quiet, delay=60.0)
    late.update(1, 3, "a.pdf")
    late.close()
    assert quiet.getvalue() == ""  # a quick import shows no progress at all


@pytest.mark.parametrize(
    ("page_title", "heading", "expected"),
    [
        ("河北空气质量持续改善--新闻--人民网", "河北空气质量持续改善", "河北空气质量持续改善"),
        ("Hebei air quality | Xinhua", "Hebei air quality", "Hebei air quality"),
        ("Hebei air quality report", "Hebei", "Hebei air quality report"),  # a longer title, not a site name
        ("Site front page", "Unrelated heading", "Site front page"),
    ],
)
def test_an_html_title_loses_the_site_name_the_h1_leaves_out(page_title, heading, expected):
    from jjj_brief import formats

    page = html_page(f"<h1>{heading}</h1><p>{AIR}</p>", f"<title>{page_title}</title>")
    assert formats.extract(".html", page.encode()).title == expected


def test_an_epub2_with_escaped_hrefs_and_a_missing_chapter_imports_what_it_has(tmp_path, capsys):
    import zipfile

    opf = """<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Escaped book</dc:title>
<dc:creator>Li Si</dc:creator><dc:date>2022</dc:date></metadata>
<manifest><item id="a" href="Text/chapter%20one.xhtml" media-type="application/xhtml+xml"/>
<item id="gone" href="Text/gone.xhtml" media-type="application/xhtml+xml"/>
<item id="pic" href="Images/cover.jpg" media-type="image/jpeg"/></manifest>
<spine><itemref idref="pic"/><itemref idref="gone"/><itemref idref="a"/></spine></package>"""
    container = (
        '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    chapter = '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Escaped chapter text.</p></body></html>'
    source = tmp_path / "escaped.epub"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("content.opf", opf)
        archive.writestr("Text/chapter one.xhtml", chapter)
        archive.writestr("Images/cover.jpg", b"\xff\xd8 not read")
    code, report = run_json(capsys, "import", str(source))
    assert code == 0, report
    [result] = report["results"]
    assert "1 chapter file(s) its reading order names are missing" in result["message"]
    article = imported(result["id"])
    assert (article.title, article.byline, article.date) == ("Escaped book", ["Li Si"], "2022")
    assert article.text == "Escaped chapter text.\n" and article.provenance["chapters"] == 1


def test_chinese_text_saved_as_gbk_is_read_and_latin_1_is_still_refused(tmp_path, capsys):
    """Mainland Chinese .txt files are often GBK, not UTF-8: read as GB18030 with a note; the
    original bytes are what is hashed and kept."""
    zh = "---\ntitle: 河北空气\n---\n2023年，河北省PM2.5平均浓度降至38.6微克/立方米。\n"
    (tmp_path / "gbk.txt").write_bytes(zh.encode("gbk"))
    (tmp_path / "latin1.txt").write_bytes("Développement économique régional à Tianjin.\n".encode("latin-1"))
    code, report = run_json(capsys, "import", str(tmp_path))
    results = {r["path"].rsplit("/", 1)[-1]: r for r in report["results"]}
    assert code == 1 and results["latin1.txt"]["status"] == "refused"
    assert "not UTF-8 text" in results["latin1.txt"]["message"]
    gbk = results["gbk.txt"]
    assert gbk["status"] == "imported" and gbk["message"].endswith("not UTF-8: read as Chinese GB18030 (GBK)")
    assert gbk["sha256"] == hashlib.sha256(zh.encode("gbk")).hexdigest()
    article = imported("he-bei-kong-qi")
    assert article.text == "2023年，河北省PM2.5平均浓度降至38.6微克/立方米。\n"
    assert [f.text for f in extract_figures(article.text)][-1] == "38.6微克/立方米"
    assert [h.article for h in search("平均浓度", library=default_library()).hits] == ["he-bei-kong-qi"]


def test_a_title_property_a_program_filled_in_is_not_the_title(tmp_path, capsys):
    (tmp_path / "memo.pdf").write_bytes(
        pdf_bytes([["Hebei coal memo for the region."]], title="Microsoft Word - memo_v3_final.docx")
    )
    (tmp_path / "draft.docx").write_bytes(docx_bytes(title="Document1", heading="Tianjin port memo"))
    code, report = run_json(capsys, "import", str(tmp_path))
    assert code == 0, report
    titles = {r["id"]: r["title"] for r in report["results"]}
    assert titles == {"memo": "Hebei coal memo for the region.", "tianjin-port-memo": "Tianjin port memo"}


def test_titles_in_other_scripts_give_readable_ids_not_hashes():
    from jjj_brief.import_ids import readable_id

    assert readable_id("서울 수도권 발전") == "seo-ul-su-do-gwon-bal-jeon"
    assert readable_id("東京の再開発") == "dong-jing-no-zai-kai-fa"
    assert readable_id("التنمية المنسقة") == "ltnmyh-lmnsqh"
    assert readable_id("Развитие региона") == "razvitie-regiona"
    assert readable_id("Développement régional") == "developpement-regional"
    assert readable_id("京津冀协同发展") == "jing-jin-ji-xie-tong-fa-zhan"
