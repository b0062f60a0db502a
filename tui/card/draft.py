"""The customer being edited: a working copy of its document, its base revision and its problems."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from creditfile.application.changes import field_label
from creditfile.document.paths import value_at
from creditfile.presentation.translation import N_, _, language
from creditfile.store import customer_document
from creditfile.tui.card.fields import FieldKind, FieldSpec, parse_value, set_path

PERSON_PATH = "profile.person"


class ProblemLike(Protocol):
    """What the card needs of a validation problem: where, and what to do."""

    @property
    def path(self) -> str:
        """The document path, e.g. ``leases[2].amount``."""

    @property
    def message(self) -> str:
        """What is wrong and what to do, in English."""

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """What is wrong and what to do, in the language of ``translate``."""


@dataclass(frozen=True)
class CardProblem:
    """An action the card refused: where, and the message saying why (English source text,
    translated where it is shown)."""

    path: str
    key: str


class Draft:
    """A working copy of one customer document and what the card knows about its base.

    Args:
        record: The store record (document + ``_meta`` + ``_grading``), or None for a new
            customer.
        new_id: The id proposed for a new customer.
    """

    def __init__(self, record: Mapping[str, Any] | None, new_id: str = "") -> None:
        self.reset(record, new_id)

    def reset(self, record: Mapping[str, Any] | None, new_id: str = "") -> None:
        """Start again from ``record`` (after a save, or a reload), dropping every change."""
        self.is_new = record is None
        if record is None:
            self.original: dict[str, Any] = {"id": new_id}
            meta: Mapping[str, Any] = {}
            self.grading: Mapping[str, Any] | None = None
        else:
            # A deep copy: the draft's edits must never reach the record it came from.
            self.original = copy.deepcopy(customer_document(record))
            meta = record.get("_meta") or {}
            self.grading = record.get("_grading")
        self.meta = dict(meta)
        self.base_rev: int | None = meta.get("rev") if record is not None else None
        self.doc: dict[str, Any] = copy.deepcopy(self.original)
        self._verified: set[int] = set()

    @property
    def customer_id(self) -> str:
        """The id being edited (a new customer's id may still change)."""
        return str(self.doc.get("id") or self.original.get("id") or "")

    @property
    def dirty(self) -> bool:
        """Whether the working copy differs from what was loaded."""
        return self.doc != self.original

    def value(self, path: str) -> Any:
        """The working value at a dotted ``path``."""
        return value_at(self.doc, path)

    def set_text(self, spec: FieldSpec, text: str) -> None:
        """Store what was typed into ``spec``'s input (empty text removes the value)."""
        self.set_value(spec.path, parse_value(text, spec.kind))

    def set_value(self, path: str, value: Any) -> None:
        """Set (None: remove) the value at a dotted ``path``."""
        set_path(self.doc, path, value)

    def set_assessment(self, key: str, text: str, kind: FieldKind = "score") -> None:
        """Store an assessment item's entry."""
        self.set_value(f"assessment.{key}", parse_value(text, kind))

    # leases -------------------------------------------------------------------------------

    @property
    def leases(self) -> list[dict[str, Any]]:
        """The working list of leases (created on first use)."""
        leases = self.doc.get("leases")
        if not isinstance(leases, list):
            leases = []
        return leases

    def put_lease(self, lease: Mapping[str, Any], index: int | None = None) -> None:
        """Add a lease, or replace the one at ``index``; None values are dropped."""
        clean = {k: v for k, v in lease.items() if v is not None}
        leases = list(self.leases)
        if index is None:
            leases.append(clean)
        else:
            leases[index] = clean
        self.doc["leases"] = leases

    def close_lease(self, index: int, on: date) -> CardProblem | None:
        """Close an active lease; its end becomes ``on`` unless an earlier end was entered."""
        lease = self.leases[index]
        if lease.get("status") != "active":
            return CardProblem(
                f"leases[{index}].status",
                N_("Lease {contract} is not active; only an active lease can be closed"),
            )
        end = lease.get("end")
        changed = dict(lease, status="closed")
        if not isinstance(end, str) or end > on.isoformat():
            changed["end"] = on.isoformat()
        self.put_lease(changed, index)
        return None

    def cancel_lease(self, index: int) -> CardProblem | None:
        """Mark a lease cancelled (it then counts for nothing); it stays on file."""
        lease = self.leases[index]
        if lease.get("status") == "cancelled":
            return CardProblem(
                f"leases[{index}].status", N_("Lease {contract} is already cancelled")
            )
        self.put_lease(dict(lease, status="cancelled"), index)
        return None

    # related customers -------------------------------------------------------------------

    @property
    def related(self) -> list[dict[str, Any]]:
        """The working list of the customers this one names as related."""
        related = self.doc.get("related")
        return related if isinstance(related, list) else []

    def add_related(self, relation: Mapping[str, Any]) -> None:
        """Name one more related customer (empty values left out)."""
        kept = {k: v for k, v in relation.items() if v not in (None, "")}
        self.doc["related"] = [*self.related, kept]

    def remove_related(self, index: int) -> None:
        """Stop naming the related customer at ``index`` (the list goes when it empties)."""
        rest = [r for i, r in enumerate(self.related) if i != index]
        if rest:
            self.doc["related"] = rest
        else:
            self.doc.pop("related", None)

    # sources ------------------------------------------------------------------------------

    @property
    def sources(self) -> list[dict[str, Any]]:
        """The working list of sources."""
        sources = self.doc.get("sources")
        return sources if isinstance(sources, list) else []

    def add_source(self, source: Mapping[str, Any]) -> None:
        """Add a source; None values are dropped."""
        self.doc["sources"] = [*self.sources, {k: v for k, v in source.items() if v is not None}]

    def verify_source(self, index: int) -> CardProblem | None:
        """Mark a customer form as audited; the audit is recorded in the history on save."""
        source = self.sources[index]
        if source.get("kind") != "customer_form":
            return CardProblem(
                f"sources[{index}].verified", N_("Only customer forms need an audit")
            )
        if source.get("verified") is True:
            return CardProblem(f"sources[{index}].verified", N_("This source is already verified"))
        if source.get("declared"):
            return CardProblem(
                f"sources[{index}].verified",
                N_("Audit the values this form declared first (d), one by one"),
            )
        sources = list(self.sources)
        sources[index] = dict(source, verified=True)
        self.doc["sources"] = sources
        self._verified.add(index)
        return None

    def newly_verified(self) -> list[dict[str, Any]]:
        """The sources marked verified since loading that are still verified, for the history."""
        return [
            dict(self.sources[i], index=i)
            for i in sorted(self._verified)
            if i < len(self.sources) and self.sources[i].get("verified") is True
        ]

    def declared_values(self) -> int:
        """How many declared values of returned forms await audit."""
        return sum(
            len(s["declared"])
            for s in self.sources
            if s.get("kind") == "customer_form" and isinstance(s.get("declared"), dict)
        )

    def pending_forms(self) -> int:
        """How many customer forms await an audit."""
        return sum(
            1
            for s in self.sources
            if s.get("kind") == "customer_form" and s.get("verified") is False
        )


def section_of(path: str) -> str:
    """The card tab a document path belongs to."""
    head = path.split(".", 1)[0].split("[", 1)[0]
    if path.startswith(PERSON_PATH):
        return "person"
    if head in ("", "id", "name", "nature", "contact", "profile"):
        return "basic"
    return head


def problems_for(path: str, problems: Sequence[ProblemLike]) -> list[str]:
    """Messages of the problems at ``path`` or inside it, in the language in force."""
    return [
        p.text(_) for p in problems if p.path == path or p.path.startswith((path + ".", path + "["))
    ]


def problems_by_section(problems: Sequence[ProblemLike], shown: set[str]) -> dict[str, list[str]]:
    """Problems no field shows (``shown`` holds the field paths), grouped by tab, as
    ``field: message`` lines in the language in force (the field by its label)."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        if any(problem.path == s or problem.path.startswith((s + ".", s + "[")) for s in shown):
            continue
        grouped.setdefault(section_of(problem.path), []).append(problem_line(problem))
    return grouped


def problem_line(problem: ProblemLike) -> str:
    """``field: message`` in the language in force, the field by its label (``租赁 #2 · 金额``)."""
    message = problem.text(_)
    return f"{field_label(problem.path, language())}: {message}" if problem.path else message
