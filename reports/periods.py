"""Which leases a report counts: those of a period, never one that starts after the report's
date. A lease counts in a period when it runs on at least one of its days (from its start to its
end; an open-ended lease runs on); its whole amount counts, not a share by days, as lease amounts
are booked per contract. A lease is active at the period's end when it is marked active, or when
it ends after that day (it was running then, though it is closed now)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from creditfile.engine.timeline import parse_date


@dataclass(frozen=True)
class Period:
    """The days a report covers.

    Attributes:
        end: The last day (the report's date): a lease starting after it never counts.
        start: The first day; None counts every lease begun by ``end``.
    """

    end: date
    start: date | None = None

    def counts(self, lease: Mapping[str, Any]) -> bool:
        """Whether the lease runs on some day of the period (cancelled leases are not asked).
        A lease without a readable start (a document that fails validation) counts, as it
        cannot be shown to start later."""
        begun = parse_date(lease.get("start"))
        if begun is not None and begun > self.end:
            return False
        if self.start is None:
            return True
        ended = parse_date(lease.get("end"))
        return ended is None or ended >= self.start

    def active_at_end(self, lease: Mapping[str, Any]) -> bool:
        """Whether a counted lease was running on the period's last day."""
        if lease.get("status") == "active":
            return True
        ended = parse_date(lease.get("end"))
        return ended is not None and ended > self.end

    def describe(self) -> str:
        """The period in words for a report's heading, e.g. ``2024-01-01 – 2024-12-31``."""
        if self.start is None:
            return f"leases begun by {self.end.isoformat()}"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"
