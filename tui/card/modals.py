"""Dialogs of the card: unsaved changes, a save refused as stale, and the lease and source forms."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from creditfile.presentation.translation import N_, _, language
from creditfile.tui.card.draft import ProblemLike, problems_for
from creditfile.tui.card.fields import FieldSpec, parse_value
from creditfile.tui.card.form import Choices, FieldRow, SectionForm, editor_text
from creditfile.tui.key_order import after_typed_keys
from creditfile.tui.keys import described, translated
from creditfile.tui.widgets.footer import KeyBar

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 84; max-width: 95%; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 1 2;
}}
{name} .dialog-title {{ text-style: bold; width: 1fr; margin: 0 0 1 0; }}
{name} .dialog-body {{ height: auto; margin: 0 0 1 0; }}
{name} .dialog-buttons {{ height: auto; align-horizontal: right; }}
{name} .dialog-buttons Button {{ margin: 0 0 0 1; }}
{name} SectionForm {{ height: auto; max-height: 24; }}
"""


class ChoiceDialog(ModalScreen[str]):
    """A message with a few buttons; dismisses with the chosen button's key.

    Args:
        title: The dialog's title.
        body: What happened and what the choices mean.
        buttons: ``(key, label, variant)`` triples, the first being the default.
        escape: The key returned by Esc.
        dialog_id: The DOM id of the dialog screen (tests and styles find it by this).
    """

    DEFAULT_CSS = DIALOG_CSS.format(name="ChoiceDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "choose_escape", N_("Cancel"), id="card.dialog.escape")
    ]

    def __init__(
        self,
        title: str,
        body: str,
        buttons: Sequence[tuple[str, str, str]],
        *,
        escape: str,
        dialog_id: str,
    ) -> None:
        super().__init__(id=dialog_id)
        self._title = title
        self._body = body
        self._buttons = buttons
        self._escape = escape
        # The key bar says what Esc chooses, in the button's own words.
        said = next((label for key, label, _v in buttons if key == escape), _("Cancel"))
        self._bindings = described(self._bindings, language(), {"card.dialog.escape": said})

    def compose(self) -> ComposeResult:
        """Title, body and buttons; the dialog's keys at the foot."""
        with Vertical():
            yield Label(self._title, classes="dialog-title")
            yield Static(self._body, classes="dialog-body", id="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                for key, label, variant in self._buttons:
                    yield Button(label, id=f"choice-{key}", variant=variant)  # type: ignore[arg-type]
        yield KeyBar()

    def on_mount(self) -> None:
        """Focus the default button."""
        self.query_one(Button).focus()

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id).removeprefix("choice-"))

    def action_choose_escape(self) -> None:
        """Esc: the safe choice."""
        self.dismiss(self._escape)


def unsaved_dialog(lang: str, customer_id: str) -> ChoiceDialog:
    """Asks whether to save, discard or keep editing; returns ``save``/``discard``/``keep``."""
    return ChoiceDialog(
        _("Unsaved changes"),
        _("Your changes to {id} are not saved. Save them, discard them, or keep editing?").format(
            id=customer_id or "—"
        ),
        [
            ("keep", _("Keep editing"), "primary"),
            ("save", _("Save"), "success"),
            ("discard", _("Discard changes"), "error"),
        ],
        escape="keep",
        dialog_id="unsaved-dialog",
    )


def stale_dialog(
    lang: str, customer_id: str, *, by: str, at: str, current: Any, base: Any
) -> ChoiceDialog:
    """Says who changed the customer and when; returns ``reload`` or ``keep``."""
    return ChoiceDialog(
        _("Someone else changed this customer"),
        _(
            "{id} was changed by {by} at {at} (revision {current}; you "
            "were editing revision {base}). Your changes were NOT saved "
            "and did not overwrite theirs. Reload the latest version "
            "(your changes are dropped), or keep editing to copy your "
            "changes first."
        ).format(id=customer_id, by=by or "?", at=at or "?", current=current, base=base),
        [
            ("keep", _("Keep editing"), "primary"),
            ("reload", _("Reload"), "warning"),
        ],
        escape="keep",
        dialog_id="stale-dialog",
    )


Checker = Callable[[Mapping[str, Any]], Sequence[ProblemLike]]


class RecordDialog(ModalScreen[dict[str, Any] | None]):
    """A form for one lease or source; OK is refused while the shared validation objects.

    Args:
        title: The dialog's title.
        specs: The record's fields.
        values: Initial values by field key.
        lang: ``zh`` or ``en``.
        choices: Choices of the choice fields, by key.
        check: Validates a candidate record, returning problems with paths relative to it.
        dialog_id: The DOM id of the dialog screen.
    """

    DEFAULT_CSS = DIALOG_CSS.format(name="RecordDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", N_("OK"), priority=True, id="card.dialog.ok"),
        Binding("escape", "cancel", N_("Cancel"), id="card.dialog.cancel"),
    ]

    def __init__(
        self,
        title: str,
        specs: Sequence[FieldSpec],
        values: Mapping[str, Any],
        lang: str,
        *,
        choices: Mapping[str, Choices],
        check: Checker,
        dialog_id: str,
    ) -> None:
        super().__init__(id=dialog_id)
        self._title = title
        self._specs = tuple(specs)
        self._values = dict(values)
        self._lang = lang
        self._choices = choices
        self._check = check
        self._bindings = translated(self._bindings)

    def compose(self) -> ComposeResult:
        """Title, the fields, OK and Cancel; the dialog's keys at the foot."""
        with Vertical():
            yield Label(self._title, classes="dialog-title")
            yield SectionForm(
                self._specs, self._values, self._lang, choices=self._choices, prefix="dlg-"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("OK"), id="dialog-ok", variant="primary")
                yield Button(_("Cancel"), id="dialog-cancel")
        yield KeyBar()

    def on_mount(self) -> None:
        """Focus the first field."""
        self.query(".field-editor").first().focus()

    def record(self) -> dict[str, Any]:
        """The record as the form holds it now."""
        record = dict(self._values)
        for row in self.query(FieldRow):
            raw = editor_text(self.query_one(f"#{row.editor_id}"))
            record[row.spec.path] = parse_value(raw, row.spec.kind)
        return {k: v for k, v in record.items() if v is not None}

    def _show(self, problems: Sequence[ProblemLike]) -> bool:
        for row in self.query(FieldRow):
            row.show_problems(problems_for(row.spec.path, problems))
        shown = {row.spec.path for row in self.query(FieldRow)}
        rest = [p.text(_) for p in problems if p.path.split(".")[0] not in shown]
        self.query_one(".section-problems", Static).update("\n".join(rest))
        return not problems

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._show(self._check(self.record()))

    @on(Button.Pressed, "#dialog-ok")
    @after_typed_keys
    def action_submit(self) -> None:
        """OK: dismiss with the record when it is valid, else show what to correct and move
        to the first field to correct (scrolled into sight: on a short terminal it may be out
        of it, and OK would otherwise seem to do nothing)."""
        record = self.record()
        if self._show(self._check(record)):
            self.dismiss(record)
            return
        invalid = next((row for row in self.query(FieldRow) if row.has_class("-invalid")), None)
        if invalid is not None:
            self.query_one(f"#{invalid.editor_id}").focus()

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        """Cancel: dismiss with nothing."""
        self.dismiss(None)
