from jjj_brief.cli import run

run()
