"""The card's audit of a returned form: each declared value beside the archive's, decided one
by one (accept, correct, reject), each decision saved and recorded as it is taken."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static, TextArea

from creditfile.application.form_audit import AuditDone, shown_value
from creditfile.application.form_pending import PendingAnswer, PendingValue, same_answers
from creditfile.policy import CreditfileError
from creditfile.presentation.translation import N_, _, error_text
from creditfile.tui.card.backend import CardBackend
from creditfile.tui.card.modals import DIALOG_CSS
from creditfile.tui.keys import translated
from creditfile.tui.widgets.footer import KeyBar

AUDIT_CSS = (
    DIALOG_CSS.format(name="AuditDialog")
    + """
AuditDialog > Vertical { padding: 0 1; max-height: 100%; }
AuditDialog .dialog-title { margin: 0; }
AuditDialog #audit-table { height: auto; max-height: 30vh; margin: 1 0 0 0; }
AuditDialog #audit-detail-box { height: auto; max-height: 40vh; margin: 1 0 0 0; }
AuditDialog #audit-detail-box:focus { background: $boost; }
AuditDialog #audit-value { margin: 1 0 0 0; }
AuditDialog #audit-text { margin: 1 0 0 0; height: 6; }
AuditDialog #audit-status { height: auto; margin: 1 0 0 0; color: $text-muted; }
"""
)


CELL_WIDTH = 18
"""Cells of a value in the table (Chinese counted double); the whole value shows below it."""
LABEL_WIDTH = 24


def _cut(text: str, style: str = "", width: int = CELL_WIDTH) -> Text:
    # A value of several lines shows them all, joined, so that none looks dropped.
    shown = Text(" ↵ ".join(text.splitlines()) or text, style=style, no_wrap=True)
    shown.truncate(width, overflow="ellipsis")
    return shown


class AuditDialog(ModalScreen[bool]):
    """Audit the values a customer declared on its forms; dismisses with whether anything was
    decided (the card then shows the customer as saved).

    Keys: Tab moves between the table and the values whole (arrows scroll them), ``a``
    accept, ``c`` correct (type the audited value, Enter; a value of several
    lines is typed in a box where Enter starts a line and Ctrl+S saves), ``r`` reject, Esc
    closes (or leaves a correction unsaved).

    Args:
        backend: The card's backend (decides and saves).
        customer_id: The customer audited.
        name: Its name, for the title.
    """

    DEFAULT_CSS = AUDIT_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", N_("Accept"), id="card.audit.accept"),
        Binding("c", "correct", N_("Correct"), id="card.audit.correct"),
        Binding("r", "decide('reject')", N_("Reject"), id="card.audit.reject"),
        Binding("ctrl+s", "save_text", N_("Save"), id="card.audit.save"),
        Binding("escape", "close", N_("Back"), id="card.audit.close"),
    ]

    def __init__(self, backend: CardBackend, customer_id: str, name: str) -> None:
        super().__init__(id="audit-dialog")
        self._backend = backend
        self._customer_id = customer_id
        self._name = name
        self._pending: list[PendingAnswer] = []
        self._decided = False
        self._busy = False
        self._bindings = translated(self._bindings)

    def compose(self) -> ComposeResult:
        """Title, the values awaiting audit, the correction input and what the keys do."""
        with Vertical():
            yield Label(
                _("Declared values to audit · {id} {name}").format(
                    id=self._customer_id, name=self._name
                ),
                classes="dialog-title",
            )
            table: DataTable[str | Text] = DataTable(
                id="audit-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns(_("Field"), _("Form"), _("On file"), _("Declared"))
            yield table
            # The values whole, however long (an address, a company history): Tab moves into
            # the box, where the arrow keys and PgUp/PgDn scroll it.
            with VerticalScroll(id="audit-detail-box"):
                yield Static(id="audit-detail", markup=False)
            # Not selected on focus: keys typed right after ``c`` (End, then text) must
            # edit the value, not replace it.
            yield Input(id="audit-value", compact=True, select_on_focus=False)
            yield TextArea(id="audit-text", soft_wrap=True, show_line_numbers=False)
            yield Static(id="audit-status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Show what waits, the table focused."""
        self.query_one("#audit-value", Input).display = False
        self.query_one("#audit-text", TextArea).display = False
        self._show(self._backend.pending_values(self._customer_id))
        self.query_one("#audit-table", DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a correction is typed, letters are the input's; Ctrl+S saves only a value
        of several lines being typed."""
        if action == "save_text":
            return isinstance(self.focused, TextArea)
        return not (action in ("decide", "correct") and self._editing())

    def _editing(self) -> bool:
        return isinstance(self.focused, (Input, TextArea))

    def _show(self, pending: Sequence[PendingValue]) -> None:
        # Forms that gave one field the same value are one row, decided by one key; forms
        # that gave it different values are a row each, named by its source's number as the
        # card's sources and the history number it.
        self._pending = [PendingAnswer(tuple(same)) for same in same_answers(pending)]
        table = self.query_one("#audit-table", DataTable)
        row = table.cursor_row
        table.clear()
        for answer in self._pending:
            value = answer.first
            table.add_row(
                _cut(value.label(), width=LABEL_WIDTH),
                answer.numbers(),
                _cut(shown_value(value.key, value.current)),
                _cut(shown_value(value.key, value.declared), "bold"),
            )
        if self._pending:
            table.move_cursor(row=min(row, len(self._pending) - 1))
            status = _("a accept · c correct · r reject · Tab the whole values · Esc close")
        else:
            status = _("Nothing awaits audit. Esc closes.")
        self.query_one("#audit-status", Static).update(status)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#audit-table")
    def _show_detail(self) -> None:
        """The value under the cursor whole, with the form it came from."""
        answer = self._current()
        detail = self.query_one("#audit-detail", Static)
        if answer is None:
            detail.update("")
            return
        value = answer.first
        if len(answer.values) == 1:
            origin = _("(form #{number} filled in by {by} on {on})").format(
                number=value.source_number, by=value.by or "—", on=value.on or "—"
            )
        else:
            origin = _("(the same on forms {forms}: one decision decides them all)").format(
                forms=answer.forms()
            )
        detail.update(
            "\n".join(
                (
                    f"{value.label()} {origin}",
                    _("on file: {current}").format(current=shown_value(value.key, value.current)),
                    _("declared: {declared}").format(
                        declared=shown_value(value.key, value.declared)
                    ),
                )
            )
        )
        self.query_one("#audit-detail-box", VerticalScroll).scroll_home(animate=False)

    def _current(self) -> PendingAnswer | None:
        table = self.query_one("#audit-table", DataTable)
        if not self._pending or table.cursor_row < 0:
            return None
        return self._pending[min(table.cursor_row, len(self._pending) - 1)]

    def action_decide(self, decision: str) -> None:
        """Accept or reject the value under the cursor."""
        answer = self._current()
        if answer is not None and not self._busy:
            self._busy = True
            self._save(answer.first, decision, "")

    def action_correct(self) -> None:
        """Type the audited value of the field under the cursor (Enter saves it)."""
        answer = self._current()
        if answer is None:
            return
        value = answer.first
        typed = "" if value.declared is None else str(value.declared)
        if "\n" in typed:
            area = self.query_one("#audit-text", TextArea)
            area.load_text(typed)
            area.display = True
            area.focus()
            area.move_cursor(area.document.end)
            hint = _("Type the audited value of {field}; Ctrl+S saves it, Esc leaves it")
        else:
            editor = self.query_one("#audit-value", Input)
            editor.value = typed
            editor.placeholder = _("Audited value of {field}").format(field=value.label())
            editor.display = True
            editor.focus()
            editor.cursor_position = len(typed)
            hint = _("Type the audited value of {field}; Enter saves it, Esc leaves it")
        self.query_one("#audit-status", Static).update(hint.format(field=value.label()))

    @on(Input.Submitted, "#audit-value")
    def _corrected(self, event: Input.Submitted) -> None:
        answer = self._current()
        if answer is not None and not self._busy:
            self._busy = True
            self._save(answer.first, "set", event.value)

    def action_save_text(self) -> None:
        """Save the value of several lines being typed."""
        area = self.query_one("#audit-text", TextArea)
        answer = self._current()
        if area.display and answer is not None and not self._busy:
            self._busy = True
            self._save(answer.first, "set", area.text)

    @work(thread=True, exclusive=True, group="card-audit-form")
    def _save(self, value: PendingValue, decision: str, typed: str) -> None:
        try:
            done = self._backend.audit_declared(
                self._customer_id, value.key, decision, typed, value.source_number
            )
        except CreditfileError as exc:
            self.app.call_from_thread(self._refused, error_text(exc))
            return
        pending = self._backend.pending_values(self._customer_id)
        self.app.call_from_thread(self._done, done, pending)

    def _done(self, done: AuditDone, pending: Sequence[PendingValue]) -> None:
        self._busy = False
        self._decided = True
        self._leave_editor()
        self._show(pending)
        if done.verified:
            self.notify(_("Every declared value of the form is audited: the form is verified"))

    def _refused(self, message: str) -> None:
        self._busy = False
        self.notify(message, severity="error", timeout=8)

    def _leave_editor(self) -> None:
        self.query_one("#audit-value", Input).display = False
        self.query_one("#audit-text", TextArea).display = False
        self.query_one("#audit-table", DataTable).focus()

    def action_close(self) -> None:
        """Leave a correction being typed, else close the dialog."""
        if self._editing():
            self._leave_editor()
            self._show([value for answer in self._pending for value in answer.values])
            return
        self.dismiss(self._decided)
