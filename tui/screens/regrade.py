"""Regrade: a preview (counts, from→to matrix, changes), then confirm; the write in a worker."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, ProgressBar, Static

from creditfile.application.regrade import RegradeResult
from creditfile.application.regrade_preview import NOT_GRADED, UNGRADED, RegradePreview
from creditfile.policy import CreditfileError
from creditfile.presentation.translation import _, error_text, pgettext
from creditfile.store import RegradeCancelledError
from creditfile.tui.keys import bindings, described
from creditfile.tui.vocabulary import REGRADE_PHASES, column_title, named
from creditfile.tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from creditfile.tui.service import ArchiveService

CHANGES_SHOWN = 1000
"""The changes table lists at most this many customers (a DataTable measures every cell)."""


class RegradeScreen(Screen[None]):
    """What a regrade would change; ``y`` (or its button) applies it, Esc leaves the archive
    as it is.

    The keyboard: the focus starts in the list of changes (↑/↓ move, Enter opens that
    customer's card, Esc comes back here); Tab goes on to the two buttons. Enter never
    applies the regrade from the list, where it is the key that opens a row.

    Args:
        service: The application's service.
    """

    BINDINGS: ClassVar[list[BindingType]] = list(bindings("regrade", "en"))

    def __init__(self, service: ArchiveService) -> None:
        super().__init__(id="regrade")
        self.service = service
        self.lang = service.lang
        self._bindings = described(self._bindings, self.lang)
        self.preview: RegradePreview | None = None
        self.state = "computing"  # computing → ready → applying → done
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        """Heading, counts and matrix side by side, the changes, progress and hints."""
        policy = self.service.policy
        yield Static(
            _("Grading {n} customers under policy {version} (nothing is written) …").format(
                n="…", version=policy.version
            ),
            id="regrade-heading",
        )
        yield ProgressBar(total=1.0, show_eta=False, id="regrade-progress")
        with Horizontal(id="regrade-tables"):
            # Read at a glance, nothing to move through: the focus skips them.
            for table_id in ("regrade-counts", "regrade-matrix"):
                table: DataTable[Any] = DataTable(
                    id=table_id, cursor_type="none", zebra_stripes=True
                )
                table.can_focus = False
                yield table
        yield Static("", id="regrade-changes-title")
        yield DataTable(id="regrade-changes", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="regrade-buttons"):
            yield Button(
                _("Regrade now (y)"),
                id="regrade-apply",
                variant="primary",
                compact=True,
                disabled=True,
            )
            yield Button(_("Cancel (Esc)"), id="regrade-cancel", compact=True)
        yield Static(
            _(
                "y regrades and writes the archive · Esc cancels (nothing "
                "written) · Enter opens the customer · Tab to the buttons"
            ),
            id="regrade-hint",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        """Grade in the background; nothing is written."""
        self._compute()

    # -- preview ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="regrade", exit_on_error=False)
    def _compute(self) -> None:
        try:
            preview = self.service.preview_regrade(self._progress_from_thread)
        except CreditfileError as exc:
            self.app.call_from_thread(self._failed, error_text(exc))
            return
        self.app.call_from_thread(self.show_preview, preview)

    def _progress_from_thread(self, fraction: float, phase: str) -> None:
        self.app.call_from_thread(self._progress, fraction, phase)

    def _progress(self, fraction: float, phase: str) -> None:
        self.query_one(ProgressBar).update(progress=min(max(fraction, 0.0), 1.0))
        if self.state == "applying":
            name = named(REGRADE_PHASES, phase)
            self.query_one("#regrade-hint", Static).update(
                Text(_("Regrading … ({phase})").format(phase=name), style="bold")
            )

    def show_preview(self, preview: RegradePreview) -> None:
        """Fill the tables from a computed preview."""
        if self.state != "computing":
            return  # left before the preview was ready
        self.preview = preview
        self.state = "ready"
        self.query_one(ProgressBar).display = False
        self.query_one("#regrade-heading", Static).update(
            Text(
                _("Regrade of {n} customers under policy {version} ({sha}) as of {as_of}").format(
                    n=f"{preview.customers:,}",
                    version=preview.policy_version,
                    sha=preview.policy_sha256[:12] + "…",
                    as_of=preview.as_of.isoformat(),
                ),
                style="bold",
            )
        )
        self._fill_counts(preview)
        self._fill_matrix(preview.matrix)
        self._fill_changes(preview)
        apply = self.query_one("#regrade-apply", Button)
        apply.disabled = False
        if preview.changes:
            self.query_one("#regrade-changes", DataTable).focus()
        else:
            apply.focus()

    def _grade_name(self, key: str | None) -> str:
        if key is None or key == UNGRADED:
            return _("ungraded")
        if key == NOT_GRADED:
            return _("never graded")
        if key == "new":
            return pgettext("regrade.new_row", "new")
        return key

    def _fill_counts(self, preview: RegradePreview) -> None:
        table = self.query_one("#regrade-counts", DataTable)
        table.add_columns(
            _("Grade"),
            _("now"),
            _("after"),
            "±",
        )
        for key in preview.before:
            before, after = preview.before[key], preview.after.get(key, 0)
            if key == NOT_GRADED and not before and not after:
                continue
            delta = after - before
            table.add_row(
                self._grade_name(key),
                f"{before:,}",
                f"{after:,}",
                Text(
                    f"{delta:+,}" if delta else "0",
                    style="green" if delta > 0 else "red" if delta < 0 else "dim",
                ),
            )

    def _fill_matrix(self, matrix: Mapping[str, Any]) -> None:
        table = self.query_one("#regrade-matrix", DataTable)
        columns = [c["key"] for c in matrix["columns"]]
        table.add_columns("↓ → ", *(self._grade_name(c) for c in columns))
        for row in matrix["rows"]:
            cells = matrix["count"][row["key"]]
            if not any(cells.values()):
                continue
            values = []
            for col in columns:
                n = cells[col]
                style = "bold" if row["key"] == col else ("dim" if not n else "yellow")
                values.append(Text(f"{n:,}", style=style))
            table.add_row(self._grade_name(row["key"]), *values)

    def _fill_changes(self, preview: RegradePreview) -> None:
        changes = preview.changes
        title = self.query_one("#regrade-changes-title", Static)
        if not changes:
            title.update(Text(_("No customer's grade would change."), style="bold"))
            self.query_one("#regrade-changes").display = False
            return
        title.update(
            Text(
                _("Customers whose grade changes ({n})").format(n=f"{preview.changing:,}"),
                style="bold",
            )
        )
        table = self.query_one("#regrade-changes", DataTable)
        # Grade and total together on each side, so the row fits 80 columns.
        table.add_columns(
            column_title("id"),
            column_title("name"),
            _("now"),
            "→",
            _("after"),
        )
        for change in changes[:CHANGES_SHOWN]:
            table.add_row(
                change["id"],
                change["name"],
                self._graded(change["from"], change.get("total_before")),
                "→",
                self._graded(change["to"], change.get("total")),
                key=str(change["id"]),
            )
        listed = min(len(changes), CHANGES_SHOWN)
        if preview.changing > listed:
            more = _("{n} more not listed").format(n=f"{preview.changing - listed:,}")
            table.add_row("", more, "", "", "", key="")

    def _graded(self, grade: str | None, total: object) -> str:
        shown = self._grade_name(grade)
        return shown if not isinstance(total, int | float) else f"{shown} {total:.2f}"

    @on(DataTable.RowSelected, "#regrade-changes")
    def _open(self, event: DataTable.RowSelected) -> None:
        """Enter on a change opens that customer's card; Esc there comes back here."""
        from creditfile.tui.screens.list_screen import card_screen

        customer_id = str(event.row_key.value or "")
        if not customer_id or self.app.screen is not self:
            return
        screen = card_screen(self, self.service, customer_id)
        if screen is not None:
            self.app.push_screen(screen)

    @on(Button.Pressed, "#regrade-apply")
    def _apply_pressed(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#regrade-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def _failed(self, message: str) -> None:
        if self.state == "left":
            return
        self.state = "ready" if self.preview else "failed"
        self.notify(
            _("The regrade failed; the archive is unchanged: {error}").format(error=message),
            severity="error",
            timeout=12,
        )
        if self.preview is None:
            self.dismiss(None)

    # -- confirm, cancel ----------------------------------------------------------------------

    def action_confirm(self) -> None:
        """Apply the regrade: grade under the store's lock and write once, in a worker."""
        if self.state != "ready":
            return
        self.state = "applying"
        self.query_one("#regrade-apply", Button).disabled = True
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(progress=0.0)
        self._progress(0.0, "reading")
        self._apply()

    @work(thread=True, exclusive=True, group="regrade", exit_on_error=False)
    def _apply(self) -> None:
        try:
            outcome = self.service.apply_regrade(self._progress_from_thread, self._cancel.is_set)
        except RegradeCancelledError:
            self.app.call_from_thread(self._cancelled)
            return
        except (CreditfileError, OSError) as exc:
            self.app.call_from_thread(self._failed, error_text(exc))
            return
        self.app.call_from_thread(self._applied, outcome)

    def _applied(self, outcome: RegradeResult) -> None:
        self.state = "done"
        self.notify(
            _("Regrade done: {n} customers, {changes} grade changes").format(
                n=f"{outcome.customers:,}", changes=f"{len(outcome.changes):,}"
            )
        )
        self.app.call_later(self.app.run_action, "reindex")
        self.dismiss(None)

    def _cancelled(self) -> None:
        self.state = "done"
        self.notify(_("Regrade cancelled; the archive is unchanged"))
        self.dismiss(None)

    def action_cancel(self) -> None:
        """Leave without writing; while applying, stop before the write if it has not begun."""
        if self.state == "applying":
            self._cancel.set()
            return
        if self.state in ("computing", "ready", "failed"):
            self.state = "left"
            self.workers.cancel_group(self, "regrade")
            self.notify(_("Regrade cancelled; the archive is unchanged"))
            self.dismiss(None)
