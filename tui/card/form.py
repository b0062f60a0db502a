"""Form widgets of the card: a labelled field with its inline problems, and a section of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from creditfile.policy.model import Policy
from creditfile.tui.card.fields import (
    ASSESSMENT_EXTRA,
    SECTIONS,
    FieldSpec,
    format_value,
    widget_id_for,
)
from creditfile.tui.card.texts import tr

Choices = Sequence[tuple[str, str]]


class FieldRow(Vertical):
    """A label, an editor (input, choice or switch) and the field's problems beneath it.

    Args:
        spec: The field.
        label: The label text.
        value: The current document value.
        choices: ``(label, key)`` pairs for a choice field.
        prefix: Added to the widget id, so two forms on one screen do not collide.
        suffix: Shown after the editor, e.g. ``/ 15`` for a bounded score.
    """

    DEFAULT_CSS = """
    FieldRow { height: auto; margin: 0 0 1 0; }
    FieldRow > Horizontal { height: auto; }
    FieldRow .field-label { width: 26; padding: 0 1 0 0; text-align: right; }
    FieldRow .field-editor { width: 1fr; }
    FieldRow .field-suffix { width: 6; padding: 0 0 0 1; color: $text-muted; }
    FieldRow .field-problem { color: $error; padding: 0 0 0 26; height: auto; display: none; }
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
    ) -> None:
        super().__init__(id=f"row-{prefix}{widget_id_for(spec.path)}")
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
        yield Static("", classes="field-problem")

    def _editor(self) -> Widget:
        if self.spec.kind == "choice":
            options = list(self._choices or ())
            known = {key for _, key in options}
            if isinstance(self._value, str) and self._value and self._value not in known:
                # Keep an unknown stored value visible, so validation can name it.
                options.append((self._value, self._value))
            return Select(
                options,
                value=self._value if self._value else Select.NULL,
                compact=True,
                id=self.editor_id,
                classes="field-editor",
            )
        if self.spec.kind == "bool":
            return Select(
                self._choices or (("true", "true"), ("false", "false")),
                value="true" if self._value is True else "false",
                compact=True,
                allow_blank=False,
                id=self.editor_id,
                classes="field-editor",
            )
        kind = "number" if self.spec.kind in ("money", "score") else "text"
        return Input(
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


class SectionForm(VerticalScroll):
    """The fields of one section, each with its label and inline problems.

    Args:
        specs: The section's fields.
        values: The document.
        lang: ``zh`` or ``en``.
        choices: ``{path: [(label, key), ...]}`` for choice fields.
        prefix: DOM id prefix of the editors.
        labels: Labels replacing the text catalogue's, by path (policy labels).
        suffixes: Text after an editor, by path (e.g. ``/ 15``).
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
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="section-form")
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
            )
        yield Static("", classes="section-problems")

    def rows(self) -> list[FieldRow]:
        """The field rows, in order."""
        return list(self.query(FieldRow))


ValueOf = Callable[[str], Any]


def section_form(section: str, value_of: ValueOf, lang: str, policy: Policy) -> SectionForm:
    """The form of one of the plain sections (basic, person, characteristics, …).

    Args:
        section: A key of ``SECTIONS``.
        value_of: The document value at a path.
        lang: ``zh`` or ``en``.
        policy: For the natures to choose from (labels as compliance wrote them).
    """
    specs = SECTIONS[section]
    natures = [(f"{label} {key}", key) for key, label in policy.natures.items()]
    return SectionForm(
        specs,
        {s.path: value_of(s.path) for s in specs},
        lang,
        choices={"nature": natures},
        id=f"form-{section}",
    )


def assessment_form(value_of: ValueOf, lang: str, policy: Policy) -> SectionForm:
    """One field per manual item of the policy (its label, ``/ weight`` after it), then who
    assessed, when, and a note."""
    items = policy.manual_items
    specs = [FieldSpec(f"assessment.{i.key}", "score") for i in items]
    specs.extend(ASSESSMENT_EXTRA)
    return SectionForm(
        specs,
        {s.path: value_of(s.path) for s in specs},
        lang,
        labels={f"assessment.{i.key}": i.label for i in items},
        suffixes={
            f"assessment.{i.key}": tr(lang, "assess.max", weight=f"{i.weight:g}") for i in items
        },
        id="form-assessment",
    )
