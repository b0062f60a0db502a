"""Lease and source actions of the card: add, edit, close, cancel, add a source, mark verified."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from textual import on
from textual.widgets import DataTable, TabbedContent

from creditfile.policy import CreditfileError
from creditfile.presentation.translation import _, error_text
from creditfile.tui.card.base import CardBase
from creditfile.tui.card.draft import CardProblem, ProblemLike
from creditfile.tui.card.fields import (
    LEASE_FIELDS,
    LEASE_STATUSES,
    RELATED_FIELDS,
    RELATIONS,
    SOURCE_FIELDS,
    SOURCE_KINDS,
)
from creditfile.tui.card.form import Choices, labelled_choices
from creditfile.tui.card.views import choice_label


class RelativeProblem:
    """A validation problem re-pathed relative to one lease or source, its wording kept."""

    def __init__(self, path: str, problem: ProblemLike) -> None:
        self.path = path
        self.message = problem.message
        self._problem = problem

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """The problem's message in the language of ``translate``."""
        return self._problem.text(translate)


def relative_problems(problems: Sequence[ProblemLike], prefix: str) -> list[ProblemLike]:
    """The problems under ``prefix`` (e.g. ``leases[2]``), with paths relative to it."""
    found: list[ProblemLike] = []
    for problem in problems:
        if problem.path == prefix:
            found.append(RelativeProblem("", problem))
        elif problem.path.startswith(prefix + "."):
            found.append(RelativeProblem(problem.path[len(prefix) + 1 :], problem))
    return found


