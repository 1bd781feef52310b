"""Hostile documents: one batch of broken, encrypted, scanned, huge and booby-trapped PDF,
DOCX, EPUB and HTML files through ``jjj-brief import``. Each is refused with one line naming
it, or imported without anything it points at being fetched or run; the rest lands."""

from __future__ import annotations

import io
import json
import socket
import time
import zipfile
from pathlib import Path

import pytest
from fault_tools import record, run_cli

from doc_makers import docx_bytes, epub_bytes, html_page, pdf_bomb, pdf_bytes, zip_bomb
from jjj_brief.commands.libraries import default_library
from jjj_brief.corpus import load_corpus
from jjj_brief.search import search

SECRET = "zz-secret-marker-from-a-local-file"


@pytest.fixture(autouse=True)
def fresh_corpus():
    """The batch's imports must not leak into later tests through the per-process corpus."""
    yield
    from jjj_brief import corpus

    corpus._CORPUS = None


def _zero_page_pdf() -> bytes:
    from pypdf import PdfWriter

    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


def _zip(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _xxe_epub(secret_file: Path, origin: str) -> bytes:
    """An EPUB whose chapter declares an external entity pointing at a local file and a URL."""
    good = epub_bytes([("Entities", "Harmless entity chapter text.")])
    chapter = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY leak SYSTEM "file://' + str(secret_file) + '">'
        '<!ENTITY net SYSTEM "{ORIGIN}/dtd">]><html xmlns="http://www.w3.org/1999/xhtml">'
        "<body><h1>Entities</h1><p>Harmless entity chapter text. &leak; &net;</p></body></html>"
    ).replace("{ORIGIN}", origin)
    source = zipfile.ZipFile(io.BytesIO(good))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["OEBPS/c0.xhtml"] = chapter.encode()
    return _zip(members)


def _drm_epub() -> bytes:
    """An EPUB whose chapters are ciphertext listed in META-INF/encryption.xml (Adobe-style DRM)."""
    good = epub_bytes([("Locked", "Locked chapter text."), ("Two", "Second locked chapter.")])
    source = zipfile.ZipFile(io.BytesIO(good))
    members = {info.filename: source.read(info) for info in source.infolist()}
    for name in ("OEBPS/c0.xhtml", "OEBPS/c1.xhtml"):
        members[name] = bytes((n * 131 + 7) % 256 for n in range(len(members[name])))
    refs = "".join(
        f'<enc:EncryptedData><enc:CipherData><enc:CipherReference URI="OEBPS/c{i}.xhtml"/></enc:CipherData>'
        "</enc:EncryptedData>"
        for i in range(2)
    )
    members["META-INF/encryption.xml"] = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        f'xmlns:enc="http://www.w3.org/2001/04/xmlenc#">{refs}</encryption>'
    )
    return _zip(members)


def _font_obfuscated_epub() -> bytes:
    """Only a font is listed in encryption.xml (IDPF font obfuscation): the text is plain."""
    good = epub_bytes([("Fonts", "Obfuscated font chapter text.")], title="Fontbook")
    source = zipfile.ZipFile(io.BytesIO(good))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["OEBPS/font.otf"] = b"\0" * 64
    members["META-INF/encryption.xml"] = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
        '<enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>'
        '<enc:CipherData><enc:CipherReference URI="OEBPS/font.otf"/></enc:CipherData></enc:EncryptedData></encryption>'
    )
    return _zip(members)


# name -> (bytes, "import" or a word the refusal must contain)
def _linking_docx(origin: str) -> bytes:
    """A DOCX whose relationships point outside: a remote template and a linked image."""
    good = docx_bytes(title="Linked memo", paragraphs=("Linked memo body text.",))
    source = zipfile.ZipFile(io.BytesIO(good))
    members = {info.filename: source.read(info) for info in source.infolist()}
    rels = members["word/_rels/document.xml.rels"].decode()
    external = (
        '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'attachedTemplate" Target="{ORIGIN}/template.dotm" TargetMode="External"/>'
        '<Relationship Id="rIdI" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'image" Target="{ORIGIN}/pixel.png" TargetMode="External"/>'
    )
    external = external.replace("{ORIGIN}", origin)
    members["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", external + "</Relationships>").encode()
    return _zip(members)


def hostile_documents(folder: Path, origin: str = "http://example.org") -> dict[str, tuple[bytes, str]]:
    """The batch; every link in it points at ``origin`` (a listener the test watches)."""
    return _hostile_documents(folder, origin)


