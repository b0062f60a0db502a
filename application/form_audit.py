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
    SOURCE_VERIFIED,
    GradingDone,
    save_customer,
    verified_source_event,
)
from creditfile.application.form_pending import (
    PendingAnswer,
    PendingValue,
    pending_answers,
    pending_values,
    same_answers,
    same_value,
)
from creditfile.application.form_returns import DECLARED, apply_values
from creditfile.application.lookup import find_customer
from creditfile.document import CustomerField, field_catalogue
from creditfile.document.values import format_amount
from creditfile.engine.validation import validator_for
from creditfile.policy import CreditfileError, Policy
from creditfile.presentation.brief import one_line
from creditfile.presentation.translation import _, language, pgettext
from creditfile.spreadsheets.cells import CellReader
from creditfile.spreadsheets.columns import field_column
from creditfile.store import ArchiveStore, JSONObject

FORM_AUDITED = "form_audited"
"""The history event of one audited declared value."""
DECISIONS = ("accept", "set", "reject")
__all__ = [  # the pending values are read here too, as they always were
    "PendingAnswer",
    "PendingValue",
    "pending_answers",
    "pending_values",
]


class AuditError(CreditfileError):
    """A decision that cannot be taken as asked; nothing was written."""


class AmbiguousDeclaredError(AuditError):
    """A field answered on more than one returned form: which one to decide must be said.

    Attributes:
        customer_id: The customer.
        field: The field's key.
        choices: Each form's pending value, the newest form first.
    """

    def __init__(self, customer_id: str, field: str, choices: Sequence[PendingValue]) -> None:
        self.customer_id = customer_id
        self.field = field
        self.choices = tuple(choices)
        answers = "; ".join(
            _("form {form}: {value}").format(form=c.form(), value=shown_value(c.key, c.declared))
            for c in self.choices
        )
        super().__init__(
            _(
                "{id}: {field} was answered on {count} forms, each awaiting audit: {answers}; "
                "say which form to decide (its source number, #N)"
            ).format(
                id=customer_id,
                field=self.choices[0].label(),
                count=len(self.choices),
                answers=answers,
            )
        )


def find_pending(
    doc: Mapping[str, Any], field: str, source: int | None = None
) -> list[PendingValue]:
    """The pending values of ``field`` (a key, its last step or its label in either language:
    ``registered_capital``, ``注册资本``) that one decision decides: the one declared on the
    form of source number ``source``, with every other form's answer of the same value.

    Args:
        doc: The customer.
        field: The field.
        source: The form's source number as the card and history show it (``#3``: 3); None
            when only one form answered the field, or every form that did gave one value.

    Raises:
        AmbiguousDeclaredError: ``source`` not given and forms answered the field with
            different values (each is named).
        AuditError: nothing of that field awaits audit (the fields that do are listed), or not
            on the form of that number (the forms that answered it are named).
    """
    pending = pending_values(doc)
    catalogue = field_catalogue()
    wanted = field.strip()
    matching = [value for value in pending if _names_field(catalogue[value.key], wanted)]
    if matching and source is None:
        if len(same_answers(matching)) > 1:
            raise AmbiguousDeclaredError(str(doc.get("id")), matching[0].key, matching)
        return matching
    chosen = [value for value in matching if value.source_number == source]
    if chosen:
        return [value for value in matching if same_value(value, chosen[0])]
    if matching:
        raise AuditError(
            _(
                "{id}: the form of source #{number} declared no {field} awaiting audit; "
                "forms that did: {forms}"
            ).format(
                id=doc.get("id"),
                number=source,
                field=matching[0].label(),
                forms="; ".join(value.form() for value in matching),
            )
        )
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


def _names_field(fld: CustomerField, wanted: str) -> bool:
    names = {fld.key, fld.name, fld.label.zh, fld.label.en, fld.titled("zh"), fld.titled("en")}
    return wanted in names or wanted.lower() in {n.lower() for n in names}


@dataclass(frozen=True)
class AuditDone:
    """One decision taken and saved, on one form or on every form that gave the same value.

    Attributes:
        events: The ``form_audited`` events recorded, one per form, the newest form first.
        verified: A form has nothing left to audit and was marked verified.
        record: The customer's stored record after the save.
    """

    events: tuple[JSONObject, ...]
    verified: bool
    record: JSONObject

    @property
    def event(self) -> JSONObject:
        """The newest form's ``form_audited`` event (each names every form decided)."""
        return self.events[0]


