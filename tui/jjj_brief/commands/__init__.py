"""CLI sub-commands, one module each; see :mod:`jjj_brief.cli` for the contract."""
