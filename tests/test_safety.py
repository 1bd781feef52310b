"""The display-safe view: no escapes or controls reach the terminal, offsets unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jjj_brief.safety import display_safe, one_line, styled

ESC = "\x1b"


def test_csi_osc_and_controls_are_blanked_with_offsets_kept():
    text = f"A{ESC}[2J{ESC}]0;pwned\x07B\x9b31mC\x07\x00D\rE\tF\x85G"
    safe = display_safe(text)
    assert len(safe) == len(text)
    assert ESC not in safe and "\x07" not in safe and "\x9b" not in safe
    # the letters stay where they were
    for letter in "ABCDEFG":
        assert safe.index(letter) == text.index(letter)
    # no parameter bytes of a sequence are left behind as visible text
    assert "2J" not in safe and "pwned" not in safe and "31m" not in safe


def test_osc8_link_and_osc52_clipboard_write_are_removed_whole():
    text = f"{ESC}]8;;http://evil.example{ESC}\\click{ESC}]8;;{ESC}\\ {ESC}]52;c;aGVsbG8={ESC}\\"
    safe = display_safe(text)
    assert "evil" not in safe and "aGVsbG8" not in safe and ESC not in safe
    assert "click" in safe and len(safe) == len(text)


def test_bidi_overrides_and_zero_width_characters_are_blanked():
    text = "abc\u202edcba\u2066x\u2069\u200by\ufeff"
    safe = display_safe(text)
    assert not any(ch in safe for ch in "\u202e\u2066\u2069\u200b\ufeff")
    assert len(safe) == len(text)


def test_newlines_and_ordinary_unicode_survive():
    text = "Xiong’an “two wings” 雄安\nline two — 38.6 µg/m³"
    assert display_safe(text) == text


def test_one_line_flattens_and_cuts():
    assert one_line("a\nb\x1b[1mc", 5) == "a b …"


def test_styled_builds_spans_without_reading_markup():
    text = "[bold]x[/] [@click=app.quit]y[/]"
    rendered = styled(text, [(0, 6, "bold"), (100, 200, "red")])
    assert rendered.plain == text
    assert [(s.start, s.end, str(s.style)) for s in rendered.spans] == [(0, 6, "bold")]


@given(st.text())
def test_display_safe_never_changes_length_or_leaves_controls(text):
    safe = display_safe(text)
    assert len(safe) == len(text)
    assert not any(
        (ord(ch) < 32 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F or ch in "\u202e\u2066\ufeff" for ch in safe
    )
    # characters outside any sequence are untouched
    for original, cleaned in zip(text, safe):
        assert cleaned == original or cleaned == " "
