"""The card's header: who the customer is, its grade (and the preview when it differs), its
revision and what the editing state is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from creditfile.policy.model import Policy
from creditfile.presentation.inert import terminal_text
from creditfile.presentation.translation import N_, _
from creditfile.tui.card.draft import Draft
from creditfile.tui.card.views import grade_badge, local_time


@dataclass(frozen=True)
class HeaderState:
    """What the second line of the header flags."""

    editing: bool
    dirty: bool
    problems: int


def card_header(
    draft: Draft, preview: Mapping[str, Any] | None, policy: Policy, lang: str, state: HeaderState
) -> Text:
    """Two lines: id, name, nature, stored grade (→ preview when the edits change it); then the
    revision, who saved it and when, and the editing flags.

    Args:
        draft: The customer being shown.
        preview: The live grading of the draft, or None while it is being worked out.
        policy: For the nature and grade labels.
        lang: ``zh`` or ``en``.
        state: Editing, unsaved, and how many problems.

    Returns:
        The header text.
    """
    text = Text()
    title = N_("New customer file") if draft.is_new else N_("Customer file {id}")
    text.append(_(title).format(id=terminal_text(str(draft.customer_id))), style="bold")
    text.append(f"  {terminal_text(str(draft.doc.get('name') or ''))}", style="bold")
    nature = draft.doc.get("nature")
    if nature:
        text.append(f"  · {policy.nature_label(str(nature))}")
    text.append("  ")
    text.append_text(grade_badge(draft.grading, policy, lang))
    stored = draft.grading or {}
    if preview is not None and (preview.get("grade"), preview.get("total")) != (
        stored.get("grade"),
        stored.get("total"),
    ):
        # The document no longer grades as stored (edited since the last regrade).
        text.append("  → " + _("preview") + " ", style="dim")
        text.append_text(grade_badge(preview, policy, lang))
    text.append("\n")
    meta = draft.meta
    if meta.get("rev") is not None:
        by = meta.get("updated_by") or "?"
        at = local_time(meta.get("updated_at")) or "?"
        text.append(
            _("revision {rev} · {by} at {at}").format(rev=meta["rev"], by=by, at=at), style="dim"
        )
    if state.editing:
        text.append("  [" + _("editing") + "]", style="bold blue")
    if state.dirty:
        text.append("  [" + _("unsaved") + "]", style="bold yellow")
    if state.problems:
        problems = _("{n} to correct").format(n=state.problems)
        text.append(f"  [{problems}]", style="bold red")
    return text
