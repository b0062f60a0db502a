"""Form widgets of the card: a labelled field with its inline problems, and a section of them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static
from textual.widgets._select import SelectOverlay

from creditfile.policy.model import Policy, ScoringItem
from creditfile.presentation.translation import _
from creditfile.tui.card.fields import (
    ASSESSMENT_EXTRA,
    SECTIONS,
    FieldSpec,
    format_value,
    widget_id_for,
)

Choices = Sequence[tuple[str, str]]

# A form is a column of fields: ↓ and ↑ go to the next and previous one, as Tab and Shift+Tab.
# Priority bindings act as the key is read, before the next key is handed to a widget: what
# is typed straight after (a paste, a fast typist, a terminal multiplexer) lands in the new
# field, not in the one just left.
COLUMN_KEYS: list[BindingType] = [
    Binding("down", "field_next", show=False, priority=True),
    Binding("up", "field_previous", show=False, priority=True),
]


class ColumnKeys:
    """↓ and ↑ (and Enter in a text field) as Tab and Shift+Tab, for a field editor."""

    def action_field_next(self) -> None:
        """Focus the next field."""
        self.screen.focus_next()  # type: ignore[attr-defined]

    def action_field_previous(self) -> None:
        """Focus the previous field."""
        self.screen.focus_previous()  # type: ignore[attr-defined]


class FieldInput(ColumnKeys, Input):
    """A text or number field: Enter and ↓ go on to the next field, ↑ back, as on paper."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *COLUMN_KEYS,
        Binding("enter", "field_next", show=False, priority=True),
    ]