def decide(
    doc: Mapping[str, Any],
    pending: Sequence[PendingValue],
    decision: str,
    typed: str,
    policy: Policy,
) -> tuple[dict[str, Any], list[JSONObject], list[Mapping[str, Any]]]:
    """The document after one decision on one field's answer on each of ``pending``'s forms
    (one value), an event per form, and the sources that became verified.

    Raises:
        AuditError: an unknown decision, or a typed value the field cannot hold.
    """
    if decision not in DECISIONS:
        raise AuditError(
            _("decision {decision}: give accept, set VALUE or reject").format(
                decision=repr(decision)
            )
        )
    first = pending[0]
    if decision == "accept":
        decided = first.declared
    elif decision == "set":
        decided = _typed(first.key, typed, policy)
    else:
        decided = first.current
    after = apply_values(doc, {first.key: decided}) if decision != "reject" else dict(doc)
    sources = [dict(s) for s in after.get("sources") or []]
    verified: list[Mapping[str, Any]] = []
    for value in pending:
        source = sources[value.source_index]
        left = {k: v for k, v in source[DECLARED].items() if k != value.key}
        if left:
            source[DECLARED] = left
        else:
            source.pop(DECLARED)
            source["verified"] = True
            verified.append({**source, "index": value.source_index})
    after["sources"] = sources
    if decision != "reject":
        _check(after, first.key, policy)
    together = [value.source_index for value in pending]
    events: list[JSONObject] = []
    for value in pending:
        event: JSONObject = {
            "kind": FORM_AUDITED,
            "field": value.key,
            "decision": decision,
            "declared": value.declared,
            "decided": decided,
            "before": value.current,
            "source_index": value.source_index,
            "source_on": value.on,
        }
        if len(together) > 1:  # one decision on the same answer of several forms
            event["source_indexes"] = together
        events.append(event)
    return after, events, verified


def _typed(key: str, typed: str, policy: Policy) -> Any:
    if not typed.strip():
        raise AuditError(_("set: type the audited value of {field}").format(field=key))
    value = CellReader(policy).value(field_column(field_catalogue()[key]), typed)
    return value.strip() if isinstance(value, str) else value


def _check(doc: Mapping[str, Any], key: str, policy: Policy) -> None:
    problems = [p.text(_) for p in validator_for(policy).problems(doc) if p.path.startswith(key)]
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
    source: int | None = None,
    today: date | None = None,
    done: GradingDone | None = None,
) -> AuditDone:
    """Take one decision on a declared value and save it, with its events, in one write.

    Several forms that declared the same value of the field are decided together (an event
    for each, naming them all); forms that declared different values need ``source``.

    Args:
        archive: The archive.
        customer_id: The customer.
        field: The field (its key, last step or label).
        decision: ``accept``, ``set`` or ``reject``.
        policy: Grades the customer after the save; reads a typed amount or date.
        actor: Who decides (recorded).
        as_of: The grading date.
        typed: The audited value for ``set``, as typed.
        source: The number of the form's source (``#3``: 3), needed when several forms
            answered the field with different values.
        today: The date an assessment change would be stamped with.
        done: Told what was graded (a whole run when the archive-wide top moved).

    Raises:
        CustomerNotFoundError: no such customer.
        AmbiguousDeclaredError: several forms answered the field with different values and
            ``source`` names none.
        AuditError: nothing of that field awaits audit (on that form), an unknown decision,
            or a typed value the field cannot hold; nothing was written.
        StaleRevisionError: the customer changed while deciding (try again).
    """
    doc = find_customer(archive, customer_id)
    record = archive.get(customer_id) or {}
    pending = find_pending(doc, field, source)
    after, audited, verified = decide(doc, pending, decision, typed, policy)
    events = [*audited, *(verified_source_event(source) for source in verified)]
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
    return AuditDone(tuple(audited), bool(verified), stored)


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


def audit_summary(event: Mapping[str, Any], width: int | None = None) -> str:
    """A ``form_audited``, ``form_imported`` or ``source_verified`` event in one line of the
    language in force.

    Args:
        event: The history event.
        width: Cut each value shown to one line of this many terminal cells (a table of
            one-line rows); None shows values whole.
    """
    catalogue = field_catalogue()
    if event.get("kind") == SOURCE_VERIFIED:
        return verified_summary(event)
    if event.get("kind") == FORM_AUDITED:
        key = str(event.get("field", ""))
        fld = catalogue.get(key)

        def shown(value: Any) -> str:
            text = shown_value(key, value)
            return text if width is None else one_line(text, width)

        summary = _("{field}: declared {declared}, {decision}: {decided}").format(
            field=fld.titled(language()) if fld else key,
            declared=shown(event.get("declared")),
            decision=decision_word(str(event.get("decision", ""))),
            decided=shown(event.get("decided")),
        )
        return summary + _together(event.get("source_indexes"))
    keys: Sequence[Any] = event.get("declared") or []
    labels = [catalogue[k].titled(language()) if k in catalogue else str(k) for k in keys]
    if not labels:
        return _("{file}: every answer as on file").format(file=event.get("file", ""))
    return _("{file}: declared values to audit: {fields}").format(
        file=event.get("file", ""), fields=", ".join(labels)
    )


def _together(indexes: Any) -> str:
    """`` (the same answer on forms #1, #2, decided together)``, or "" for one form."""
    if not isinstance(indexes, list) or len(indexes) < 2:
        return ""
    numbers = ", ".join(f"#{i + 1}" for i in indexes if isinstance(i, int))
    return " " + _("(the same answer on forms {forms}, decided together)").format(forms=numbers)


def verified_summary(event: Mapping[str, Any]) -> str:
    """A ``source_verified`` event: the source by the number the card shows (``资料来源 #3``),
    its channel, date and who gave it."""
    index = event.get("source_index")
    number = index + 1 if isinstance(index, int) and not isinstance(index, bool) else "?"
    kinds = field_catalogue()["sources[].kind"].choice_labels(language())
    kind = event.get("source_kind")
    about = [
        kinds.get(str(kind), str(kind)) if kind else "",
        event.get("source_on"),
        event.get("source_by"),
    ]
    return _("source #{number} ({about}) marked verified").format(
        number=number, about=", ".join(str(part) for part in about if part) or "—"
    )
