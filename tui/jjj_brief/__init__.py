"""jjj-brief: read, search and cross-check briefings on Beijing-Tianjin-Hebei coordinated development.

Everything in this package except :mod:`jjj_brief.app` (and its sub-modules) is core
logic with no Textual import; a test enforces that.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jjj-brief")
except PackageNotFoundError:  # running from a checkout without an install
    __version__ = "0.0.0+source"
