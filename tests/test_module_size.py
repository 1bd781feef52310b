"""No module of the package grows past 500 lines (issue 15: the largest was figures.py at
1,234; briefings/load.py crept to 502 when its YAML parse grew a libyaml path and a cache,
and the parse became briefings/yaml_items.py). A longer module is a sign it holds two
concerns: split it along them rather than raise the limit."""

from __future__ import annotations

from pathlib import Path

import jjj_brief

LIMIT = 500


def test_every_module_is_under_500_lines():
    package = Path(jjj_brief.__file__).parent
    lengths = {
        path.relative_to(package.parent): len(path.read_text(encoding="utf-8").splitlines())
        for path in package.rglob("*.py")
    }
    assert len(lengths) > 100  # the whole package was read
    too_long = {str(path): count for path, count in lengths.items() if count >= LIMIT}
    assert not too_long, f"split these along their concerns: {too_long}"
