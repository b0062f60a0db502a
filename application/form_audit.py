"""Auditing what a customer declared on a returned form, field by field.

A declared value waits on its ``customer_form`` source (``declared``) beside the archive's
value. Someone audits it: **accept** (the declared value becomes the archive's), **set** (the
audited value, typed, becomes the archive's) or **reject** (the archive's value stays). Each
decision is one save of the customer, graded as every save is, with a ``form_audited`` event in
the same transaction: who (the actor), the field, what was declared and what was decided. The
decided value leaves the source; once nothing of a form waits, the form is marked verified (a
``source_verified`` event beside it), which lifts what the policy holds against an unaudited
form.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from creditfile.application.customers import (
    GradingDone,
    save_customer,
    verified_source_event,
)
from creditfile.application.form_returns import DECLARED, apply_values
from creditfile.application.lookup import find_customer
from creditfile.document import field_catalogue
from creditfile.document.paths import value_at
from creditfile.document.values import format_amount
from creditfile.engine.validation import validator_for
from creditfile.policy import CreditfileError, Policy
from creditfile.presentation.translation import _, language, pgettext
from creditfile.spreadsheets.cells import CellReader
from creditfile.spreadsheets.columns import field_column
from creditfile.store import ArchiveStore, JSONObject

FORM_AUDITED = "form_audited"
"""The history event of one audited declared value."""
DECISIONS = ("accept", "set", "reject")


class AuditError(CreditfileError):
    """A decision that cannot be taken as asked; nothing was written."""


@dataclass(frozen=True)
class PendingValue:
    """One declared value awaiting audit.

    Attributes:
        key: The field (``profile.registered_capital``).
        declared: What the customer declared.
        current: What the archive holds now (None: nothing).
        source_index: The position of its ``customer_form`` source.
        on: When the form was filled in.
        by: Who filled it in.
    """

    key: str
    declared: Any
    current: Any
    source_index: int
    on: str
    by: str

    def label(self) -> str:
        """The field's label in the language in force, with its unit."""
        return field_catalogue()[self.key].titled(language())


def pending_values(doc: Mapping[str, Any]) -> list[PendingValue]:
    """Every declared value awaiting audit: the newest form first, fields in form order."""
    order = {f.key: i for i, f in enumerate(field_catalogue().declarable())}
    found: list[PendingValue] = []
    sources = doc.get("sources") or []
    for index in reversed(range(len(sources))):
        source = sources[index]
        declared = source.get(DECLARED) if isinstance(source, Mapping) else None
        if source.get("kind") != "customer_form" or not isinstance(declared, Mapping):
            continue
        for key in sorted(declared, key=lambda k: order.get(k, len(order))):
            found.append(
                PendingValue(
                    key,
                    declared[key],
                    value_at(doc, key),
                    index,
                    str(source.get("on") or ""),
                    str(source.get("by") or ""),
                )
            )
    return found


def find_pending(doc: Mapping[str, Any], field: str) -> PendingValue:
    """The newest pending value of ``field``: a key, its last step or its label in either
    language (``registered_capital``, ``注册资本``).

    Raises:
        AuditError: nothing of that field awaits audit (the fields that do are listed).
    """
    pending = pending_values(doc)
    catalogue = field_catalogue()
    wanted = field.strip()
    for value in pending:
        fld = catalogue[value.key]
        names = {fld.key, fld.name, fld.label.zh, fld.label.en, fld.titled("zh"), fld.titled("en")}
        if wanted in names or wanted.lower() in {n.lower() for n in names}:
            return value
    if not pending:
        raise AuditError(_("{id}: no declared value awaits audit").format(id=doc.get("id")))
    keys = list(dict.fromkeys(p.key for p in pending))
    close = difflib.get_close_matches(wanted, keys, n=1)
    hint = _("did you mean {field}? ").format(field=close[0]) if close else ""
    raise AuditError(
        _("{id}: no declared value of {field} awaits audit; {hint}awaiting: {fields}").format(
            id=doc.get("id"), field=repr(wanted), hint=hint, fields=", ".join(keys)
        )
    )


@dataclass(frozen=True)
class AuditDone:
    """One decision taken and saved.

    Attributes:
        event: The ``form_audited`` event recorded.
        verified: The form has nothing left to audit and was marked verified.
        record: The customer's stored record after the save.
    """

    event: JSONObject
    verified: bool
    record: JSONObject