class FieldSelect(ColumnKeys, Select[str]):
    """A choice field: Enter or Space opens the choices; ↓ and ↑ move between the fields
    (inside the open list of choices they move in the list)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *COLUMN_KEYS,
        Binding("enter,space", "choose", show=False, priority=True),
    ]

    def _overlay(self) -> SelectOverlay:
        return self.query_one(SelectOverlay)

    def action_field_next(self) -> None:
        """The next choice while the list is open, else the next field."""
        if self.expanded:
            self._overlay().action_cursor_down()
        else:
            super().action_field_next()

    def action_field_previous(self) -> None:
        """The previous choice while the list is open, else the previous field."""
        if self.expanded:
            self._overlay().action_cursor_up()
        else:
            super().action_field_previous()

    def action_choose(self) -> None:
        """Open the list; when it is open, take the highlighted choice.

        Handled here rather than by the list itself: the list takes the focus only after
        the key that opened it, and keys typed meanwhile must not be lost.
        """
        if not self.expanded:
            self.action_show_overlay()
            return
        # What the list would do on Enter, done at once (the list reports it by a message,
        # which the keys typed meanwhile would overtake).
        highlighted = self._overlay().highlighted
        if highlighted is not None:
            value = self._options[highlighted][1]
            if value != self.value:
                self.value = value
        self.expanded = False
        self.screen.set_focus(self)


class FieldRow(Vertical):
    """A label, an editor (input, choice or switch) and the field's problems beneath it.

    Args:
        spec: The field.
        label: The label text.
        value: The current document value.
        choices: ``(label, key)`` pairs for a choice field.
        prefix: Added to the widget id, so two forms on one screen do not collide.
        suffix: Shown after the editor, e.g. ``/ 15`` for a bounded score.
        hint: Shown under the editor, e.g. the policy's scoring guidance for the item.
    """

    DEFAULT_CSS = """
    FieldRow { height: auto; margin: 0 0 1 0; }
    FieldRow > Horizontal { height: auto; }
    FieldRow .field-label { width: 26; padding: 0 1 0 0; text-align: right; }
    FieldRow .field-editor { width: 1fr; }
    FieldRow .field-suffix { width: 6; padding: 0 0 0 1; color: $text-muted; }
    FieldRow .field-hint { color: $text-muted; padding: 0 0 0 2; height: auto; }
    FieldRow .field-problem { color: $error; padding: 0 0 0 26; height: auto; display: none; }
    FieldRow .field-declared {
        color: $warning; padding: 0 0 0 26; height: auto; display: none;
    }
    FieldRow.-invalid .field-label { color: $error; text-style: bold; }
    FieldRow.-invalid .field-editor { background: $error 15%; }
    """

    def __init__(
        self,
        spec: FieldSpec,
        label: str,
        value: Any,
        *,
        choices: Choices | None = None,
        prefix: str = "",
        suffix: str = "",
        hint: str = "",
    ) -> None:
        super().__init__(id=f"row-{prefix}{widget_id_for(spec.path)}")
        self._hint = hint
        self.spec = spec
        self.editor_id = f"{prefix}{spec.widget_id}"
        self._label = label + (" *" if spec.required else "")
        self._value = value
        self._choices = choices
        self._suffix = suffix
        self._shown: list[str] = []

    def compose(self) -> ComposeResult:
        """The label, the editor and the (initially empty) problem line."""
        with Horizontal():
            yield Label(self._label, classes="field-label")
            yield self._editor()
            if self._suffix:
                yield Label(self._suffix, classes="field-suffix")
        if self._hint:
            yield Static(self._hint, classes="field-hint", markup=False)
        yield Static("", classes="field-problem")
        yield Static("", classes="field-declared", markup=False)

    def _editor(self) -> Widget:
        if self.spec.kind == "choice":
            options = list(self._choices or ())
            known = {key for _, key in options}
            if isinstance(self._value, str) and self._value and self._value not in known:
                # Keep an unknown stored value visible, so validation can name it.
                options.append((self._value, self._value))
            return FieldSelect(
                options,
                value=self._value if self._value else Select.NULL,
                prompt=_("Choose…"),
                compact=True,
                id=self.editor_id,
                classes="field-editor",
            )
        if self.spec.kind == "bool":
            return FieldSelect(
                self._choices or (("true", "true"), ("false", "false")),
                value="true" if self._value is True else "false",
                compact=True,
                allow_blank=False,
                id=self.editor_id,
                classes="field-editor",
            )
        # Amounts are typed as text: 万, 亿 and separators must reach the reader, which
        # reads them or says why not (a number input would drop them: 5,000万 became 5000).
        kind = "number" if self.spec.kind == "score" else "text"
        return FieldInput(
            format_value(self._value, self.spec.kind),
            id=self.editor_id,
            classes="field-editor",
            type="text" if kind == "text" else "number",
            select_on_focus=False,
            compact=True,
        )

    def show_problems(self, messages: Sequence[str]) -> None:
        """Show the field's problems (or clear them) under the editor."""
        if list(messages) == self._shown:
            return
        self._shown = list(messages)
        self.set_class(bool(messages), "-invalid")
        line = self.query_one(".field-problem", Static)
        line.update("\n".join(messages))
        line.display = bool(messages)

    def show_declared(self, text: str) -> None:
        """Show what a customer declared for the field on a form, awaiting audit ("": none)."""
        line = self.query_one(".field-declared", Static)
        if str(line.content) != text:
            line.update(text)
            line.display = bool(text)

    def set_value(self, value: Any) -> None:
        """Replace the editor's content without reporting it as typed."""
        editor = self.query_one(f"#{self.editor_id}")
        with editor.prevent(Input.Changed, Select.Changed):
            if isinstance(editor, Input):
                editor.value = format_value(value, self.spec.kind)
            elif isinstance(editor, Select) and self.spec.kind == "bool":
                editor.value = "true" if value is True else "false"
            elif isinstance(editor, Select):
                editor.value = value if value else Select.NULL


