"""An article that arrives before the reader's first layout (its prepared blocks, say, when
the figures were found before) is wrapped at the default width first. When the reader gets
its size it is wrapped again, and then the top stays the top: the view did not jump a few
lines down, as it did when the place a third of the way down that unseen wrap was kept. A
place asked for (an offset to open at) is still kept."""

from __future__ import annotations

from app_helpers import pilot_test, wait_for
from textual.app import App, ComposeResult

from jjj_brief.app.blocks import Block
from jjj_brief.app.document import DocumentView

WORDS = "Beijing Tianjin Hebei coordinated development of the capital region and its ports "


def blocks() -> list[Block]:
    text, out = "", []
    for i in range(60):
        paragraph = f"{i} " + WORDS * (1 + i % 4)
        out.append(Block(paragraph, start=len(text)))
        text += paragraph + "\n"
    return out


def laid_out(document: DocumentView) -> bool:
    """Wrapped at its own width with no scroll pending (the scroll comes after a refresh,
    with no message saying so: polled)."""
    return document.size.width > 0 and document._width == document.text_width() and document._pending_offset is None


class OneDocument(App[None]):
    def __init__(self, offset: int | None) -> None:
        super().__init__()
        self.offset = offset

    def compose(self) -> ComposeResult:
        yield DocumentView()

    def on_mount(self) -> None:
        document = self.query_one(DocumentView)
        assert document.size.width == 0, "before the first layout"
        document.set_blocks(blocks())
        if self.offset is not None:
            document.scroll_to_offset(self.offset)


@pilot_test
async def test_blocks_set_before_the_first_layout_keep_the_top():
    app = OneDocument(None)
    async with app.run_test(size=(50, 20)) as pilot:
        document = app.query_one(DocumentView)
        await wait_for(pilot, lambda: laid_out(document))
        assert document._width < 80, "wrapped again at its own width"
        assert document.scroll_y == 0, "the top stays the top"


@pilot_test
async def test_an_offset_asked_for_before_the_first_layout_is_kept():
    target = blocks()[40]
    app = OneDocument(target.start)
    async with app.run_test(size=(50, 20)) as pilot:
        document = app.query_one(DocumentView)
        await wait_for(pilot, lambda: laid_out(document) and document.scroll_y > 0)
        assert document._width < 80, "wrapped again at its own width"
        height = document.scrollable_content_region.height
        assert document.scroll_y == document.line_of_offset(target.start) - height // 3 > 0
