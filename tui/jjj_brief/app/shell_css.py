"""The shell's layout rules (the sidebar, the main pane, the narrow screen) and the focus mark.

The focus mark: the column between the sidebar and the main pane is always reserved (the
tree's and the search's right edge, the main pane's left edge); the pane that has the keys
draws a half block there, in the accent colour. A different glyph, not only a colour, so it
shows with ``NO_COLOR`` too, and it moves nothing: every width is the same with or without it.
"""

SHELL_CSS = """
#top { dock: top; height: 1; background: $primary; color: $text; padding: 0 1; }
#body { height: 1fr; }
#sidebar { width: 43; }
#tree { height: 1fr; min-height: 6; border-right: vkey $primary 40%; }
#search { height: 1fr; border-top: hkey $primary 40%; border-right: vkey $primary 40%; }
#main { width: 1fr; border-left: blank; }
#tree:focus, #search:focus-within { border-right: inner $accent; }
#main:focus-within { border-left: heavy $accent; }
/* Searching from Home: the results take the free main pane, at full height, beside the
   tree (which keeps its height); with a view open they stay under the tree. */
#body.-results-wide #main { display: none; }
#body.-results-wide #sidebar { width: 1fr; layout: horizontal; }
#body.-results-wide #tree { width: 44; height: 1fr; }
Screen.-narrow #body.-results-wide #tree { width: 28; }
#body.-results-wide #search { width: 1fr; height: 1fr; border-top: none; border-right: none; border-left: blank; }
#body.-results-wide #search:focus-within { border-left: heavy $accent; }
/* Searching below 110 columns or 40 rows (a view open or not): the search takes the screen,
   the tree and the view hidden, not changed (the view comes back as it was when the search
   gives the keys back: esc, a result opened, Tab). Beside a view the results had 26 columns
   and 5 rows at 80x24. */
Screen.-narrow #body.-searching #main, Screen.-short #body.-searching #main { display: none; }
Screen.-narrow #body.-searching #tree, Screen.-short #body.-searching #tree { display: none; }
Screen.-narrow #body.-searching #sidebar, Screen.-short #body.-searching #sidebar { width: 1fr; }
Screen.-narrow #body.-searching #search, Screen.-short #body.-searching #search {
    width: 1fr; height: 1fr; border-top: none; border-right: none; border-left: blank;
}
Screen.-narrow #body.-searching #search:focus-within, Screen.-short #body.-searching #search:focus-within {
    border-left: heavy $accent;
}
Screen.-narrow #sidebar { width: 27; }
#sidebar.-hidden { display: none; }
Screen.-narrow ReaderView #reader-meta { max-height: 3; }
Screen.-narrow ReaderView #reader-body { layout: vertical; }
Screen.-narrow ReaderView #figure-panel {
    width: 1fr; height: 8; border-left: none; border-top: hkey $primary 40%;
}
"""
