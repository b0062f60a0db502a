"""The home screen: every customer, incremental search, filters, sort, and the way to the card.

A file archive's list holds every row and searches, filters and sorts them here. A database's
list (``ArchiveService.list_rows``) holds a window of a few pages that the server searches,
filters and sorts (``application.list_window``): each keystroke, filter or sort asks for the
first page in a worker, the next pages come as the cursor nears the window's end, and the count
follows once the rows are shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, LoadingIndicator, Static

from creditfile.application import list_window
from creditfile.application.customer_index import (
    COLUMNS,
    FILTERABLE,
    ListQuery,
    ListRow,
    SearchIndex,
    row_of,
)
from creditfile.application.list_window import SERVER_SORTABLE, RowSource, Window
from creditfile.policy import CreditfileError
from creditfile.presentation.translation import _, error_text
from creditfile.tui.keys import bindings, described
from creditfile.tui.vocabulary import LIFECYCLES, STAGES, column_title
from creditfile.tui.widgets.customer_table import CustomerTable, TableHeader, middle_cut
from creditfile.tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from creditfile.policy import Policy
    from creditfile.tui.service import ArchiveService

SORTABLE = COLUMNS
COUNT_AFTER = 0.3
"""Seconds without a keystroke before a database's list counts the view."""


UNGRADED_CELL = "-"
"""The grade cell of an ungraded customer in the list."""


def column_labels(policy: Policy, lang: str) -> dict[str, dict[str, str]]:
    """Display text per column value: the policy's labels, translated lifecycle and stage."""
    policy = policy.in_language(lang)
    return {
        "nature": dict(policy.natures),
        "tier": {tier.key: tier.label for tier in policy.tiers},
        # An ungraded customer's cell is a dash in both languages (its six cells cannot hold
        # "ungraded"); the filter dialog names it in words (``filter_choices``).
        "grade": {"": UNGRADED_CELL},
        "lifecycle": {k: _(v) for k, v in LIFECYCLES.items()},
        "stage": {k: _(v) for k, v in STAGES.items()},
        "attention": {"yes": _("needs attention"), "no": _("no attention needed")},
    }


