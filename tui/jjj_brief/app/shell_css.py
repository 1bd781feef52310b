"""The shell's layout rules (the sidebar, the main pane, the narrow screen)."""

SHELL_CSS = """
#top { dock: top; height: 1; background: $primary; color: $text; padding: 0 1; }
#body { height: 1fr; }
#sidebar { width: 44; border-right: vkey $primary 40%; }
#tree { height: 1fr; min-height: 6; }
#search { height: 1fr; border-top: hkey $primary 40%; }
/* Searching from Home: the results take the free main pane, at full height, beside the
   tree (which keeps its height); with a view open they stay under the tree. */
#body.-results-wide #main { display: none; }
#body.-results-wide #sidebar { width: 1fr; layout: horizontal; }
#body.-results-wide #tree { width: 44; height: 1fr; }
Screen.-narrow #body.-results-wide #tree { width: 28; }
#body.-results-wide #search { width: 1fr; height: 1fr; border-top: none; border-left: vkey $primary 40%; }
#main { width: 1fr; }
Screen.-narrow #sidebar { width: 28; }
#sidebar.-hidden { display: none; }
Screen.-narrow ReaderView #reader-meta { max-height: 3; }
Screen.-narrow ReaderView #reader-body { layout: vertical; }
Screen.-narrow ReaderView #figure-panel {
    width: 1fr; height: 8; border-left: none; border-top: hkey $primary 40%;
}
"""
