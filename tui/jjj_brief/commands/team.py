"""``jjj-brief team init|status``: the shared team database (PostgreSQL).

``init`` creates or migrates the schema and loads the shipped seeds and briefings;
``status`` says which server, which schema version and what it holds. Both need a
connection string (``JJJ_BRIEF_DATABASE_URL`` or ``database_url`` in settings.json).
"""

from __future__ import annotations

import argparse
import sys

from jjj_brief.commands import default_library
from jjj_brief.output import emit_json, message


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("team", help="team mode: create/migrate the shared PostgreSQL database, or check it")
    actions = parser.add_subparsers(dest="team_action", metavar="ACTION")
    actions.required = True
    init = actions.add_parser("init", help="create or migrate the schema, load the shipped seeds and briefings")
    init.add_argument("--json", action="store_true", help="print JSON to stdout")
    init.set_defaults(handler=run_init)
    status = actions.add_parser("status", help="the server, schema version and what it holds")
    status.add_argument("--json", action="store_true", help="print JSON to stdout")
    status.set_defaults(handler=run_status)
    parser.set_defaults(handler=lambda args: parser.error("say init or status"))


def run_init(args: argparse.Namespace) -> int:
    from jjj_brief.team.admin import init_team

    def step(text: str) -> None:
        if not args.json:
            message(f"jjj-brief: {text}")

    report = init_team(on_step=step, library=default_library())
    if args.json:
        emit_json(report)
        return 0
    print(
        f"team database ready: schema version {report['schema_version']} ({report['search_index']} search index); "
        f"{report['articles']} articles, {report['passages']} search documents"
    )
    return 0


def run_status(args: argparse.Namespace) -> int:
    from jjj_brief.team.admin import team_status

    report = team_status()
    if args.json:
        emit_json(report)
        return 0
    lines = [
        f"server: {report['server']}" + (f" (reads from {report['replica']})" if report["replica"] else ""),
        f"schema: version {report['schema_version']} of {report['latest_version']}"
        + ("" if report["schema_version"] == report["latest_version"] else " (run: jjj-brief team init)"),
        f"search index: {report['search_index'] or 'none yet'}",
        f"articles: {report['articles']} ({report['imports']} imported), search documents: {report['passages']}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
