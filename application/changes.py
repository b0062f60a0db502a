"""The history's field changes and regrade runs as people read them, for both front ends.

A change is recorded by document path with its old and new value (``document.changes``); it
is shown with the field's label from the catalogue (``电话``, not ``contact.phone``), a lease
by its contract number, values as every view shows them (amounts by ``format_amount``, keys by
their labels), and a personal field as ``•••`` (the history never holds its value; an ID
number is kept masked, ``4201**********1234``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from creditfile.document.changes import MASK
from creditfile.document.fields import field_catalogue
from creditfile.document.id_number import is_masked_id_number
from creditfile.document.values import format_amount
from creditfile.policy import Policy
from creditfile.presentation.brief import one_line
from creditfile.presentation.translation import _

VALUE_CELLS = 40
"""Terminal cells a value of a one-line history entry is cut to."""
NOTHING = "—"
"""What an absent value (a field filled in for the first time, or cleared) is shown as."""

_INDEX = re.compile(r"^(?P<list>\w+)\[(?P<index>\d+)\]\.(?P<rest>.+)$")


@dataclass(frozen=True)
class ChangeLine:
    """One change, ready to show: ``label: old → new``.

    Attributes:
        label: Which field, as people name it (with the lease or source it belongs to).
        old: The value before, as shown (``—`` for none, ``•••`` for a personal value).
        new: The value after, likewise.
    """

    label: str
    old: str
    new: str

    def text(self) -> str:
        """``label: old → new``."""
        return f"{self.label}: {self.old} → {self.new}"

    def brief(self, width: int = VALUE_CELLS) -> str:
        """``label: old → new`` on one line: a value of several lines shows its first and
        ``…``, a long one is cut at ``width`` terminal cells (CJK counted double)."""
        return f"{self.label}: {one_line(self.old, width)} → {one_line(self.new, width)}"


def change_lines(
    event: Mapping[str, Any], lang: str, policy: Policy | None = None
) -> list[ChangeLine]:
    """The field changes a history event recorded, labelled and formatted.

    Args:
        event: A history event; only a list under ``changes`` is read (a regrade run's
            ``changes`` is a count).
        lang: ``zh`` or ``en``.
        policy: Labels the scoring items, natures and leased items as compliance wrote them.
    """
    if event.get("kind") == RESCALE_EVENT:
        return _rescale_lines(event, lang, policy)
    recorded = event.get("changes")
    if not isinstance(recorded, list):
        return []
    lines = [_line(change, lang, policy) for change in recorded if isinstance(change, Mapping)]
    graded = event.get("grade")
    if isinstance(graded, Mapping):  # a merge graded the kept customer in its own write
        lines.append(_grade_line(graded, lang))
    return lines


RESCALE_EVENT = "assessment_rescaled"
"""The history event of a customer's entries rescaled by a policy activation."""


def _rescale_lines(event: Mapping[str, Any], lang: str, policy: Policy | None) -> list[ChangeLine]:
    """Each rescaled entry: the item, its old and new value, and why (``--rescale``)."""
    lines = []
    for entry in event.get("entries") or ():
        if not isinstance(entry, Mapping):
            continue
        label = field_label(f"assessment.{entry.get('item', '')}", lang, policy)
        weights = {"old": _number(entry.get("from_weight")), "new": _number(entry.get("to_weight"))}
        if entry.get("left"):
            why = _("left as entered: outside the old weight {old}").format(**weights)
        elif entry.get("restored"):
            why = _("weight {old} → {new}: the value before an earlier rescale").format(**weights)
        else:
            why = _("weight {old} → {new}, rescaled in proportion").format(**weights)
        new = f"{_number(entry.get('new'))} ({why})"
        lines.append(ChangeLine(label, _number(entry.get("old")), new))
    return lines


def _number(value: object) -> str:
    """A score or a weight as entered: ``12``, ``7.5``; ``—`` for none."""
    if isinstance(value, bool) or value is None:
        return NOTHING if value is None else str(value)
    if isinstance(value, int | float):
        return f"{value:g}"
    return str(value)


GRADE_LABEL = {"zh": "评级", "en": "Grade"}
"""The label of the grading line a merge's event shows."""