class RecordActions(CardBase):
    """Leases and sources, for the card screen."""

    def _active_section(self) -> str:
        return str(self.query_one(TabbedContent).active).removeprefix("tab-")

    def _cursor(self, table_id: str, count: int) -> int | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if count == 0:
            return None
        return min(max(table.cursor_row, 0), count - 1)

    def _refused(self, problem: CardProblem | None, **values: Any) -> bool:
        if problem is None:
            return False
        self.notify(_(problem.key).format(**values), severity="warning")
        return True

    def action_add(self) -> None:
        """``a``: add a lease on the leases tab, a source on the sources tab, a related
        customer on the related tab."""
        section = self._active_section()
        if self.missing or section not in ("leases", "sources", "related"):
            return
        if section == "leases":
            self.open_lease(None)
        elif section == "related":
            self.open_related()
        else:
            self.open_source()

    # leases -------------------------------------------------------------------------------

    def _lease_choices(self) -> Mapping[str, Choices]:
        items = labelled_choices(self.shown_policy.item_categories)
        statuses = [(choice_label("leases[].status", s, self.lang), s) for s in LEASE_STATUSES]
        return {"item": items, "status": statuses}

    def open_lease(self, index: int | None) -> None:
        """The lease form: a new lease (``index`` None) or the lease at ``index``."""
        from creditfile.tui.card.modals import RecordDialog

        leases = self.draft.leases
        if index is None:
            values: dict[str, Any] = {"status": "active", "start": self.backend.as_of.isoformat()}
            title = _("Add a lease")
        else:
            values = dict(leases[index])
            title = _("Edit lease {contract}").format(contract=values.get("contract", ""))
        position = len(leases) if index is None else index

        def check(lease: Mapping[str, Any]) -> Sequence[ProblemLike]:
            doc = copy.deepcopy(self.draft.doc)
            candidate = list(doc.get("leases") or [])
            if index is None:
                candidate.append(dict(lease))
            else:
                candidate[index] = dict(lease)
            doc["leases"] = candidate
            return relative_problems(self.backend.validate(doc), f"leases[{position}]")

        dialog = RecordDialog(
            title,
            LEASE_FIELDS,
            values,
            self.lang,
            choices=self._lease_choices(),
            check=check,
            dialog_id="lease-dialog",
        )
        self.app.push_screen(dialog, lambda lease: self._lease_done(lease, index))

    def _lease_done(self, lease: dict[str, Any] | None, index: int | None) -> None:
        if lease is None:
            return
        self.begin_editing()
        self.draft.put_lease(lease, index)
        self.refresh_card()
        if index is None:
            table = self.query_one("#leases-table", DataTable)
            table.move_cursor(row=len(self.draft.leases) - 1)

    @on(DataTable.RowSelected, "#leases-table")
    def _lease_chosen(self, event: DataTable.RowSelected) -> None:
        if not self.missing and event.cursor_row < len(self.draft.leases):
            self.open_lease(event.cursor_row)

    def action_close_lease(self) -> None:
        """``c``: close the active lease under the cursor (its end becomes today)."""
        index = self._cursor("leases-table", len(self.draft.leases))
        if self._active_section() != "leases" or index is None:
            return
        contract = self.draft.leases[index].get("contract", "")
        if self._refused(self.draft.close_lease(index, self.backend.as_of), contract=contract):
            return
        self.begin_editing()
        self.refresh_card()

    def action_cancel_lease(self) -> None:
        """``x``: cancel the lease under the cursor (it stays on file, counting for nothing),
        once staff confirm it."""
        from creditfile.tui.card.modals import ChoiceDialog

        index = self._cursor("leases-table", len(self.draft.leases))
        if self._active_section() != "leases" or index is None:
            return
        lease = self.draft.leases[index]
        contract = lease.get("contract", "")
        if lease.get("status") == "cancelled":
            self.notify(_("Lease {contract} is already cancelled").format(contract=contract))
            return
        dialog = ChoiceDialog(
            _("Cancel lease {contract}?").format(contract=contract),
            _(
                "Lease {contract} will be marked cancelled: it stays on file "
                "but no longer counts towards the cumulative lease amount. "
                "It takes effect when the card is saved."
            ).format(contract=contract),
            [
                ("keep", _("Keep the lease"), "primary"),
                ("cancel", _("Cancel the lease"), "error"),
            ],
            escape="keep",
            dialog_id="cancel-lease-dialog",
        )
        self.app.push_screen(dialog, lambda choice: self._cancel_chosen(choice, index))

    def _cancel_chosen(self, choice: str | None, index: int) -> None:
        if choice != "cancel":
            return
        contract = self.draft.leases[index].get("contract", "")
        if self._refused(self.draft.cancel_lease(index), contract=contract):
            return
        self.begin_editing()
        self.refresh_card()

    # sources ------------------------------------------------------------------------------

    def open_source(self) -> None:
        """The form for a new source, dated today and by whoever is working."""
        from creditfile.tui.card.modals import RecordDialog

        position = len(self.draft.sources)

        def check(source: Mapping[str, Any]) -> Sequence[ProblemLike]:
            doc = copy.deepcopy(self.draft.doc)
            doc["sources"] = [*(doc.get("sources") or []), dict(source)]
            return relative_problems(self.backend.validate(doc), f"sources[{position}]")

        kinds = [(choice_label("sources[].kind", k, self.lang), k) for k in SOURCE_KINDS]
        yes_no = [(_("yes"), "true"), (_("no"), "false")]
        values = {
            "kind": "salesperson_visit",
            "on": self.backend.as_of.isoformat(),
            "by": self.backend.actor,
            "verified": False,
        }
        dialog = RecordDialog(
            _("Add a source"),
            SOURCE_FIELDS,
            values,
            self.lang,
            choices={"kind": kinds, "verified": yes_no},
            check=check,
            dialog_id="source-dialog",
        )
        self.app.push_screen(dialog, self._source_done)

    def _source_done(self, source: dict[str, Any] | None) -> None:
        if source is None:
            return
        self.begin_editing()
        self.draft.add_source(source)
        self.refresh_card()

    # related customers -------------------------------------------------------------------

    def open_related(self) -> None:
        """The form for a customer this one names as related (its id must be on file)."""
        from creditfile.tui.card.modals import RecordDialog

        position = len(self.draft.related)

        def check(relation: Mapping[str, Any]) -> Sequence[ProblemLike]:
            doc = copy.deepcopy(self.draft.doc)
            doc["related"] = [*(doc.get("related") or []), dict(relation)]
            return relative_problems(self.backend.validate(doc), f"related[{position}]")

        kinds = [(choice_label("related[].relation", k, self.lang), k) for k in RELATIONS]
        dialog = RecordDialog(
            _("Add a related customer"),
            RELATED_FIELDS,
            {"relation": "main_contractor"},
            self.lang,
            choices={"relation": kinds},
            check=check,
            dialog_id="related-dialog",
        )
        self.app.push_screen(dialog, self._related_done)

    def _related_done(self, relation: dict[str, Any] | None) -> None:
        if relation is None:
            return
        self.begin_editing()
        self.draft.add_related(relation)
        self.refresh_card()
        table = self.query_one("#related-table", DataTable)
        table.move_cursor(row=len(self.draft.related) - 1)

    def action_remove_related(self) -> None:
        """``x`` on the related tab: stop naming the customer under the cursor (on save). A
        customer naming this one is changed on its own card."""
        index = self._cursor("related-table", len(self.related_shown))
        if self.missing or self._active_section() != "related" or index is None:
            return
        other, named_here, _on_file = self.related_shown[index]
        if not named_here:
            message = _("{id} names this customer: change that on {id}'s card (Enter opens it)")
            self.notify(message.format(id=other), severity="warning")
            return
        self.begin_editing()
        self.draft.remove_related(index)
        self.refresh_card()

    @on(DataTable.RowSelected, "#related-table")
    def _related_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a related customer opens its card (Esc comes back here)."""
        from creditfile.tui.card.screen import CustomerScreen

        if event.cursor_row >= len(self.related_shown):
            return
        other, _named_here, on_file = self.related_shown[event.cursor_row]
        if not on_file:
            self.notify(_("No customer {id} in the archive").format(id=other), severity="error")
            return
        try:
            screen = CustomerScreen(self.backend, other)
        except CreditfileError as exc:  # its record could not be read (a server down)
            self.notify(error_text(exc), severity="error", timeout=10)
            return
        self.app.push_screen(screen)

    def action_verify(self) -> None:
        """``v``: mark the customer form under the cursor as audited (recorded on save)."""
        index = self._cursor("sources-table", len(self.draft.sources))
        if self._active_section() != "sources" or index is None:
            return
        if self._refused(self.draft.verify_source(index)):
            return
        self.begin_editing()
        self.refresh_card()
        self.notify(_("Marked verified; recorded when saved"))
