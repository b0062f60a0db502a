"""A history event's name and details in the language in force, for the card's history tab and
``creditfile history`` alike: the store's bookkeeping (``rev=1 created=True``) and the keys of a
regrade run or a policy activation said in words, never as they are recorded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from creditfile.presentation.translation import N_, _, ngettext
from creditfile.presentation.vocabulary import EVENTS, named

# Archive-wide events, named beside the customers' (``vocabulary.EVENTS``).
ARCHIVE_EVENTS: dict[str, str] = {
    "regrade_run": N_("regrade run"),
}


def event_name(kind: object) -> str:
    """An event kind as people name it (``customer_imported`` → 导入档案 / imported); a kind
    recorded by a later version is shown as recorded."""
    key = str(kind)
    return named(ARCHIVE_EVENTS, key) if key in ARCHIVE_EVENTS else named(EVENTS, key)


def worded(key: str, value: object) -> str | None:
    """The store's bookkeeping in an event (``rev=1 created=True``) as words; None for a key
    that has none."""
    if key == "rev":
        return _("revision {rev}").format(rev=value)
    if key == "created" and isinstance(value, bool):
        return _("new customer") if value else _("replaced the customer's file")
    if key == "into" and isinstance(value, str):
        return _("merged into {id}").format(id=value)
    if key == "origin" and value == "demo":
        return _("demo data")
    if key == "replaced_unmarked" and value is True:
        return _("overwrote a customer demo had not generated")
    return None


def run_words(event: Mapping[str, Any]) -> str:
    """A regrade run: its number, policy, date and what it changed."""
    count = int(event.get("customers") or 0)
    changes = int(event.get("changes") or 0)
    return _(
        "run {run}, policy {version}, as of {as_of}: {customers}, {changes}, {ungraded}"
    ).format(
        run=event.get("run_id"),
        version=event.get("policy_version"),
        as_of=event.get("as_of"),
        customers=ngettext("{count} customer", "{count} customers", count).format(
            count=f"{count:,}"
        ),
        changes=ngettext("{count} grade change", "{count} grade changes", changes).format(
            count=f"{changes:,}"
        ),
        ungraded=_("{count} ungraded").format(count=f"{int(event.get('ungraded') or 0):,}"),
    )


def activation_words(event: Mapping[str, Any]) -> str:
    """A policy activation: which version, from which file, forced or not."""
    text = _("policy {version} from {path}").format(
        version=event.get("version"), path=event.get("path") or "—"
    )
    if event.get("forced"):
        text += _(" (forced: its tests failed)")
    return text


def value_words(key: str, value: object) -> str:
    """One other recorded value: ``key=value`` with yes or no for a flag and a list joined."""
    if isinstance(value, bool):
        shown = _("yes") if value else _("no")
    elif isinstance(value, list | tuple):
        shown = ", ".join(map(str, value))
    elif isinstance(value, Mapping):
        shown = ", ".join(f"{k} {v}" for k, v in value.items())
    else:
        shown = str(value)
    return f"{key}={shown}"


def detail_words(event: Mapping[str, Any], skip: Sequence[str] = ()) -> list[str]:
    """The details of an event no summary of its own words, each in words where known."""
    kind = event.get("kind")
    if kind == "regrade_run":
        return [run_words(event)]
    if kind == "policy_activated":
        return [activation_words(event)]
    parts = []
    for key, value in event.items():
        if key in skip or value in (None, "", [], {}):
            continue
        said = worded(key, value)
        parts.append(said if said is not None else value_words(key, value))
    return parts
