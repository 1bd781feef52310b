"""Search: a Whoosh index over passages and briefings (no Textual here).

Use :func:`search`, :func:`ensure_index` and :func:`match_spans`; nothing outside this
package imports Whoosh. See :mod:`jjj_brief.search.query` for the query language and
:mod:`jjj_brief.search.analyzer` for how words are matched.
"""

from jjj_brief.search.api import (
    Hit,
    SearchResult,
    SearchService,
    alias_groups,
    ensure_index,
    match_spans,
    query_mentions,
    search,
    search_facets,
    spans_for_terms,
)
from jjj_brief.search.index import IndexStatus, IndexUnavailable

__all__ = [
    "Hit",
    "IndexStatus",
    "IndexUnavailable",
    "SearchResult",
    "SearchService",
    "alias_groups",
    "ensure_index",
    "match_spans",
    "query_mentions",
    "search",
    "search_facets",
    "spans_for_terms",
]
