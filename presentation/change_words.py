"""A policy diff's what-if in the language in force: the effects, each customer's reasons and
the settings' values as compliance reads them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import yaml

from creditfile.policy import Policy
from creditfile.policy.errors import phrase_from_data
from creditfile.presentation.grading_words import reason_text
from creditfile.presentation.translation import N_, _, pgettext

# What happens to a customer under the new policy (``engine.change_reasons.EFFECTS``).
EFFECTS: dict[str, str] = {
    "become ungraded": N_("become ungraded"),
    "become graded": N_("become graded"),
    "move down": N_("move down"),
    "move up": N_("move up"),
    "change tier": N_("change tier"),
}


def effect_words(effect: str) -> str:
    """An effect's name in the language in force."""
    return _(EFFECTS[effect]) if effect in EFFECTS else effect


def reason_words(kind: str, said: object, english: str, policy: Policy | None = None) -> str:
    """One reason of a what-if in the language in force.

    Args:
        kind: The reason's kind; a ``rule`` reason is a grading's own sentence.
        said: The reason as a phrase's data (``Reason.said``, ``Reason.group_said``).
        english: The reason's English (``text``), shown when ``said`` is not phrase data (a
            what-if recorded by an earlier version).
        policy: Names the scoring items of a grading's own sentence.
    """
    try:
        worded = phrase_from_data(said)
    except ValueError:
        return reason_text(english, policy) if kind == "rule" else english
    return reason_text(str(worded), policy) if kind == "rule" else worded.text(_)


def reasons_words(reasons: Sequence[Mapping[str, Any]], policy: Policy | None = None) -> str:
    """A customer's reasons (``change_reasons``), ``; `` between them."""
    return "; ".join(reason_words(r["kind"], r.get("said"), r["text"], policy) for r in reasons)


def summary_words(row: Mapping[str, Any], policy: Policy | None = None) -> str:
    """The reason of one summary row (``change_reasons.summarise``)."""
    kinds, said = row.get("kinds") or [], row.get("said")
    if not isinstance(said, list) or len(said) != len(kinds):
        return str(row["reason"])
    return _separator().join(
        reason_words(kind, data, str(row["reason"]), policy)
        for kind, data in zip(kinds, said, strict=True)
    )


def _separator() -> str:
    # TRANSLATORS: between two reasons of one customer's change.
    return pgettext("reasons", "; ")


def setting_value(value: object) -> str:
    """A policy setting's value for compliance to read: ``(absent)`` and yes or no in the
    language in force, numbers with thousands separators, a group of settings in YAML's
    one-line form; never Python's spelling (``None``, ``True``, ``{'a': 1}``)."""
    if value is None:
        return _("(absent)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) else f"{value:,g}"
    if isinstance(value, str | date):
        return str(value)
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, sort_keys=False)
    return " ".join(text.split())
