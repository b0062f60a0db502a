"""The declared values of returned forms that await audit, one field's equal answers together.

A returned form keeps what the customer declared on its ``customer_form`` source (``declared``,
by field key) until audited. Two forms may declare the same value of a field: one decision
decides both, so they are taken as one answer naming both forms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from creditfile.application.form_returns import DECLARED
from creditfile.document import field_catalogue
from creditfile.document.paths import value_at
from creditfile.presentation.translation import language


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

    @property
    def source_number(self) -> int:
        """Its source's number as the card and the history show it (``资料来源 #3``: 3)."""
        return self.source_index + 1

    def form(self) -> str:
        """Which form declared it: ``#3, 2026-11-30, 李会计``."""
        parts = [f"#{self.source_number}", self.on, self.by]
        return ", ".join(part for part in parts if part)


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


@dataclass(frozen=True)
class PendingAnswer:
    """One value declared for one field, awaiting audit, with every form that declared it:
    a single decision decides them all.

    Attributes:
        values: Each form's pending value, the newest form first.
    """

    values: tuple[PendingValue, ...]

    @property
    def first(self) -> PendingValue:
        """The newest form's value (its key, declared and current values are the answer's)."""
        return self.values[0]

    def indexes(self) -> list[int]:
        """The positions of the sources of the forms that declared it."""
        return [value.source_index for value in self.values]

    def numbers(self) -> str:
        """The forms by their source numbers: ``#3, #1``."""
        return ", ".join(f"#{value.source_number}" for value in self.values)

    def forms(self) -> str:
        """Which forms declared it: ``#3, 2026-11-30, 李会计; #1, 2026-10-08, 赵出纳``."""
        return "; ".join(value.form() for value in self.values)


def pending_answers(doc: Mapping[str, Any]) -> list[PendingAnswer]:
    """The declared values awaiting audit with the same value of one field on several forms
    taken together, in the order of ``pending_values``."""
    return [PendingAnswer(tuple(same)) for same in same_answers(pending_values(doc))]


def same_answers(pending: Sequence[PendingValue]) -> list[list[PendingValue]]:
    """``pending`` in groups of the same value of the same field, in order of first answer."""
    groups: list[list[PendingValue]] = []
    for value in pending:
        group = next((g for g in groups if same_value(g[0], value)), None)
        if group is None:
            groups.append([value])
        else:
            group.append(value)
    return groups


def same_value(one: PendingValue, other: PendingValue) -> bool:
    """Whether two pending values answer the same field with the same value."""
    # 1 == True in Python: a flag and a number are different answers.
    return (
        one.key == other.key
        and type(one.declared) is type(other.declared)
        and one.declared == other.declared
    )
