"""``python -m jjj_brief.commands.alignment``: the aligner measured against the curated facts
(recall@k, top-1 precision and every miss; see :mod:`jjj_brief.compare.evaluate`), on the
process default Library. Not a sub-command: a measuring script for developers."""

from __future__ import annotations

import sys

from jjj_brief.commands.libraries import default_library


def main() -> int:
    from jjj_brief.compare.evaluate import main as print_report

    return print_report(default_library())


if __name__ == "__main__":
    sys.exit(main())
