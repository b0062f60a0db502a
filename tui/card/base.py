"""The card's state and its widgets: sections in tabs, personal data on request, inline problems."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from time import monotonic
from typing import Any

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)

from creditfile.application.form_pending import PendingAnswer, pending_answers
from creditfile.document import field_catalogue
from creditfile.document.id_number import mask_id_number
from creditfile.document.paths import value_at
from creditfile.document.personal import is_person, nature_personal_paths, withheld_paths
from creditfile.policy.model import Policy
from creditfile.presentation.translation import _, error_text, pgettext
from creditfile.store import customer_document
from creditfile.tui.card.backend import CardBackend, explain_draft
from creditfile.tui.card.declared import declared_text
from creditfile.tui.card.draft import Draft, ProblemLike, problems_by_section, problems_for
from creditfile.tui.card.form import (
    FieldRow,
    SectionForm,
    assessment_form,
    editor_text,
    section_form,
)
from creditfile.tui.card.header import HeaderState, card_header
from creditfile.tui.card.history_detail import HistoryDetail
from creditfile.tui.card.history_view import fit_history, row_height
from creditfile.tui.card.table_fit import fit_columns, fit_table, row_lines
from creditfile.tui.card.views import (
    HISTORY_COLUMNS,
    LEASE_COLUMNS,
    RELATED_COLUMNS,
    SOURCE_COLUMNS,
    breakdown,
    column_titles,
    history_row,
    lease_row,
    leases_summary,
    related_rows,
    related_summary,
    source_row,
    sources_summary,
)
from creditfile.tui.vocabulary import tab_label
from creditfile.tui.widgets.footer import KeyBar


class CardTabs(TabbedContent):
    """The card's tabs, which a field's late focus does not turn back.

    Focusing a field makes its tab the active one, by a message the field's pane sends once
    the focus has happened. Keys typed fast come first: after Ctrl+PgDn twice, the first
    step's message arrived after the second step and showed the first step's tab again, and
    the next Ctrl+PgDn counted from there (five presses reached the third tab). While a tab
    step's focus is on its way, only that tab's message is taken, and never one from a pane
    the focus has left since."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._expected: str | None = None

    def expect_focus(self, section: str | None) -> None:
        """A tab step will focus a widget in ``section``'s pane (None: no longer)."""
        self._expected = section

    def expects(self, section: str) -> bool:
        """Whether the last tab step was to ``section`` (its focus still to come)."""
        return self._expected == section

    def _on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        # Textual runs TabbedContent's own handler after this one unless prevented.
        focused = self.screen.focused
        stale = focused is None or event.tab_pane not in focused.ancestors
        if not stale and self._expected is not None:
            stale = event.tab_pane.id != f"tab-{self._expected}"
            if not stale:
                self._expected = None  # the step's own focus has come
        if stale:
            event.prevent_default()
            event.stop()


TAB_MARK = " ✗"
"""Added to the title of a tab with a problem in it."""

NARROW_BELOW = 110

LEASE_WRAP = {1: 8}
"""The leases table's column that wraps on a narrow terminal (the leased item)."""
LEASE_DROP = (6, 2, 3)
"""The leases table's columns left out when wrapping is not enough: the amount outstanding
(most leases have none), the start, the end; the lease's dialog (Enter) shows them all."""

SOURCE_WRAP = {0: 12, 4: 12, 5: 10}
"""The sources table's columns that wrap on a narrow terminal (channel, who, note), each with
the cells it keeps at least; the note gives way first."""

EDITING_NOTICE_SECONDS = 3.0
"""How long the notice "Editing: Ctrl+S saves, Esc leaves" stays; it goes at once when
editing ends or another screen comes on top (at 80×24 it covers a field, or the list's
status line)."""
"""Screens narrower than this many columns get the card's narrow layout."""

# In the order they appear on screen.
_PERSONAL_BY_NATURE = frozenset(".".join(path) for path in nature_personal_paths())