class ListScreen(Screen[None]):
    """Every customer of the archive, found by typing, narrowed by filters, sorted by any column.

    Args:
        service: The application's service (loaded by the app in a worker).
    """

    BINDINGS: ClassVar[list[BindingType]] = list(bindings("list", "en"))
    AUTO_FOCUS = ""  # the list takes the focus once it is loaded, not the search box

    def __init__(self, service: ArchiveService) -> None:
        super().__init__(id="list")
        self.service = service
        self.lang = service.lang
        self._bindings = described(self._bindings, self.lang)
        self.index: SearchIndex | None = None
        self.query_state = ListQuery()
        self.shown: Sequence[int] = ()
        self._seen_generation = -1
        self.attention_ready = False
        self.reading: tuple[int, int] | None = None
        """While the archive is read: records read so far and in all (rows shown meanwhile)."""
        self.source: RowSource | None = None
        """Where a database's list comes from, a page at a time (None: a file's index)."""
        self.window: Window | None = None
        """The rows of a database's list held now."""
        self._fetching = False
        self._unanswered = False
        """A page asked of the archive could not be read (the server away): asked again when
        the archive is back (``archive_back``)."""
        self._count_timer: Any = None
        self.archive_total: int | None = None
        """How many customers a database's archive holds, once counted."""

    def compose(self) -> ComposeResult:
        """Title, search box, header, the list, the status line and the footer."""
        yield Static(_("Customer credit archive"), id="list-title")
        yield Input(
            placeholder=_("Search id, name, phone, contact or pinyin (e.g. whhd, hongda)"),
            id="search",
        )
        titles = {c: column_title(c) for c in COLUMNS}
        yield TableHeader(COLUMNS, titles, id="list-header")
        yield LoadingIndicator(id="list-loading")
        yield CustomerTable(COLUMNS, {}, (), id="customers")
        yield Static("", id="list-status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Wait for the archive: the app loads it in a worker and calls ``show_index``."""
        self.query_one(CustomerTable).display = False
        self.query_one("#search", Input).disabled = True  # nothing to search yet
        self.query_one("#list-title", Static).update(
            _("Reading the archive {path} …").format(path=self.service.archive_name)
        )

    def speak(self) -> None:
        """Draw everything again in the language now in force; search, filters, sort and the
        highlighted row stay."""
        self.lang = self.service.lang
        self._bindings = described(self._bindings, self.lang)
        self.query_one("#search", Input).placeholder = _(
            "Search id, name, phone, contact or pinyin (e.g. whhd, hongda)"
        )
        header = self.query_one(TableHeader)
        header.titles = {c: column_title(c) for c in COLUMNS}
        header.refresh()
        if self.index is not None or self.source is not None:
            self.table.labels = column_labels(self.service.policy, self.lang)
            self._update_title()
            self.apply_query()
        elif self.reading is None:
            self.query_one("#list-title", Static).update(
                _("Reading the archive {path} …").format(path=self.service.archive_name)
            )
        self.refresh_bindings()

    def load_failed(self, message: str) -> None:
        """Say why the archive could not be opened, in place of the list (and of any rows
        shown while it was read: they were not the archive)."""
        self.reading = None
        self.index = None
        self.source = None
        self.window = None
        self.table.display = False
        self.query_one("#search", Input).disabled = True
        self.query_one("#list-status", Static).update("")
        self.query_one("#list-loading").display = False
        self.query_one("#list-title", Static).update(
            Text(_("Cannot open the archive: {error}").format(error=message), style="bold red")
        )

    # -- data ---------------------------------------------------------------------------------

    @property
    def table(self) -> CustomerTable:
        """The customer list widget."""
        return self.query_one(CustomerTable)

    def show_index(self, index: SearchIndex) -> None:
        """Show a freshly built index (after loading or a regrade)."""
        table = self.table
        keep = table.current.id if table.current else None
        table.labels = column_labels(self.service.policy, self.lang)
        table.set_grades([g.name for g in self.service.policy.all_grades])
        self.reading = None
        self.index = index
        self._seen_generation = self.service.generation
        self.query_one("#list-loading").display = False
        self.query_one("#search", Input).disabled = False
        table.display = True
        self._update_title()
        self.apply_query(keep=keep)
        search = self.query_one("#search", Input)
        if not (search.has_focus and search.value):
            table.focus()

    def show_pages(self, source: RowSource) -> None:
        """Show a database's list, a page at a time from ``source`` (after loading or a
        regrade): the search, filters, sort and the customer under the cursor stay."""
        table = self.table
        keep = table.current.id if table.current else None
        table.labels = column_labels(self.service.policy, self.lang)
        table.set_grades([g.name for g in self.service.policy.all_grades])
        self.reading = None
        self.index = None
        self.source = source
        self.archive_total = None
        self._seen_generation = self.service.generation
        if self.query_state.sort not in SERVER_SORTABLE:
            self.query_state = ListQuery(self.query_state.text, self.query_state.filters)
        self._update_title()
        self._fetch_first(source, self.query_state, keep)

    def _ready(self) -> bool:
        """Whether the list has rows to work on (every row, or a database's window)."""
        return self.index is not None or self.source is not None

    # Not exclusive: a thread cannot be stopped, and a page asked for a view left meanwhile is
    # never fetched (or never shown), so each key's worker simply ends.
    @work(thread=True, group="list-page", exit_on_error=False)
    def _fetch_first(self, source: RowSource, query: ListQuery, keep: str | None) -> None:
        if query != self.query_state:
            return  # another key came before this one's turn
        self._fetched(lambda: list_window.first(source, query), keep)

    @work(thread=True, group="list-page", exit_on_error=False)
    def _fetch_last(self, source: RowSource, window: Window) -> None:
        self._fetched(lambda: list_window.last(source, window), None, at_end=True)

    @work(thread=True, group="list-more", exit_on_error=False)
    def _fetch_more(self, source: RowSource, window: Window, forward: bool) -> None:
        step = list_window.further if forward else list_window.earlier
        self._fetched(lambda: step(source, window), None, keep_cursor=True, base=window)

    @work(thread=True, group="list-page", exit_on_error=False)
    def _fetch_again(self, source: RowSource, window: Window) -> None:
        self._fetched(
            lambda: list_window.refreshed(source, window), None, keep_cursor=True, base=window
        )

    def _fetched(
        self,
        fetch: Any,
        keep: str | None,
        *,
        at_end: bool = False,
        keep_cursor: bool = False,
        base: Window | None = None,
    ) -> None:
        """Run ``fetch`` (in a worker) and show the window it gives, or say why it failed;
        a window grown from ``base`` is shown only if ``base`` is still the one shown."""
        try:
            window = fetch()
        except CreditfileError as exc:
            self._unanswered = True
            message = _("Cannot open the archive: {error}").format(error=error_text(exc))
            self.app.call_from_thread(self.notify, message, severity="error", timeout=10)
            return
        finally:
            self._fetching = False
        self.app.call_from_thread(self._show_window, window, keep, at_end, keep_cursor, base)

    def _show_window(
        self,
        window: Window,
        keep: str | None,
        at_end: bool,
        keep_cursor: bool,
        base: Window | None = None,
    ) -> None:
        if self.source is None or window.query != self.query_state:
            return  # the list moved on meanwhile (another key, another view)
        if base is not None and base is not self.window:
            return  # grown from a window shown no longer (End or Home came first)
        table = self.table
        first = self.window is None
        if keep_cursor and table.current is not None:
            keep = table.current.id
        self.window = window
        self._unanswered = False
        self.query_one("#list-loading").display = False
        self.query_one("#search", Input).disabled = False
        table.display = True
        at = len(window) - 1 if at_end else (table.cursor if keep_cursor else None)
        table.show_lines(window, keep, at=at)
        header = self.query_one(TableHeader)
        header.table = table
        header.set_sort(self.query_state.sort, self.query_state.reverse)
        self.update_status()
        if window.total is None or self.archive_total is None:
            self._count_later()
        if first:
            search = self.query_one("#search", Input)
            if not (search.has_focus and search.value):
                table.focus()
            note = getattr(self.app, "_note_first_rows", None)
            if callable(note):
                note(self)

    def _count_later(self) -> None:
        """Count the view once the keys have stopped for a moment: a count of a million rows
        is never asked per keystroke."""
        if self._count_timer is not None:
            self._count_timer.stop()
        self._count_timer = self.set_timer(COUNT_AFTER, self._count_now)

    def _count_now(self) -> None:
        window, source = self.window, self.source
        if source is not None and window is not None and None in (window.total, self.archive_total):
            self._count(source, window.query, window.total, self.archive_total)

    @work(thread=True, group="list-count", exit_on_error=False)
    def _count(
        self, source: RowSource, query: ListQuery, total: int | None, archive: int | None
    ) -> None:
        if query != self.query_state:
            return  # the view was left before its count's turn
        try:
            if total is None:
                total = source.count(query)
            if archive is None:
                whole = not query.text.split() and not any(query.filters.values())
                archive = total if whole else source.count(ListQuery())
        except CreditfileError:
            return  # the status keeps saying it is not counted
        self.app.call_from_thread(self._counted, query, total, archive)

    def _counted(self, query: ListQuery, total: int, archive: int) -> None:
        self.archive_total = archive
        if self.window is not None and self.window.query == query == self.query_state:
            self.window = list_window.counted(self.window, total)
            self.table.lines = self.window
        self.update_status()

    @on(CustomerTable.Highlighted)
    def _near_edge(self) -> None:
        """Fetch the next (or previous) page as the cursor nears the end of the rows held."""
        window, source = self.window, self.source
        if window is None or source is None or self._fetching:
            return
        line = self.table.cursor
        if window.wants_further(line) or window.wants_earlier(line):
            self._fetching = True
            self._fetch_more(source, window, window.wants_further(line))

    @on(CustomerTable.EdgeRequested)
    def _edge(self, event: CustomerTable.EdgeRequested) -> None:
        if self.source is None or self.window is None:
            return
        if event.top:
            if self.window.offset > 0:
                self._fetch_first(self.source, self.query_state, None)
        elif not self.window.at_end:
            self._fetch_last(self.source, self.window)

    def show_so_far(self, index: SearchIndex, done: int, total: int, policy: Policy) -> None:
        """Show the rows read so far while the rest of the archive is read.

        The list can be scrolled meanwhile; searching, filters, sorting and the card wait
        for the whole archive (``show_index``), and say so.
        """
        table = self.table
        first = self.reading is None and self.index is None
        table.labels = column_labels(policy, self.lang)
        table.set_grades([g.name for g in policy.all_grades])
        self.reading = (done, total)
        self.index = index
        self.query_one("#list-loading").display = False
        table.display = True
        self.query_one("#list-title", Static).update(
            _("Reading the archive {path}: {done} / {total} customers read").format(
                path=middle_cut(self.service.archive_name, self.app.size.width - 40),
                done=f"{done:,}",
                total=f"{total:,}",
            )
        )
        self.apply_query()
        if first:
            table.focus()

    def still_reading(self) -> bool:
        """Whether the archive is not read yet (and say so while it is being read): most
        actions wait for it."""
        if self.reading is None:
            return not self._ready()
        done, total = self.reading
        percent = done * 100 // total if total else 100
        self.notify(
            _(
                "Still reading the archive ({percent}%): search, filters and "
                "cards open once it is read"
            ).format(percent=percent),
            timeout=3,
        )
        return True

    def _update_title(self) -> None:
        policy = self.service.policy
        head, tail = _("Customer credit archive"), _("Policy") + f" {policy.version}"
        # The title is one line: the archive's name gives way (cut in its middle, so that a
        # database's name and a file's name, at the end, stay) before the policy's version.
        room = self.app.size.width - cell_len(head) - cell_len(tail) - 6
        title = Text.assemble(
            (head, "bold"),
            f"  {middle_cut(self.service.archive_name, room)}  ",
            (tail, "dim"),
        )
        self.query_one("#list-title", Static).update(title)

    def on_resize(self) -> None:
        """The title fits the width again (once the archive is loaded: the title names its
        policy, unknown while the first rows are shown during the reading)."""
        if self.service.loaded and (self.index is not None or self.source is not None):
            self._update_title()

    def archive_back(self) -> None:
        """The archive can be read again: a search, filter or page asked meanwhile and not
        answered is asked again (the list would show rows of the view before it)."""
        if self._unanswered and self.source is not None:
            self.apply_query()

    def apply_query(self, keep: str | None = None) -> None:
        """Search, filter and sort the index by ``query_state`` and show the result (a
        database's list: ask for its first page)."""
        table = self.table
        if keep is None and table.current is not None:
            keep = table.current.id
        if self.source is not None:
            self._fetch_first(self.source, self.query_state, keep)
            return
        if self.index is None:
            return
        self.shown = self.index.query(self.query_state)
        table.show(self.index, self.shown, keep=keep)
        header = self.query_one(TableHeader)
        header.table = table
        header.set_sort(self.query_state.sort, self.query_state.reverse)
        self.update_status()

    def update_status(self) -> None:
        """The status line: shown / total, search text, filters, sort order."""
        q = self.query_state
        if self.window is not None and self.source is not None:
            # As the file's list says it: how many the view shows, of the whole archive.
            held, total, archive = len(self.window), self.window.total, self.archive_total
            parts = [
                _("{shown} / {total} shown").format(shown=f"{total:,}", total=f"{archive:,}")
                if total is not None and archive is not None
                else _("{shown} shown, counting the rest…").format(shown=f"{held:,}")
            ]
            empty = not self.window.rows
        elif self.index is not None:
            parts = [
                _("{shown} / {total} shown").format(
                    shown=f"{len(self.shown):,}", total=f"{len(self.index):,}"
                )
            ]
            empty = not self.shown
        else:
            return
        if q.text.strip():
            parts.append(_("search “{text}”").format(text=q.text.strip()))
        if any(q.filters.values()):
            parts.append(_("filters: {filters}").format(filters=self.describe_filters()))
        direction = _("descending") if q.reverse else _("ascending")
        parts.append(
            _("sorted by {column} {direction}").format(
                column=column_title(q.sort), direction=direction
            )
        )
        text = Text(" · ".join(parts))
        if empty:
            # A line of its own: after a search and the sort it ran past the edge, cut.
            text.append(
                "\n" + _("No customer matches (Esc clears the search, f changes the filters)"),
                style="bold yellow",
            )
        self.query_one("#list-status", Static).update(text)

    def choice_labels(self) -> dict[str, Mapping[str, str]]:
        """The words of each column's values in the filters: the list's labels, and an
        ungraded customer named so (its list cell is a dash)."""
        labels: dict[str, Mapping[str, str]] = dict(self.table.labels)
        labels["grade"] = {**labels.get("grade", {}), "": _("ungraded")}
        return labels

    def describe_filters(self) -> str:
        """The active filters, in words (``等级 A, B; 性质 开发商``)."""
        labels = self.choice_labels()
        groups = []
        for column in FILTERABLE:
            values = self.query_state.filters.get(column)
            if values:
                shown = [labels.get(column, {}).get(v, v) for v in sorted(values)]
                groups.append(f"{column_title(column)} {', '.join(shown)}")
        return "; ".join(groups)

    def with_query(self, **changes: Any) -> None:
        """Change the query (text, filters, sort, reverse) and show the result."""
        values = {
            "text": self.query_state.text,
            "filters": self.query_state.filters,
            "sort": self.query_state.sort,
            "reverse": self.query_state.reverse,
            **changes,
        }
        self.query_state = ListQuery(**values)
        self.apply_query()

    # -- search -------------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.with_query(text=event.value)

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        """Enter in the search box: an id merged into another customer opens that customer's
        card, saying so (people keep old ids on paper); anything else goes to the list."""
        text = self.query_one("#search", Input).value.strip()
        if text and not self.still_reading() and self.service.record(text) is None:
            kept, merged = self.service.resolve(text)
            if merged is not None:
                when, by = merged.at[:10] or "?", merged.by or "?"
                note = _("{given} was merged into {kept} on {at} by {by}: {kept} is shown").format(
                    given=text, kept=kept, at=when, by=by
                )
                self.notify(note, timeout=8)
                self.open_customer(kept)
                return
        self.table.focus()

    def action_search(self) -> None:
        """Put the cursor in the search box."""
        if self.still_reading():
            return
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        """Esc: leave the search box; again, clear the search."""
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.table.focus()
        elif search.value:
            search.value = ""
        elif any(self.query_state.filters.values()):
            self.with_query(filters={})

    # -- filters and sort ---------------------------------------------------------------------

    def filter_choices(self) -> dict[str, list[tuple[str, str]]]:
        """Values offered per filterable column, in policy order, with their labels."""
        policy = self.service.policy
        labels = self.choice_labels()
        order: Mapping[str, Sequence[str]] = {
            "grade": [*(g.name for g in policy.all_grades), ""],
            "nature": list(policy.natures),
            "tier": [tier.key for tier in policy.tiers],
            "lifecycle": ["established", "new", "prospective"],
            "stage": ["current", "past", "upcoming"],
            "attention": ["yes"],
        }
        return {
            column: [(v, labels.get(column, {}).get(v, v)) for v in values]
            for column, values in order.items()
            if column != "attention" or self.attention_ready
        }

    def action_filters(self) -> None:
        """Open the filter dialog."""
        if self.still_reading():
            return
        from creditfile.tui.screens.filters import FiltersScreen

        def chosen(filters: dict[str, frozenset[str]] | None) -> None:
            if filters is not None:
                self.with_query(filters=filters)

        self.app.push_screen(
            FiltersScreen(self.lang, self.filter_choices(), self.query_state.filters), chosen
        )

    def action_sort(self) -> None:
        """Sort by the next column."""
        if self.still_reading():
            return
        sortable = self.sortable()
        at = sortable.index(self.query_state.sort) if self.query_state.sort in sortable else -1
        self.with_query(sort=sortable[(at + 1) % len(sortable)], reverse=False)

    def sortable(self) -> Sequence[str]:
        """The columns the list sorts by: every one, or those a database sorts by."""
        return SERVER_SORTABLE if self.source is not None else SORTABLE

    def action_sort_reverse(self) -> None:
        """Reverse the sort order."""
        if self.still_reading():
            return
        self.with_query(reverse=not self.query_state.reverse)

    @on(TableHeader.SortRequested)
    def _header_clicked(self, event: TableHeader.SortRequested) -> None:
        if self.still_reading():
            return
        if event.column == self.query_state.sort:
            self.with_query(reverse=not self.query_state.reverse)
        elif event.column not in self.sortable():
            return
        else:
            self.with_query(sort=event.column, reverse=False)

    # -- opening customers --------------------------------------------------------------------

    def action_open(self) -> None:
        """Open the customer under the cursor."""
        if self.still_reading():
            return
        self.table.open_current()

    @on(CustomerTable.Opened)
    def _opened(self, event: CustomerTable.Opened) -> None:
        if self.still_reading():
            return
        self.open_customer(event.customer_id)

    def card_open(self) -> bool:
        """Whether a card is open or opening (it takes a moment to build): a key pressed
        again meanwhile must not open a second one."""
        return self.app.screen is not self or any(
            s.has_class("customer-card") for s in self.app.screen_stack
        )

    def open_customer(self, customer_id: str, *, edit: bool = False) -> None:
        """Show a customer's card (``edit``: start editing)."""
        if self.card_open():
            return
        screen = card_screen(self, self.service, customer_id)
        if screen is None:
            return
        self.app.push_screen(screen)
        if edit and hasattr(screen, "action_edit"):
            screen.call_after_refresh(screen.action_edit)

    def action_edit(self) -> None:
        """Open the customer under the cursor for editing."""
        if self.still_reading():
            return
        row = self.table.current
        if row is not None:
            self.open_customer(row.id, edit=True)

    def action_new(self) -> None:
        """Create a customer."""
        if self.still_reading():
            return
        if self.card_open():
            return
        try:
            from creditfile.tui.card import new_customer_screen
        except ImportError:
            self.notify(_("The customer card is not available"), severity="warning")
            return
        try:
            screen = new_customer_screen(self.service)  # reads the last id, for the next one
        except CreditfileError as exc:
            self.notify(error_text(exc), severity="error", timeout=10)
            return
        self.app.push_screen(screen)

    def action_regrade(self) -> None:
        """Preview a regrade of the whole archive."""
        if self.still_reading():
            return
        from creditfile.tui.screens.regrade import RegradeScreen

        self.app.push_screen(RegradeScreen(self.service))

    def action_export(self) -> None:
        """Write the rows shown — filtered and sorted as they are — to a workbook in the
        working folder, named by the time, and say where."""
        if self.still_reading():
            return
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = Path.cwd() / (_("customers") + f"-{stamp}.xlsx")
        if self.source is not None:
            self._export(self.source, self.query_state, target)
        elif self.index is not None:
            self._export([self.index.rows[i] for i in self.shown], None, target)

    @work(thread=True, exclusive=True, group="list-export", exit_on_error=False)
    def _export(self, rows: Sequence[ListRow] | RowSource, query: Any, target: Path) -> None:
        try:
            if not isinstance(rows, Sequence):  # a database's list: every page of the view
                rows = list_window.every_row(rows, query)
            written = self.service.export_list(rows, target)
        except (CreditfileError, OSError) as exc:
            message = _("Export failed: {error}").format(error=error_text(exc))
            self.app.call_from_thread(self.notify, message, severity="error", timeout=12)
            return
        done = _(
            "Exported {n} customers (as filtered and sorted, no personal data) to {path}"
        ).format(n=f"{len(rows):,}", path=str(written))
        self.app.call_from_thread(self.notify, done, timeout=12)

    def on_screen_resume(self) -> None:
        """Back from a card or a regrade: show what changed meanwhile (in the language now
        in force)."""
        if self.lang != self.service.lang:
            self.speak()
        self.show_changes()

    def show_changes(self) -> None:
        """Show the rows the service's records changed since this list last looked: those
        rows alone, or the whole list again when everything was re-read."""
        if not self._ready() or self.service.generation == self._seen_generation:
            return
        changed = self.service.changed_since(self._seen_generation)
        self._seen_generation = self.service.generation
        if changed is None:
            self.app.call_later(self.app.run_action, "reindex")
            return
        if self.source is not None and self.window is not None:
            self.archive_total = None  # a customer may have been added: counted again
            self._fetch_again(self.source, self.window)  # the rows held, as stored now
            return
        self._refresh_rows(changed)

    @work(thread=True, exclusive=True, group="list-rows")
    def _refresh_rows(self, ids: Sequence[str]) -> None:
        records = self.service.records()
        natures = self.service.policy.personal_natures
        rows = []
        for cid in ids:
            record = records.get(cid)
            if record is not None:
                codes = _codes(self.service.attention(record))
                rows.append(row_of(record, codes, personal_natures=natures))
        self.app.call_from_thread(self._put_rows, rows)

    def _put_rows(self, rows: Sequence[Any]) -> None:
        if self.index is None:
            return
        for row in rows:
            self.index.put(row)
        self.apply_query()


def _codes(reasons: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(str(r.get("code")) for r in reasons)


def card_screen(owner: Widget, service: ArchiveService, customer_id: str) -> Screen[Any] | None:
    """A customer's card, or None when it cannot be shown, ``owner`` saying why (its record
    could not be read: a database server down, say)."""
    try:
        from creditfile.tui.card import CustomerScreen
    except ImportError:
        owner.notify(_("The customer card is not available"), severity="warning")
        return None
    try:
        screen: Screen[Any] = CustomerScreen(service, customer_id)
    except CreditfileError as exc:
        owner.notify(error_text(exc), severity="error", timeout=10)
        return None
    return screen
