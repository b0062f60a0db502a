"""Learning of other people's writes to an open archive, whatever keeps it: a PostgreSQL
archive tells them as they commit (LISTEN/NOTIFY, with the customers each touched); a file
archive is watched by its change stamp."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from creditfile.store import ArchiveStore, Changes, ListeningStore


@dataclass(frozen=True)
class ArchiveChange:
    """One write someone committed.

    Attributes:
        kinds: The kinds of its history events (``customer_changed``, ``regrade_run``…);
            empty when the store does not say.
        customers: The customers it touched; None when unknown or too many to list (a
            regrade): then everything shown may have changed.
        own: Written through the very archive object watched (this program's own write,
            which it knows of already); False when the store cannot tell.
    """

    kinds: tuple[str, ...]
    customers: tuple[str, ...] | None
    own: bool = False

    def touches(self, customer_id: str) -> bool:
        """Whether the write may have changed ``customer_id``."""
        return self.customers is None or customer_id in self.customers


class ChangeWatcher:
    """The writes committed to an archive since the watcher was made (by anyone, this
    process included). Close it when done."""

    def __init__(self, archive: ArchiveStore, *, poll: float = 0.5) -> None:
        """Start watching ``archive``; a file archive's stamp is read every ``poll`` seconds.

        Raises:
            StoreError: the database cannot be reached.
        """
        self._archive = archive
        self._poll = poll
        self._feed: Changes | None = (
            archive.listen() if isinstance(archive, ListeningStore) else None
        )
        self._stamp = None if self._feed is not None else archive.stamp()

    def wait(self, timeout: float) -> list[ArchiveChange]:
        """The writes committed since the last call, waiting up to ``timeout`` seconds for
        one; empty when there was none."""
        if self._feed is not None:
            return [_change(found) for found in self._feed.wait(timeout)]
        deadline = time.monotonic() + timeout
        while True:
            stamp = self._archive.stamp()
            if stamp != self._stamp:
                self._stamp = stamp
                return [ArchiveChange(kinds=(), customers=None)]
            left = deadline - time.monotonic()
            if left <= 0:
                return []
            time.sleep(min(self._poll, left))

    def close(self) -> None:
        """Stop watching."""
        if self._feed is not None:
            self._feed.close()


def _change(found: dict[str, Any]) -> ArchiveChange:
    kinds = found.get("kinds")
    customers = found.get("customers")
    return ArchiveChange(
        kinds=tuple(str(k) for k in kinds) if isinstance(kinds, list) else (),
        customers=tuple(str(c) for c in customers) if isinstance(customers, list) else None,
        own=found.get("own") is True,
    )