TABS = (
    "basic",
    "characteristics",
    "business",
    "trading",
    "person",
    "leases",
    "assessment",
    "sources",
    "related",
    "history",
)


def tab_fit(width: int, marked: Collection[str] = ()) -> tuple[bool, bool]:
    """Whether the card's tab bar needs the short titles at ``width`` columns, and whether
    it needs them one cell apart rather than two (the ✗ on each tab of ``marked`` counted)."""

    mark = cell_len(TAB_MARK)

    def needed(short: bool, gap: int) -> int:
        return sum(
            cell_len(tab_label(t, short=short)) + gap + (mark if t in marked else 0) for t in TABS
        )

    if needed(False, 2) <= width:
        return False, False
    return True, needed(True, 2) > width


class CardBase(Screen[None]):
    """One customer's card: the draft being edited and the widgets showing it.

    Args:
        backend: The archive, engine and policy as the card sees them.
        customer_id: The customer to show; None creates one.
    """

    def __init__(self, backend: CardBackend, customer_id: str | None) -> None:
        # A class, not an id: the list and the review list may each have a card open, and
        # screen ids must be unique across the whole app.
        super().__init__(classes="customer-card")
        self.backend = backend
        self.lang = backend.lang
        self._saving = False
        record = self.backend.record(customer_id) if customer_id is not None else None
        self.missing = customer_id is not None and record is None
        self.draft = Draft(record, self.backend.new_id() if customer_id is None else "")
        self.editing = customer_id is None
        self.revealed = customer_id is None
        self.problems: Sequence[ProblemLike] = []
        self._rows: list[FieldRow] = []
        self._forms: list[SectionForm] = []
        self._section_of_row: dict[str, str] = {}
        self._shown_keys: dict[int, str] = {}
        # The archive-wide top is worked out over every customer: seconds at 100,000, so in
        # a worker; until it is known the preview waits.
        self._tops: Mapping[str, Decimal] | None = None
        self._preview: Mapping[str, Any] | None = None
        self._history_loaded = False
        self._history_events: list[Mapping[str, Any]] | None = None
        self._short_tabs = False
        self._bad_tabs: set[str] = set()
        self._history_rows: list[tuple[str, str, str, str]] = []  # whole, newest first
        self._editing_notice_until = 0.0  # while the editing notice is on screen
        # The related tab's rows: (the other customer's id, named by this one, on file).
        self.related_shown: list[tuple[str, bool, bool]] = []
        self._lease_columns: tuple[int, ...] = tuple(range(len(LEASE_COLUMNS)))

    @property
    def shown_policy(self) -> Policy:
        """The policy as the card shows it: its labels in the card's language."""
        return self.backend.policy.in_language(self.lang)

    # composition --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header line, the tabs and the footer."""
        yield Static("", id="card-header")
        with CardTabs(id="card-tabs"):
            for section in ("basic", "characteristics", "business", "trading"):
                with TabPane(tab_label(section), id=f"tab-{section}"):
                    yield section_form(section, self.draft.value, self.lang, self.shown_policy)
            with TabPane(tab_label("person"), id="tab-person"):
                yield Static(id="person-notice")
                yield Button(_("Show personal data"), id="person-reveal")
                yield section_form("person", self.draft.value, self.lang, self.shown_policy)
            with TabPane(tab_label("leases"), id="tab-leases"):
                yield Static(id="leases-summary")
                yield self._table("leases-table", LEASE_COLUMNS)
                yield Static(classes="section-problems", id="leases-problems")
            with TabPane(tab_label("assessment"), id="tab-assessment"), Horizontal():
                yield assessment_form(self.draft.value, self.lang, self.shown_policy)
                with VerticalScroll(id="breakdown-scroll"):
                    yield Static(id="breakdown-heading")
                    yield Static(id="breakdown")
            with TabPane(tab_label("sources"), id="tab-sources"):
                yield Static(id="sources-summary")
                yield self._table("sources-table", SOURCE_COLUMNS)
                yield Static(classes="section-problems", id="sources-problems")
            with TabPane(tab_label("related"), id="tab-related"):
                yield Static(id="related-summary")
                yield self._table("related-table", RELATED_COLUMNS)
                yield Static(classes="section-problems", id="related-problems")
            with TabPane(_("History"), id="tab-history"):
                yield self._table("history-table", HISTORY_COLUMNS)
        yield KeyBar()

    def _table(self, table_id: str, columns: Sequence[str]) -> DataTable[Any]:
        table: DataTable[Any] = DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
        table.add_columns(*column_titles(columns, self.lang))
        return table

    def on_mount(self) -> None:
        """Fill the tables and set the mode; the slow parts start once the card is painted."""
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self.refresh_card()
        # Threads compete with the screen for the interpreter: paint first.
        self.call_after_refresh(self.load_tops)
        if self.missing:
            self.notify(
                _("No customer {id} in the archive").format(id=self.draft.customer_id or "?"),
                severity="error",
            )
        if self.editing:
            self._focus_first_editor()

    def on_resize(self) -> None:
        """Below 110 columns the assessment form narrows, so the breakdown beside it keeps
        about 40 cells (at 80 columns it would otherwise get 24, and say ``项目 ┃ …``). The
        tab bar takes short titles, then less space between them, rather than scroll and
        cut a title at the edge (``Assessme``)."""
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")
        self._fit_tabs()
        self._fill_leases()
        self._fill_sources()
        if self._history_events is not None:
            self._lay_out_history()

    # state → widgets ----------------------------------------------------------------------

    def field_rows(self) -> list[FieldRow]:
        """Every field row of the card (not of dialogs), found once: the forms never change
        shape, and searching the DOM on every keystroke would make typing sluggish."""
        if not self._rows:
            self._forms = list(self.query(SectionForm))
            for form in self._forms:
                section = str(form.id).removeprefix("form-")
                for row in form.rows():
                    self._rows.append(row)
                    self._section_of_row[row.editor_id] = section
        return self._rows

    def refresh_card(self, *, values: bool = False) -> None:
        """Bring every widget in line with the draft (``values``: also the editors' text)."""
        if values:
            for row in self.field_rows():
                row.set_value(self.draft.value(row.spec.path))
        self._apply_mode()
        self._show_declared()
        self._fill_leases()
        self._fill_sources()
        self._fill_related()
        self.revalidate()

    def _apply_mode(self) -> None:
        if not self.editing:
            self._drop_editing_notice()
        person_customer = is_person(self.draft.doc, self.backend.policy.personal_natures)
        for row in self.field_rows():
            editor = self.query_one(f"#{row.editor_id}")
            locked = row.spec.path == "id" and not self.draft.is_new
            editor.disabled = not self.editing or locked or self._saving
            if row.spec.path in _PERSONAL_BY_NATURE:
                # An individual's phone and address are personal data: shown on request.
                row.display = self.revealed or not person_customer
        person = self.query_one("#form-person", SectionForm)
        person.display = self.revealed
        self.query_one("#person-reveal", Button).display = not self.revealed
        notice = self.query_one("#person-notice", Static)
        if not self.revealed:
            notice.update(self._hidden_notice())
        elif not self.draft.is_new and self.draft.value("profile.person") is None:
            notice.update(_("No personal data on file"))
        else:
            notice.update("")

    def _show_declared(self) -> None:
        """Under each field that returned forms declared otherwise: each distinct declared
        value once, with the forms that declare it and the archive's value."""
        by_field: dict[str, list[PendingAnswer]] = {}
        for answer in pending_answers(self.draft.original):
            by_field.setdefault(answer.first.key, []).append(answer)
        for row in self.field_rows():
            row.show_declared(declared_text(by_field.get(row.spec.path, [])))

    def _hidden_notice(self) -> str:
        """What the personal data tab says while it is hidden: how to show it, and for an
        individual which contact fields are hidden too; the ID number masked."""
        lines = [
            _(
                "Personal data is hidden. Press {shortcut} to show it; every "
                "reveal is recorded in the history."
            ).format(shortcut="p")
        ]
        if is_person(self.draft.doc, self.backend.policy.personal_natures):
            catalogue = field_catalogue()
            labels = [
                catalogue[".".join(path)].label.text(self.lang) for path in nature_personal_paths()
            ]
            if self.lang == "en":
                labels = [label.lower() for label in labels]  # inside a sentence
            lines.append(
                _("An individual's {fields} are personal data too, and hidden as well.").format(
                    fields=pgettext("report", ", ").join(labels)
                )
            )
        number = self.draft.value("profile.person.id_number")
        if isinstance(number, str) and number:
            lines.append(_("ID number {number}").format(number=mask_id_number(number)))
        return "\n".join(lines)

    def revalidate(self) -> None:
        """Validate the draft; show each problem at its field, the rest at its tab."""
        self.problems = self.backend.validate(self.draft.doc)
        shown: set[str] = set()
        for row in self.field_rows():
            row.show_problems(problems_for(row.spec.path, self.problems))
            shown.add(row.spec.path)
        grouped = problems_by_section(self.problems, shown)
        for form in self._forms:
            section = str(form.id).removeprefix("form-")
            self._show_lines(form.query_one(".section-problems", Static), grouped.get(section, []))
        for section in ("leases", "sources", "related"):
            self._show_lines(
                self.query_one(f"#{section}-problems", Static), grouped.get(section, [])
            )
        self._bad_tabs = self._tabs_with_problems(grouped)
        self._mark_tabs(self._bad_tabs)
        self._fit_tabs()
        self._update_breakdown()
        self._update_header()

    def _tabs_with_problems(self, grouped: Mapping[str, list[str]]) -> set[str]:
        bad = set(grouped)
        for row in self.field_rows():
            if row.has_class("-invalid"):
                bad.add(self._section_of_row[row.editor_id])
        return bad

    def _fit_tabs(self) -> None:
        short, tight = tab_fit(self.size.width, self._bad_tabs)
        self.set_class(tight, "-tight-tabs")
        if short != self._short_tabs:
            self._short_tabs = short
            self._mark_tabs(self._bad_tabs)

    def _mark_tabs(self, bad: set[str]) -> None:
        tabs = self.query_one(TabbedContent)
        for section in TABS:
            label = tab_label(section, short=self._short_tabs)
            label = label + TAB_MARK if section in bad else label
            tab = tabs.get_tab(f"tab-{section}")
            # Relabelling re-lays out the tab bar: only when the mark actually changes.
            if str(tab.label) != label:
                tab.label = label

    def _update_header(self) -> None:
        state = HeaderState(self.editing, self.draft.dirty, len(self.problems))
        text = card_header(self.draft, self._preview, self.shown_policy, self.lang, state)
        self._update_if_changed(self.query_one("#card-header", Static), text, text.markup)

    def _update_breakdown(self) -> None:
        heading = self.query_one("#breakdown-heading", Static)
        grading = self.draft.grading
        if grading and grading.get("as_of") and grading.get("grade") is None:
            stored = _("Stored grading: ungraded, as of {as_of}").format(as_of=grading["as_of"])
        elif grading and grading.get("as_of"):
            stored = _("Stored grading: {grade} {total} points, as of {as_of}").format(
                grade=grading.get("grade") or "—",
                total=grading.get("total") if grading.get("total") is not None else "—",
                as_of=grading["as_of"],
            )
        else:
            stored = _("No stored grading yet (a regrade produces one)")
        heading_text = _("Live preview (against the archive-wide top lease amount)") + f"\n{stored}"
        self._update_if_changed(heading, Text(heading_text, style="dim"), heading_text)
        if self._tops is None:
            self._preview = None
            computing = _("Working out the archive-wide top lease amount…")
            self._update_if_changed(self.query_one("#breakdown", Static), computing, computing)
            return
        detail = explain_draft(self.backend, self.draft.doc, self._tops)
        self._preview = detail["grading"]
        self._update_if_changed(
            self.query_one("#breakdown", Static),
            breakdown(detail, self.shown_policy, self.lang),
            repr(detail),
        )

    @work(thread=True, exclusive=True, group="card-tops")
    def load_tops(self) -> None:
        """Work out the archive-wide top in the background, then show the live preview."""
        tops = self.backend.tops()
        self.app.call_from_thread(self._while_open, self._tops_ready, tops)

    def _while_open(self, show: Callable[..., None], *args: Any) -> None:
        """Call ``show`` with what a background job found, unless the card was closed while
        it ran (its widgets are gone then: nothing is left to show it in)."""
        if self in self.app.screen_stack:
            show(*args)

    def _tops_ready(self, tops: Mapping[str, Decimal]) -> None:
        self._tops = tops
        self._update_breakdown()
        self._update_header()

    def _fill_leases(self) -> None:
        """The leases, the leased item wrapped and, at 80 columns, the columns of least use
        left out (the outstanding amount ran past the edge), the summary naming them."""
        table = self.query_one("#leases-table", DataTable)
        row = table.cursor_row
        policy = self.shown_policy
        headers = column_titles(LEASE_COLUMNS, self.lang)
        rows = [lease_row(lease, policy, self.lang) for lease in self.draft.leases]
        shown, cells = fit_table(rows, headers, self.size.width, LEASE_WRAP, LEASE_DROP)
        table.clear(columns=shown != self._lease_columns)
        if not table.columns:
            table.add_columns(*(headers[i] for i in shown))
        self._lease_columns = shown
        for line in cells:
            table.add_row(*line, height=row_lines(line))
        if self.draft.leases:
            table.move_cursor(row=min(row, len(self.draft.leases) - 1))
        hidden = [headers[i] for i in range(len(headers)) if i not in shown]
        self.query_one("#leases-summary", Static).update(
            leases_summary(self.draft.leases, self.lang, hidden)
        )

    def _fill_sources(self) -> None:
        """The sources, the channel, who and the note wrapped to fit the terminal's width
        (at 80 columns an agency's name ran past the edge); names keep at least 12 cells."""
        table = self.query_one("#sources-table", DataTable)
        row = table.cursor_row
        table.clear()
        rows = [source_row(source, self.lang) for source in self.draft.sources]
        headers = column_titles(SOURCE_COLUMNS, self.lang)
        for cells in fit_columns(rows, headers, self.size.width, SOURCE_WRAP):
            table.add_row(*cells, height=row_lines(cells))
        if self.draft.sources:
            table.move_cursor(row=min(row, len(self.draft.sources) - 1))
        self.query_one("#sources-summary", Static).update(
            sources_summary(self.draft.sources, self.draft.pending_forms(), self.lang)
        )

    def _fill_related(self) -> None:
        relations = self.backend.relations(self.draft.customer_id or "", self.draft.doc)
        self.related_shown = [
            (str(r.get("id")), True, not r.get("missing")) for r in relations.get("names", ())
        ] + [(str(r.get("id")), False, True) for r in relations.get("named_by", ())]
        table = self.query_one("#related-table", DataTable)
        table.clear()
        for row in related_rows(relations, self.lang):
            table.add_row(*row)
        self.query_one("#related-summary", Static).update(related_summary(relations))

    def tab_shown(self, section: str) -> None:
        """A tab came into view: the history is read only when first looked at (the history
        file of a large archive takes seconds to read)."""
        if section == "history" and not self._history_loaded:
            self._history_loaded = True
            self._load_history()

    def history_changed(self) -> None:
        """Something was recorded: re-read the history now if it is on screen, else later."""
        self._history_loaded = False
        if str(self.query_one(TabbedContent).active) == "tab-history":
            self.tab_shown("history")

    @work(thread=True, exclusive=True, group="card-history")
    def _load_history(self) -> None:
        if self.draft.is_new:
            return
        events = self.backend.history(self.draft.customer_id)
        self.app.call_from_thread(self._while_open, self._show_history, events)

    def _show_history(self, events: Sequence[Mapping[str, Any]]) -> None:
        self._history_events = list(events)  # kept to lay them out again at another width
        self._lay_out_history()

    def _lay_out_history(self) -> None:
        """The history, newest first, its details wrapped to the terminal's width."""
        events = self._history_events or []
        table = self.query_one("#history-table", DataTable)
        headers = column_titles(HISTORY_COLUMNS, self.lang)
        table.clear(columns=True)  # columns sized for another width would stay as wide
        table.add_columns(*headers)
        rows = [
            history_row(event, self.lang, self.shown_policy, self.draft.customer_id)
            for event in reversed(events)
        ]
        self._history_rows = rows
        for row in fit_history(rows, headers, self.size.width):
            table.add_row(*row, height=row_height(row))
        if not events:
            table.add_row(_("No history yet"), "", "", "")

    @on(DataTable.RowSelected, "#history-table")
    def _history_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on an event of the History tab: its detail whole, in a dialog."""
        if 0 <= event.cursor_row < len(self._history_rows):
            self.app.push_screen(HistoryDetail(*self._history_rows[event.cursor_row]))

    # editing ------------------------------------------------------------------------------

    @on(Input.Changed)
    @on(Select.Changed)
    def _edited(self, event: Input.Changed | Select.Changed) -> None:
        self.take_editor(event.control)

    def take_editor(self, widget: Widget | None) -> None:
        """Put what a field's editor holds into the draft (nothing for another widget)."""
        if widget is None:
            return
        row = next((a for a in widget.ancestors if isinstance(a, FieldRow)), None)
        if row is None or widget.disabled:
            return
        self.draft.set_text(row.spec, editor_text(widget))
        self.revalidate()

    def action_edit(self) -> None:
        """Enter editing: every field of every tab becomes editable."""
        if self.missing or self.editing:
            return
        self.editing = True
        self.refresh_card()
        self.notify(_("Editing: Ctrl+S saves, Esc leaves"), timeout=EDITING_NOTICE_SECONDS)
        self._editing_notice_until = monotonic() + EDITING_NOTICE_SECONDS
        self._focus_first_editor()

    def _drop_editing_notice(self) -> None:
        """Take the editing notice off the screen if it is still there (with any other
        notice of the same few seconds: Textual removes notices all at once)."""
        if monotonic() < self._editing_notice_until:
            self._editing_notice_until = 0.0
            self.app.clear_notifications()

    def _screen_changed(self, top: Screen[Any]) -> None:
        """Another screen on top (a dialog), or the card left: the notice is no longer true."""
        if top is not self:
            self._drop_editing_notice()

    def _focus_first_editor(self) -> None:
        pane = self.query_one(TabbedContent).active_pane
        if pane is None:
            return
        editors = [w for w in pane.query(".field-editor") if not w.disabled]
        if not editors:
            return
        first = editors[0]
        if self.draft.is_new:
            # A new card comes with the next free id filled in: the name, the first empty
            # field, is what a clerk types first (typed into the id, it would lengthen it).
            first = next((e for e in editors if isinstance(e, Input) and not e.value), first)
        first.focus()

    def begin_editing(self) -> None:
        """Switch to editing without moving the focus (lease and source actions)."""
        if not self.editing:
            self.editing = True
            self._apply_mode()

    # tabs and personal data ---------------------------------------------------------------

    def action_next_tab(self) -> None:
        """Show the next tab."""
        self._step_tab(1)

    def action_prev_tab(self) -> None:
        """Show the previous tab."""
        self._step_tab(-1)

    def _step_tab(self, step: int) -> None:
        """Turn the tab ``step`` places on; from a field, the focus goes to the new tab."""
        tabs = self.query_one(CardTabs)
        current = str(tabs.active).removeprefix("tab-")
        order = TABS
        index = order.index(current) if current in order else 0
        focused = self.focused
        # No focus at all: the field that had it was in a tab hidden by the step before.
        in_pane = focused is None or any(isinstance(a, TabPane) for a in focused.ancestors)
        target = order[(index + step) % len(order)]
        tabs.active = f"tab-{target}"
        if in_pane:
            # The focus was in the tab just hidden (Ctrl+PgDn from a field), or nowhere:
            # what is typed next must land in the tab shown.
            tabs.expect_focus(target)
            self.call_after_refresh(self._focus_in_tab, target)

    def _focus_in_tab(self, section: str) -> None:
        """The first field of ``section``'s tab (while editing), else its first table or
        button, else the tab bar; nothing if a later step asked for another tab."""
        tabs = self.query_one(CardTabs)
        if not tabs.expects(section):
            return
        widgets = list(tabs.get_pane(f"tab-{section}").query("*"))
        editors = [w for w in widgets if w.has_class("field-editor") and w.focusable]
        others = [w for w in widgets if w.focusable]
        if editors and self.editing:
            editors[0].focus()
        elif others:
            others[0].focus()
        else:
            tabs.expect_focus(None)
            tabs.query_one(Tabs).focus()

    def show_tab(self, section: str) -> None:
        """Switch to a tab by its section name (``basic``, ``leases``, …)."""
        self.query_one(TabbedContent).active = f"tab-{section}"

    @on(Button.Pressed, "#person-reveal")
    def action_reveal(self) -> None:
        """Show the personal data; the reveal is recorded in the customer's history."""
        if self.revealed or self.missing:
            return
        self.revealed = True
        self.show_tab("person")
        self._apply_mode()
        self._record_reveal()

    @work(thread=True, group="card-audit")
    def _record_reveal(self) -> None:
        from creditfile.policy import CreditfileError

        try:
            record = self.backend.reveal_personal(self.draft.customer_id)
        except CreditfileError as exc:
            self.app.call_from_thread(self._while_open, self._reveal_refused, error_text(exc))
            return
        self.app.call_from_thread(self._while_open, self._show_revealed, record)

    def _show_revealed(self, record: Mapping[str, Any] | None) -> None:
        """The reveal is recorded: say so, and show the personal data a database read in it
        (its readers get customers without it); edits made meanwhile stay."""
        self.notify(_("Personal data shown (recorded)"))
        self.history_changed()
        if record is None:
            return
        whole = customer_document(record)
        for path in withheld_paths(whole, self.backend.policy.personal_natures):
            value = value_at(whole, path)
            if value is not None:
                for doc in (self.draft.original, self.draft.doc):
                    _put_value(doc, path, copy.deepcopy(value))
        self.refresh_card(values=True)

    def _reveal_refused(self, message: str) -> None:
        self.revealed = False
        self._apply_mode()
        self.notify(
            _("Personal data not shown: {error}").format(error=message),
            severity="error",
            timeout=15,
        )

    def first_invalid(self) -> Widget | None:
        """The editor of the first invalid field, after showing its tab."""
        for row in self.field_rows():
            if row.has_class("-invalid"):
                self.show_tab(self._section_of_row[row.editor_id])
                return self.query_one(f"#{row.editor_id}")
        return None

    def _show_lines(self, widget: Static, lines: Sequence[str]) -> None:
        """Problem lines in red, the widget hidden when there are none."""
        joined = "\n".join(lines)
        self._update_if_changed(widget, Text(joined, style="red"), joined)
        widget.display = bool(lines)

    def _update_if_changed(self, widget: Static, content: RenderableType, key: str) -> None:
        """Update ``widget`` only when ``key`` (what it shows) differs from last time: every
        update re-lays out the screen, which would make typing sluggish."""
        if self._shown_keys.get(id(widget)) != key:
            self._shown_keys[id(widget)] = key
            widget.update(content)


def _put_value(doc: dict[str, Any], path: Sequence[str], value: Any) -> None:
    """Set ``doc``'s value at ``path``, making the sections on the way."""
    node = doc
    for key in path[:-1]:
        inner = node.get(key)
        if not isinstance(inner, dict):
            inner = node[key] = {}
        node = inner
    node[path[-1]] = value
