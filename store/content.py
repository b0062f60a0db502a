"""Everything an archive holds, as ``creditfile db copy`` moves it between stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ArchiveContent:
    """Everything an archive holds, for ``creditfile db copy``.

    Attributes:
        records: Every record (document, ``_meta``, ``_grading``) by id, in stored order.
        events: The committed history as written, oldest first, with transaction numbers.
        active_policy: The active policy, or None.
        aliases: Merged-away ids and the ids kept.
        demands: The demand requests kept for priority supply, oldest first (an archive
            file's; a database keeps none), and the number of the last one given.
    """

    records: dict[str, dict[str, Any]]
    events: list[dict[str, Any]]
    active_policy: dict[str, Any] | None
    aliases: dict[str, str] = field(default_factory=dict)
    demands: list[dict[str, Any]] = field(default_factory=list)
    demand_serial: int = 0

    @property
    def last_txn(self) -> int:
        """The highest transaction number in the history (0 when none)."""
        return max((int(e["txn"]) for e in self.events if e.get("txn") is not None), default=0)
