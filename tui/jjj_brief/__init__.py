"""jjj-brief: read, search and cross-check briefings on Beijing-Tianjin-Hebei coordinated development.

Everything in this package except :mod:`jjj_brief.app` (and its sub-modules) is core
logic with no Textual import; a test enforces that.
"""

# The one place the version is written (pyproject reads it): importlib.metadata would cost
# ~50 ms of every start-up.
__version__ = "0.1.0"
