"""What the card needs from the archive, the engine and the policy, behind one small interface."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from engine import archive_tops_for, explain
from policy.model import Policy
from tui.card.draft import ProblemLike


class CardBackend(Protocol):
    """The card's view of the application: one customer at a time, saved with a revision check.

    Every method may be called from a worker thread.
    """

    @property
    def policy(self) -> Policy:
        """The active policy."""

    @property
    def as_of(self) -> date:
        """The date gradings and previews are for."""

    @property
    def actor(self) -> str:
        """Who is working (recorded on saves and events)."""

    @property
    def lang(self) -> str:
        """``zh`` or ``en``."""

    def record(self, customer_id: str, *, fresh: bool = False) -> dict[str, Any] | None:
        """The store record of a customer (``fresh``: re-read from the file), or None."""

    def save(self, doc: Mapping[str, Any], base_rev: int | None) -> dict[str, Any]:
        """Save through the store's revision check; returns the new record.

        Raises:
            StaleRevisionError: someone else saved the customer since ``base_rev``.
            DuplicateCustomerError: a new customer's id is taken.
        """

    def history(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's history events, oldest first."""

    def record_event(self, customer_id: str, kind: str, detail: Mapping[str, Any]) -> None:
        """Append an audit event (e.g. ``personal_data_revealed``) to the history."""

    def validate(self, doc: Mapping[str, Any]) -> Sequence[ProblemLike]:
        """The problems of a document, exactly as the command line reports them."""

    def tops(self) -> Mapping[str, Decimal]:
        """The archive-wide top of each relative item (for live previews)."""

    def new_id(self) -> str:
        """An unused customer id to propose for a new customer."""


def explain_draft(backend: CardBackend, doc: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's breakdown of a (possibly unsaved) document against the archive-wide top."""
    return explain(doc, backend.policy, backend.as_of, tops=backend.tops())


_ID_NUMBER = re.compile(r"^(?P<prefix>\D*)(?P<digits>\d+)$")


def next_free_id(ids: Sequence[str] | Any) -> str:
    """The id after the highest ``C000123``-style id in ``ids`` (``C000001`` for none)."""
    best: tuple[int, str, int] | None = None
    for cid in ids:
        match = _ID_NUMBER.match(str(cid))
        if match and (best is None or int(match["digits"]) > best[0]):
            best = (int(match["digits"]), match["prefix"], len(match["digits"]))
    if best is None:
        return "C000001"
    number, prefix, width = best
    return f"{prefix}{number + 1:0{width}d}"


class ArchiveBackend:
    """A ``CardBackend`` over a store ``Archive`` and a policy.

    Args:
        archive: An open ``store.Archive``.
        policy: The active policy.
        as_of: The grading date.
        actor: Who is working.
        lang: ``zh`` or ``en``.
    """

    def __init__(self, archive: Any, policy: Policy, as_of: date, actor: str, lang: str) -> None:
        self.archive = archive
        self._policy = policy
        self._as_of = as_of
        self._actor = actor
        self._lang = lang
        self._tops: Mapping[str, Decimal] | None = None
        self._lock = threading.Lock()

    @property
    def policy(self) -> Policy:
        """The active policy."""
        return self._policy

    @property
    def as_of(self) -> date:
        """The grading date."""
        return self._as_of

    @property
    def actor(self) -> str:
        """Who is working."""
        return self._actor

    @property
    def lang(self) -> str:
        """``zh`` or ``en``."""
        return self._lang

    def record(self, customer_id: str, *, fresh: bool = False) -> dict[str, Any] | None:
        """The store record (the store re-reads the file whenever it changed on disk)."""
        found = self.archive.get(customer_id)
        return dict(found) if found is not None else None

    def save(self, doc: Mapping[str, Any], base_rev: int | None) -> dict[str, Any]:
        """Save through the store's revision check; drops the cached top (amounts may move)."""
        saved = self.archive.save_customer(dict(doc), base_rev=base_rev, actor=self._actor)
        with self._lock:
            self._tops = None
        return dict(saved)

    def history(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's history, oldest first."""
        return list(self.archive.history(customer_id))

    def record_event(self, customer_id: str, kind: str, detail: Mapping[str, Any]) -> None:
        """Append an audit event to the history."""
        self.archive.record_event(customer_id, kind, self._actor, dict(detail))

    def validate(self, doc: Mapping[str, Any]) -> Sequence[ProblemLike]:
        """The shared document validation, as the command line runs it."""
        from engine.validation import validate_customer

        return list(validate_customer(dict(doc), self._policy))

    def tops(self) -> Mapping[str, Decimal]:
        """The archive-wide tops, computed once and kept until the next save."""
        with self._lock:
            if self._tops is None:
                self._tops = archive_tops_for(self.archive.documents(), self._policy, self._as_of)
            return self._tops

    def new_id(self) -> str:
        """The id after the archive's highest."""
        return next_free_id(list(self.archive.records()))