def editor_text(widget: Widget) -> str:
    """What an editor holds as text: the input's text, or the chosen key ("" for none)."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, Select):
        return "" if widget.value is Select.NULL else str(widget.value)
    return ""


class SectionForm(VerticalScroll, can_focus=False):
    """The fields of one section, each with its label and inline problems.

    Tab, ↓ and Enter (in a text field) go to the next field; Shift+Tab and ↑ to the previous.
    The form itself takes no focus: it scrolls to the field that has it.

    Args:
        specs: The section's fields.
        values: The document.
        lang: ``zh`` or ``en``.
        choices: ``{path: [(label, key), ...]}`` for choice fields.
        prefix: DOM id prefix of the editors.
        labels: Labels replacing the text catalogue's, by path (policy labels).
        suffixes: Text after an editor, by path (e.g. ``/ 15``).
        hints: Text under an editor, by path (e.g. scoring guidance).
        id: The widget's id.
    """

    def __init__(
        self,
        specs: Iterable[FieldSpec],
        values: Mapping[str, Any],
        lang: str,
        *,
        choices: Mapping[str, Choices] | None = None,
        prefix: str = "",
        labels: Mapping[str, str] | None = None,
        suffixes: Mapping[str, str] | None = None,
        hints: Mapping[str, str] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="section-form")
        self._hints = hints or {}
        self._labels = labels or {}
        self._suffixes = suffixes or {}
        self.specs = tuple(specs)
        self._values = values
        self._lang = lang
        self._choices = choices or {}
        self._prefix = prefix

    def compose(self) -> ComposeResult:
        """One row per field."""
        for spec in self.specs:
            label = self._labels.get(spec.path) or spec.label(self._lang)
            yield FieldRow(
                spec,
                label,
                self._values.get(spec.path),
                choices=self._choices.get(spec.path),
                prefix=self._prefix,
                suffix=self._suffixes.get(spec.path, ""),
                hint=self._hints.get(spec.path, ""),
            )
        yield Static("", classes="section-problems")

    def rows(self) -> list[FieldRow]:
        """The field rows, in order."""
        return list(self.query(FieldRow))


ValueOf = Callable[[str], Any]


def labelled_choices(labels: Mapping[str, str]) -> Choices:
    """The ``(label, key)`` choices of a policy's labelled keys, shown by label alone.

    The key is the archive's word, not the reader's, so it joins the label only where two
    labels read the same and the reader could not otherwise tell them apart.
    """
    seen = Counter(labels.values())
    return [
        (label if seen[label] == 1 else f"{label} ({key})", key) for key, label in labels.items()
    ]


def section_form(section: str, value_of: ValueOf, lang: str, policy: Policy) -> SectionForm:
    """The form of one of the plain sections (basic, person, characteristics, …).

    Args:
        section: A key of ``SECTIONS``.
        value_of: The document value at a path.
        lang: ``zh`` or ``en``.
        policy: For the natures to choose from (labels as compliance wrote them).
    """
    specs = SECTIONS[section]
    natures = labelled_choices(policy.natures)
    return SectionForm(
        specs,
        {s.path: value_of(s.path) for s in specs},
        lang,
        choices={"nature": natures},
        id=f"form-{section}",
    )


def guidance_text(item: ScoringItem, lang: str) -> str:
    """The policy's scoring guidance for an entered item, one level a line, most points first."""
    lines = [
        _("{points} points: {text}").format(points=f"{level.points:g}", text=level.text)
        for level in item.guidance
    ]
    return "\n".join([_("Guidance"), *lines])


def assessment_form(value_of: ValueOf, lang: str, policy: Policy) -> SectionForm:
    """One field per item an assessor enters (its label, ``/ weight`` after it), then who
    assessed, when, and a note."""
    items = policy.entered_items
    specs = [FieldSpec(f"assessment.{i.key}", "score") for i in items]
    specs.extend(ASSESSMENT_EXTRA)
    return SectionForm(
        specs,
        {s.path: value_of(s.path) for s in specs},
        lang,
        labels={f"assessment.{i.key}": i.label for i in items},
        suffixes={
            f"assessment.{i.key}": _("/ {weight}").format(weight=f"{i.weight:g}") for i in items
        },
        hints={f"assessment.{i.key}": guidance_text(i, lang) for i in items if i.guidance},
        id="form-assessment",
    )
