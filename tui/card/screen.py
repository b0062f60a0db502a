"""The customer card screen and the new-customer screen, with their key bindings."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Input, Select, TabbedContent

from creditfile.engine.quotes import Quote
from creditfile.presentation.translation import N_, _
from creditfile.tui.card.backend import CardBackend
from creditfile.tui.card.row_actions import RecordActions
from creditfile.tui.card.saving import SaveActions
from creditfile.tui.keys import described

# (key, action, text key of the description, binding id, shown in the footer, priority)
CARD_KEYS: tuple[tuple[str, str, str, str, bool, bool], ...] = (
    ("e", "edit", N_("Edit"), "card.edit", True, False),
    ("ctrl+s", "save", N_("Save"), "card.save", True, True),
    ("escape", "back", N_("Back"), "card.back", True, False),
    # ] and [ are typed into a field that has the focus; Ctrl+PgDn and Ctrl+PgUp turn the tab
    # from anywhere (first: a form would scroll sideways with them), so the key bar names ] or
    # Ctrl+PgDn, whichever works at the moment.
    ("right_square_bracket", "next_tab", N_("Next tab"), "card.next_tab", True, False),
    ("ctrl+pagedown", "next_tab", N_("Next tab"), "card.next_tab_anywhere", True, True),
    ("left_square_bracket", "prev_tab", N_("Previous tab"), "card.prev_tab", False, False),
    ("ctrl+pageup", "prev_tab", N_("Previous tab"), "card.prev_tab_anywhere", False, True),
    ("p", "reveal", N_("Personal data"), "card.reveal", True, False),
    ("a", "add", N_("Add"), "card.add", True, False),
    ("c", "close_lease", N_("Close lease"), "card.lease_close", True, False),
    ("x", "cancel_lease", N_("Cancel lease"), "card.lease_cancel", True, False),
    ("x", "remove_related", N_("Remove relation"), "card.related_remove", True, False),
    ("v", "verify", N_("Verify"), "card.verify_source", True, False),
    ("q", "quote", N_("Quote"), "card.quote", True, False),
    ("d", "audit", N_("Audit form"), "card.audit_form", True, False),
    ("n", "demand", N_("Demand request"), "card.demand", False, False),
)

# Actions that only mean something on one tab; elsewhere they are hidden from the footer.
TAB_ACTIONS = {
    "add": ("leases", "sources", "related"),
    "close_lease": ("leases",),
    "cancel_lease": ("leases",),
    "verify": ("sources",),
    "remove_related": ("related",),
}

# Keys that are also text: while a field has the focus they are typed, never acted on. (The
# tab keys are not among them: a field takes ] and [ as text by itself, and leaves Ctrl+PgDn
# and Ctrl+PgUp to the card.)
LETTER_ACTIONS = frozenset(
    {
        "edit",
        "reveal",
        "add",
        "close_lease",
        "cancel_lease",
        "remove_related",
        "verify",
        "quote",
        "audit",
        "demand",
    }
)


def card_bindings(lang: str) -> list[BindingType]:
    """The card's key bindings, described in ``lang``; each has an id for remapping."""
    return [
        Binding(key, action, _(text), show=show, priority=priority, id=bid)
        for key, action, text, bid, show, priority in CARD_KEYS
    ]


class CustomerScreen(SaveActions, RecordActions):
    """One customer's archive: basic data, characteristics, business, trading, personal data
    (hidden until asked for), leases, assessment with the score breakdown, sources, history.

    Args:
        service: The UI's service (``tui.service.ArchiveService``), or any ``CardBackend``.
        customer_id: The customer to show; None creates a new one.
    """

    CSS_PATH = str(Path(__file__).with_name("card.tcss"))
    BINDINGS: ClassVar[list[BindingType]] = card_bindings("en")

    def __init__(self, service: CardBackend, customer_id: str | None) -> None:
        super().__init__(service, customer_id)
        # Descriptions in the interface language; the ids stay, so keymaps still apply.
        own = {bid: _(text) for _k, _a, text, bid, _s, _p in CARD_KEYS}
        self._bindings = described(self._bindings, self.lang, own)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide tab-specific actions on other tabs, and editing actions on a missing card;
        while a field has the focus, letters are the field's, not the card's."""
        if self.missing and action in ("edit", "save", "reveal", "quote", "audit", "demand",
                                       *TAB_ACTIONS):  # fmt: skip
            return False
        if action in ("quote", "audit", "demand") and self.draft.is_new:
            return False
        if action == "edit" and self.editing:
            return False  # editing already: the key bar must not offer it
        if action == "audit" and not self.draft.declared_values():
            return False
        if action in LETTER_ACTIONS and isinstance(self.focused, Input | Select):
            return False
        tabs = TAB_ACTIONS.get(action)
        if tabs is None or not self.is_mounted:
            return True
        return str(self.query_one(TabbedContent).active).removeprefix("tab-") in tabs

    def action_quote(self) -> None:
        """``q``: price a lease for this customer under its grade's terms; record it."""
        from creditfile.tui.card.quote_dialog import QuoteDialog

        if self.missing or self.draft.is_new:
            return
        cid = self.draft.customer_id
        name = str(self.draft.doc.get("name") or "")
        self.app.push_screen(QuoteDialog(self.backend, cid, name), self._quoted)

    def _quoted(self, quote: Quote | None) -> None:
        if quote is None:
            return
        self.notify(_("Quote recorded in {id}'s history").format(id=self.draft.customer_id))
        self.history_changed()

    def action_audit(self) -> None:
        """``d``: audit the values the customer declared on its forms, one by one."""
        from creditfile.tui.card.audit_dialog import AuditDialog

        if self.missing or self.draft.is_new:
            return
        if self.draft.dirty:
            self.notify(
                _("Save or undo your changes first: each audit decision is saved at once"),
                severity="warning",
            )
            return
        cid = self.draft.customer_id
        name = str(self.draft.doc.get("name") or "")
        self.app.push_screen(AuditDialog(self.backend, cid, name), self._audited)

    def _audited(self, decided: bool | None) -> None:
        if not decided:
            return
        record = self.backend.record(self.draft.customer_id)
        if record is not None:
            self.draft.reset(record)
            self.editing = False
            self.refresh_card(values=True)
        self.refresh_bindings()
        self.history_changed()
        self.load_tops()

    def action_demand(self) -> None:
        """``n``: keep a demand request of this customer for priority supply."""
        from creditfile.tui.card.demand_dialog import DemandDialog

        if self.missing or self.draft.is_new:
            return
        cid = self.draft.customer_id
        name = str(self.draft.doc.get("name") or "")
        self.app.push_screen(DemandDialog(self.backend, cid, name), self._demanded)

    def _demanded(self, kept: dict[str, object] | None) -> None:
        if kept is None:
            return
        self.notify(
            _("Demand request {demand} kept for {id}").format(
                demand=kept.get("id", ""), id=self.draft.customer_id
            )
        )
        self.history_changed()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        self.tab_shown(str(event.pane.id).removeprefix("tab-"))


def new_customer_screen(service: CardBackend) -> CustomerScreen:
    """A card for creating a customer: editing from the start, with a proposed unused id.

    Args:
        service: The UI's service (``tui.service.ArchiveService``), or any ``CardBackend``.

    Returns:
        The screen to push.
    """
    return CustomerScreen(service, None)