def decide(
    doc: Mapping[str, Any], pending: PendingValue, decision: str, typed: str, policy: Policy
) -> tuple[dict[str, Any], JSONObject, Mapping[str, Any] | None]:
    """The document after one decision, its event, and the source if it became verified.

    Raises:
        AuditError: an unknown decision, or a typed value the field cannot hold.
    """
    if decision not in DECISIONS:
        raise AuditError(
            _("decision {decision}: give accept, set VALUE or reject").format(
                decision=repr(decision)
            )
        )
    if decision == "accept":
        decided = pending.declared
    elif decision == "set":
        decided = _typed(pending.key, typed, policy)
    else:
        decided = pending.current
    after = apply_values(doc, {pending.key: decided}) if decision != "reject" else dict(doc)
    sources = [dict(s) for s in after.get("sources") or []]
    source = sources[pending.source_index]
    left = {k: v for k, v in source[DECLARED].items() if k != pending.key}
    verified = None
    if left:
        source[DECLARED] = left
    else:
        source.pop(DECLARED)
        source["verified"] = True
        verified = {**source, "index": pending.source_index}
    after["sources"] = sources
    if decision != "reject":
        _check(after, pending.key, policy)
    event: JSONObject = {
        "kind": FORM_AUDITED,
        "field": pending.key,
        "decision": decision,
        "declared": pending.declared,
        "decided": decided,
        "before": pending.current,
        "source_index": pending.source_index,
        "source_on": pending.on,
    }
    return after, event, verified


def _typed(key: str, typed: str, policy: Policy) -> Any:
    if not typed.strip():
        raise AuditError(_("set: type the audited value of {field}").format(field=key))
    value = CellReader(policy).value(field_column(field_catalogue()[key]), typed)
    return value.strip() if isinstance(value, str) else value


def _check(doc: Mapping[str, Any], key: str, policy: Policy) -> None:
    problems = [p.message for p in validator_for(policy).problems(doc) if p.path.startswith(key)]
    if problems:
        label = field_catalogue()[key].titled(language())
        raise AuditError(f"{label}: " + "; ".join(problems))


def audit_declared(
    archive: ArchiveStore,
    customer_id: str,
    field: str,
    decision: str,
    policy: Policy,
    *,
    actor: str,
    as_of: date,
    typed: str = "",
    today: date | None = None,
    done: GradingDone | None = None,
) -> AuditDone:
    """Take one decision on a declared value and save it, with its event, in one write.

    Args:
        archive: The archive.
        customer_id: The customer.
        field: The field (its key, last step or label).
        decision: ``accept``, ``set`` or ``reject``.
        policy: Grades the customer after the save; reads a typed amount or date.
        actor: Who decides (recorded).
        as_of: The grading date.
        typed: The audited value for ``set``, as typed.
        today: The date an assessment change would be stamped with.
        done: Told what was graded (a whole run when the archive-wide top moved).

    Raises:
        CustomerNotFoundError: no such customer.
        AuditError: nothing of that field awaits audit, an unknown decision, or a typed value
            the field cannot hold; nothing was written.
        StaleRevisionError: the customer changed while deciding (try again).
    """
    doc = find_customer(archive, customer_id)
    record = archive.get(customer_id) or {}
    pending = find_pending(doc, field)
    after, event, verified = decide(doc, pending, decision, typed, policy)
    events = [event]
    if verified is not None:
        events.append(verified_source_event(verified))
    stored = save_customer(
        archive,
        after,
        base_rev=int(record["_meta"]["rev"]),
        actor=actor,
        policy=policy,
        as_of=as_of,
        events=events,
        today=today,
        done=done,
    )
    return AuditDone(event, verified is not None, stored)


def decision_word(decision: str) -> str:
    """``accepted``, ``corrected`` or ``rejected`` in the language in force."""
    words = {
        "accept": pgettext("form.decision", "accepted"),
        "set": pgettext("form.decision", "corrected"),
        "reject": pgettext("form.decision", "rejected"),
    }
    return words.get(decision, decision)


def shown_value(key: str, value: Any) -> str:
    """A declared or decided value as people read it (amounts with separators; none: —)."""
    if value is None or value == "":
        return "—"
    fld = field_catalogue().get(key)
    if fld is not None and fld.format == "amount" and isinstance(value, int | float):
        return format_amount(value)
    return str(value)


def audit_summary(event: Mapping[str, Any]) -> str:
    """A ``form_audited`` or ``form_imported`` event in one line of the language in force."""
    catalogue = field_catalogue()
    if event.get("kind") == FORM_AUDITED:
        key = str(event.get("field", ""))
        fld = catalogue.get(key)
        return _("{field}: declared {declared}, {decision}: {decided}").format(
            field=fld.titled(language()) if fld else key,
            declared=shown_value(key, event.get("declared")),
            decision=decision_word(str(event.get("decision", ""))),
            decided=shown_value(key, event.get("decided")),
        )
    keys: Sequence[Any] = event.get("declared") or []
    labels = [catalogue[k].titled(language()) if k in catalogue else str(k) for k in keys]
    if not labels:
        return _("{file}: every answer as on file").format(file=event.get("file", ""))
    return _("{file}: declared values to audit: {fields}").format(
        file=event.get("file", ""), fields=", ".join(labels)
    )