def _hostile_documents(folder: Path, origin: str) -> dict[str, tuple[bytes, str]]:
    secret = folder.parent / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    pdf = pdf_bytes([["Sound document text about Hebei."]], title="Sound PDF")
    deep = "<div>" * 50_000 + "<p>Deeply nested paragraph text survives.</p>" + "</div>" * 50_000
    return {
        "encrypted.pdf": (pdf_bytes([["secret text"]], password="pw"), "encrypted"),
        "scanned.pdf": (pdf_bytes([[], [], []]), "no text layer"),
        "zero-pages.pdf": (_zero_page_pdf(), "no pages"),
        "truncated.pdf": (pdf[: len(pdf) // 2], "PDF"),
        "not-really.pdf": (b"Just some text pretending to be a PDF\n", "not a PDF"),
        "long-500-pages.pdf": (
            pdf_bytes(
                [[f"Longreport page {i} text.", "More words on this page."] for i in range(500)], title="Longreport"
            ),
            "import",
        ),
        "bomb.pdf": (pdf_bomb(), "could be decoded"),
        "bomb.docx": (zip_bomb("docx", 30_000_000), "zip bomb"),
        "bomb.epub": (zip_bomb("epub", 30_000_000), "zip bomb"),
        "encrypted.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "encrypted"),
        "corrupt.docx": (b"PK\x03\x04" + b"\xff" * 500, "zip"),
        "no-body.docx": (_zip({"[Content_Types].xml": "<Types/>"}), "not a Word document"),
        "truncated.docx": (docx_bytes(paragraphs=("x",))[:3000], "zip"),
        "no-chapters.epub": (epub_bytes([]), "no chapters"),
        "drm.epub": (_drm_epub(), "DRM-protected"),
        "fonts-obfuscated.epub": (_font_obfuscated_epub(), "import"),
        "truncated.epub": (epub_bytes([("Cut", "Cut short.")])[:700], "zip"),
        "entities.epub": (_xxe_epub(secret, origin), "import"),
        "scripts.html": (
            html_page(
                "<script>document.write('SCRIPTRAN')</script><iframe src='{ORIGIN}/f'></iframe>"
                "<object data='{ORIGIN}/o'></object><img src='{ORIGIN}/i.png'>"
                "<p>Visible scripted page paragraph with enough words to be content for the reader.</p>",
                head="<meta http-equiv='refresh' content='0;url={ORIGIN}'>"
                "<link rel='stylesheet' href='{ORIGIN}/s.css'>",
            )
            .replace("{ORIGIN}", origin)
            .encode(),
            "import",
        ),
        "mixed-encoding.html": (
            html_page("<p>Mixedenc caf\u00e9 paragraph</p>").encode().replace(b"caf\xc3\xa9", b"caf\xe9"),
            "import",
        ),
        "deep.html": (html_page(deep).encode(), "nested too deeply"),
        "empty.html": (b"<html><body><script>x()</script></body></html>", "no text"),
        "linked.docx": (_linking_docx(origin), "import"),
        "links.epub": (
            epub_bytes(
                [("Links", f"Linked chapter text.<img src='{origin}/e.png'/><iframe src='{origin}/e'></iframe>")],
                title="Linkbook",
            ),
            "import",
        ),
        "sound.pdf": (pdf, "import"),
    }


@pytest.fixture(scope="module")
def document_batch(tmp_path_factory, home_with_seed_index):
    # The shipped corpus already indexed (a copy of the run's one build): the import adds the
    # documents to that index instead of building everything from scratch.
    home = home_with_seed_index("doc-home")
    folder = tmp_path_factory.mktemp("doc-files")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.setblocking(False)
    cases = hostile_documents(folder, f"http://127.0.0.1:{listener.getsockname()[1]}")
    for name, (data, _) in cases.items():
        (folder / name).write_bytes(data)
    started = time.monotonic()
    from fault_tools import cli_env

    proc = run_cli("import", "--json", str(folder), env=cli_env(JJJ_BRIEF_HOME=str(home)), timeout=300)
    seconds = time.monotonic() - started
    fetched = 0
    while True:  # connections made to the listener wait in its backlog, even once closed
        try:
            listener.accept()[0].close()
        except BlockingIOError:
            break
        fetched += 1
    listener.close()
    return home, cases, proc, seconds, fetched


def test_each_hostile_document_is_refused_by_name_or_imported_and_the_batch_lands(document_batch):
    home, cases, proc, seconds, _ = document_batch
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 1
    results = {Path(r["path"]).name: r for r in json.loads(proc.stdout)["results"]}
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    for name, (_, expected) in cases.items():
        outcome = results[name]
        if expected == "import":
            assert outcome["status"] == "imported", outcome
        elif expected != "import-or-refuse":
            assert outcome["status"] == "refused", outcome
            assert expected in outcome["message"], outcome
            assert sum(name in line for line in lines) == 1, name  # exactly one line, naming it
    refused = sum(r["status"] == "refused" for r in results.values())
    record(
        "hostile documents: import",
        attacks=len(cases),
        faults=refused,
        note=f"PDF/DOCX/EPUB/HTML batch took {seconds:.1f} s",
    )


def test_nothing_a_document_points_at_is_read_fetched_or_run(document_batch, in_home):
    home, _, _, _, fetched = document_batch
    assert fetched == 0  # nothing reached the listener every link, frame, entity and template points at
    in_home(home)
    corpus = load_corpus(refresh=True, library=default_library())
    texts = {a.file: a.text for a in corpus if a.source == "import"}
    assert "Harmless entity chapter text." in texts["entities.epub"]
    assert all(SECRET not in text for text in texts.values())  # no external entity resolved
    assert "SCRIPTRAN" not in texts["scripts.html"] and "Visible scripted page" in texts["scripts.html"]
    assert "Mixedenc caf\ufffd paragraph" in texts["mixed-encoding.html"]
    long = corpus.get("longreport")
    assert long.provenance["pages"] == 500 and long.locator_at(long.text.index("page 499 text")) == "p. 500"
    assert (
        search("longreport", library=default_library()).total >= 1
        and search("mixedenc", library=default_library()).total == 1
    )