def _grade_line(graded: Mapping[str, Any], lang: str) -> ChangeLine:
    total = graded.get("total")
    points = f" ({total:.2f})" if isinstance(total, int | float) else ""
    return ChangeLine(
        GRADE_LABEL.get(lang, GRADE_LABEL["en"]),
        str(graded.get("from") or NOTHING),
        f"{graded.get('to') or NOTHING}{points}",
    )


def _line(change: Mapping[str, Any], lang: str, policy: Policy | None) -> ChangeLine:
    path = str(change.get("path", ""))
    label = field_label(path, lang, policy, change.get("ref"))
    if change.get("personal"):
        # The history holds no personal value, only whether there was one (an ID number
        # masked, 4201**********1234).
        return ChangeLine(label, _personal(change.get("old")), _personal(change.get("new")))
    return ChangeLine(
        label,
        shown_value(path, change.get("old"), lang, policy),
        shown_value(path, change.get("new"), lang, policy),
    )


def _personal(value: object) -> str:
    if not value:
        return NOTHING
    return value if isinstance(value, str) and is_masked_id_number(value) else MASK


def field_label(path: str, lang: str, policy: Policy | None = None, ref: object = None) -> str:
    """The label of a document path: ``电话``; a lease's field as ``租赁 L2023-001 · 金额``."""
    catalogue = field_catalogue()
    if policy is not None and path.startswith("assessment."):
        items = {item.key: item.label for item in policy.scoring}
        key = path.removeprefix("assessment.")
        if key in items:
            return items[key]
    match = _INDEX.match(path)
    label = catalogue.label_of_path(path, lang)
    if match is None:
        return label
    owner = catalogue.get(match["list"])
    owner_label = owner.text(lang) if owner is not None else match["list"]
    which = str(ref) if ref not in (None, "") else f"#{int(match['index']) + 1}"
    return f"{owner_label} {which} · {label}"


def shown_value(path: str, value: Any, lang: str, policy: Policy | None = None) -> str:
    """A recorded value as the card and the tables show it."""
    if value is None or value == "":
        return NOTHING
    # A value declared on a form is shown as its field's own (an amount with separators).
    found = field_catalogue().field_of_path(path)
    fmt = found.format if found is not None else None
    if fmt == "amount":
        return format_amount(value)
    if fmt == "flag" and isinstance(value, bool):
        yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
        return yes if value else no
    if isinstance(value, str) and found is not None:
        if fmt == "nature" and policy is not None:
            return policy.natures.get(value, value)
        if fmt == "item" and policy is not None:
            return policy.item_categories.get(value, value)
        if fmt == "choice":
            return found.choice_labels(lang).get(value, value)
    return str(value)


def run_summary(run: Mapping[str, Any]) -> dict[str, Any]:
    """One regrade run as ``creditfile runs`` lists it: id, when, who, policy, as-of, counts.

    Returns:
        ``{"run_id", "at", "actor", "os_user", "policy_version", "as_of", "customers",
        "graded", "ungraded", "by_grade", "changes"}`` (missing facts as None).
    """
    by_grade = run.get("by_grade")
    counts = dict(by_grade) if isinstance(by_grade, Mapping) else {}
    customers = run.get("customers")
    ungraded = run.get("ungraded")
    graded = (
        customers - ungraded if isinstance(customers, int) and isinstance(ungraded, int) else None
    )
    return {
        "run_id": run.get("run_id"),
        "at": run.get("at"),
        "actor": run.get("actor"),
        "os_user": run.get("os_user"),
        "policy_version": run.get("policy_version"),
        "as_of": run.get("as_of"),
        "customers": customers,
        "graded": graded,
        "ungraded": ungraded,
        "by_grade": counts,
        "changes": run.get("changes"),
    }


def grade_counts(by_grade: Mapping[str, Any], order: Sequence[str]) -> str:
    """``A 12 · B 30 · C 8 · D 2``: the counts in the policy's order, then any other grade."""
    names = [*order, *sorted(k for k in by_grade if k not in order)]
    return " · ".join(f"{name} {by_grade[name]}" for name in names if name in by_grade)
