"""What an index check found and did: the answer of ``ensure_index`` and ``jjj-brief index --json``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jjj_brief.search import engine_choice


@dataclass
class IndexStatus:
    """What :func:`ensure_index` found and did."""

    action: str  # "reused", "built", "rebuilt", "updated", "memory"
    reason: str  # why (e.g. "missing", "stale: seeds changed", "corrupt: ...")
    location: str | None  # folder of the live generation, None when in memory
    documents: int
    seconds: float
    added: int = 0
    removed: int = 0
    messages: list[str] = field(default_factory=list)
    engine: str = "whoosh"
    setting: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "engine": self.engine,
            "engine_setting": self.setting,
            "tantivy_threshold_passages": engine_choice.TANTIVY_PASSAGES,
            "reason": self.reason,
            "location": self.location,
            "documents": self.documents,
            "seconds": round(self.seconds, 3),
            "imports_added": self.added,
            "imports_removed": self.removed,
            "messages": list(self.messages),
        }
