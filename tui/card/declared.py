"""What the card shows under a field that returned forms declared otherwise: one line per
distinct declared value, naming the forms that declare it, beside the archive's value."""

from __future__ import annotations

from collections.abc import Sequence

from creditfile.application.form_audit import shown_value
from creditfile.application.form_pending import PendingAnswer, PendingValue
from creditfile.presentation.brief import one_line
from creditfile.presentation.translation import _, pgettext

VALUE_CELLS = 40
"""Terminal cells a declared or archive value takes on the card; the audit dialog (``d``)
shows it whole."""


def declared_text(answers: Sequence[PendingAnswer]) -> str:
    """The lines for one field: the archive's value, then each distinct declared value once
    with the forms that declare it (``#4 2026-11-30, #2 2026-09-01``); "" for none.

    Args:
        answers: The field's answers awaiting audit, the same value on several forms taken
            together (``pending_answers``), the newest form first.
    """
    if not answers:
        return ""
    first = answers[0].first
    lines = [
        _("Declared on returned forms, to audit (d) · on file: {current}").format(
            current=one_line(shown_value(first.key, first.current), VALUE_CELLS)
        )
    ]
    for answer in answers:
        forms = pgettext("report", ", ").join(_form(value) for value in answer.values)
        line = _("form {forms}") if len(answer.values) == 1 else _("forms {forms}")
        value = one_line(shown_value(first.key, answer.first.declared), VALUE_CELLS)
        lines.append(f"  {value} — {line.format(forms=forms)}")
    return "\n".join(lines)


def _form(value: PendingValue) -> str:
    """``#3 2026-11-30``: the form by its source's number and the day it was filled in."""
    return " ".join(part for part in (f"#{value.source_number}", value.on) if part)
