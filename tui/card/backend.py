"""What the card needs from the archive, the engine and the policy, behind one small interface."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from creditfile.application.card import draft_breakdown
from creditfile.application.form_audit import AuditDone, PendingValue
from creditfile.engine.quotes import Quote
from creditfile.policy.model import Policy
from creditfile.presentation.translation import language
from creditfile.tui.card.draft import ProblemLike


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

    def save(
        self,
        doc: Mapping[str, Any],
        base_rev: int | None,
        verified: Sequence[Mapping[str, Any]] = (),
    ) -> dict[str, Any]:
        """Save through the store's revision check; returns the new record. ``verified``: the
        sources the edit marked verified, recorded with the save in one transaction.

        Raises:
            StaleRevisionError: someone else saved the customer since ``base_rev``.
            DuplicateCustomerError: a new customer's id is taken.
        """

    def history(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's history events, oldest first."""

    def record_event(self, customer_id: str, kind: str, detail: Mapping[str, Any]) -> None:
        """Append an audit event (e.g. ``personal_data_revealed``) to the history."""

    def reveal_personal(self, customer_id: str) -> dict[str, Any] | None:
        """Record that the card shows the customer's personal data; the whole record when only
        such a reveal reads it (a database), else None (the record held has it).

        Raises:
            StoreError: the reveal was refused.
        """

    def validate(self, doc: Mapping[str, Any]) -> Sequence[ProblemLike]:
        """The problems of a document, exactly as the command line reports them."""

    def relations(
        self, customer_id: str, doc: Mapping[str, Any]
    ) -> Mapping[str, list[dict[str, Any]]]:
        """Both directions of the customer's relations, ``doc`` (the draft) standing for it:
        ``application.relations.relations_of``."""

    def tops(self) -> Mapping[str, Decimal]:
        """The archive-wide top of each relative item (for live previews)."""

    def new_id(self) -> str:
        """An unused customer id to propose for a new customer."""

    def price_quote(
        self, customer_id: str, item: str, list_price: str, quantity: int, months: int
    ) -> Quote:
        """The quote under the customer's stored grading; nothing is recorded.

        Raises:
            QuoteError: the request cannot be priced (the message says what to change).
        """

    def issue_quote(
        self,
        customer_id: str,
        item: str,
        list_price: str,
        quantity: int,
        months: int,
        *,
        allow_over_limit: bool,
    ) -> Quote:
        """Price the quote and record it in the customer's history.

        Raises:
            QuoteError: the request cannot be priced.
            OverLimitError: over the credit limit and not allowed; nothing was recorded.
        """

    def pending_values(self, customer_id: str) -> list[PendingValue]:
        """The values the customer declared on its returned forms that await audit, as on
        file now."""

    def audit_declared(
        self, customer_id: str, field: str, decision: str, typed: str, source: int | None = None
    ) -> AuditDone:
        """Take one audit decision (``accept``, ``set`` with ``typed``, ``reject``) on the
        value the form of source number ``source`` (``#3``: 3) declared, and save it, recorded
        in the history.

        Raises:
            AuditError: nothing of that field awaits audit, or a typed value it cannot hold.
            StaleRevisionError: the customer changed meanwhile.
        """

    def add_demand(
        self, customer_id: str, item: str, quantity: str, wanted: str, note: str
    ) -> dict[str, Any]:
        """Check and keep one demand request of the customer (as ``creditfile demand add``).

        Raises:
            DemandError: every problem of the request; nothing was kept.
        """


def explain_draft(
    backend: CardBackend, doc: Mapping[str, Any], tops: Mapping[str, Decimal]
) -> dict[str, Any]:
    """The engine's breakdown of a (possibly unsaved) document against the archive-wide top."""
    # Labels in the language shown (the grading itself is the same whatever the labels).
    return draft_breakdown(doc, backend.policy.in_language(language()), backend.as_of, tops)


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
