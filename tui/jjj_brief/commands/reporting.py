"""Report printing shared by commands: what could not be loaded, said once on stderr."""

from __future__ import annotations

from jjj_brief.briefings import Briefings
from jjj_brief.output import message

MAX_REPORTED = 20


def report_problems(briefings: Briefings) -> None:
    """Tell the user, on stderr, what could not be loaded (commands still show the rest)."""
    problems = briefings.problems
    for problem in problems[:MAX_REPORTED]:
        message(f"jjj-brief: briefings: {problem}")
    if len(problems) > MAX_REPORTED:
        message(f"jjj-brief: briefings: ... and {len(problems) - MAX_REPORTED} more (run jjj-brief check)")
