"""briefings/REVIEW.md records a first reading of every topic, fact and timeline event."""

from __future__ import annotations

from pathlib import Path

from jjj_brief.briefings import shipped_briefings
from jjj_brief.commands.libraries import default_library

REVIEW = Path(__file__).resolve().parents[1] / "briefings" / "REVIEW.md"


def _rows() -> dict[tuple[str, str], list[str]]:
    rows = {}
    for line in REVIEW.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 9 and cells[0] in {"topic", "fact", "event"}:
            rows[(cells[0], cells[1])] = cells
    return rows


def test_every_topic_fact_and_event_has_a_review_row_with_a_reader_and_a_result():
    briefings = shipped_briefings(library=default_library())
    rows = _rows()
    wanted = (
        [("topic", t.id) for t in briefings.topics]
        + [("fact", f.id) for f in briefings.facts]
        + [("event", e.id) for e in briefings.timeline]
    )
    missing = [key for key in wanted if key not in rows]
    assert missing == [], f"add a REVIEW.md row for: {missing}"
    for key in wanted:
        _, _, against, reader, date, result, *_second = rows[key]
        assert against and reader and date and result, key


def test_every_topic_has_a_second_reader_who_did_not_write_it():
    rows = _rows()
    for topic in shipped_briefings(library=default_library()).topics:
        _, _, _, first, _, _, second, date, result = rows[("topic", topic.id)]
        assert second and date and result, f"topic {topic.id} has no second reader"
        assert first not in {name.strip() for name in second.split(";")}, f"topic {topic.id}: read twice by {first}"


def test_every_fact_and_event_has_a_second_reader_who_did_not_write_it():
    """A new fact is not read only by the one who curated it (issue 14: a second reader
    checks what a first wrote)."""
    rows = _rows()
    briefings = shipped_briefings(library=default_library())
    keys = [("fact", f.id) for f in briefings.facts] + [("event", e.id) for e in briefings.timeline]
    unread = []
    for key in keys:
        _, _, _, first, _, _, second, date, result = rows[key]
        readers = {name.strip() for name in second.split(";") if name.strip()}
        if not (readers - {first}) or not date or not result:
            unread.append(key)
    assert unread == [], f"no second reader who did not write it: {unread}"
