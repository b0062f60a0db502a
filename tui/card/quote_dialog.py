"""The card's quote dialog: item, list price, quantity and months in; the terms of the
customer's grade, the amount and the credit headroom out, live; recorded on request."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from creditfile.document import field_catalogue
from creditfile.document.values import format_amount
from creditfile.engine.quotes import Quote
from creditfile.policy import CreditfileError
from creditfile.presentation.quote_words import limit_words, sentence
from creditfile.presentation.translation import N_, _, error_text, language
from creditfile.tui.card.backend import CardBackend
from creditfile.tui.card.form import labelled_choices
from creditfile.tui.card.modals import DIALOG_CSS
from creditfile.tui.key_order import after_typed_keys
from creditfile.tui.keys import translated
from creditfile.tui.widgets.footer import KeyBar

QUOTE_CSS = (
    DIALOG_CSS.format(name="QuoteDialog")
    + """
QuoteDialog > Vertical { padding: 0 1; max-height: 100%; }
QuoteDialog .dialog-title { margin: 0; }
QuoteDialog .quote-row { height: 1; margin: 1 0 0 0; }
QuoteDialog .quote-row Label { width: 20; }
QuoteDialog .quote-row Input, QuoteDialog .quote-row Select { width: 1fr; }
QuoteDialog #quote-result { height: auto; margin: 1 0; }
QuoteDialog #quote-result.-over { color: $error; }
QuoteDialog .dialog-buttons { height: 1; }
"""
)


# The dialog's own fields (the leased item is the field catalogue's).
QUOTE_FIELDS = {
    "list_price": N_("Price/unit/month"),
    "quantity": N_("Quantity"),
    "months": N_("Months"),
}


class QuoteDialog(ModalScreen[Quote | None]):
    """Price a lease for one customer; ctrl+s records it, Esc leaves without recording.

    Args:
        backend: The card's backend (prices and records the quote).
        customer_id: The customer quoted.
        name: Its name, for the title.
    """

    DEFAULT_CSS = QUOTE_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", N_("Record quote"), priority=True, id="card.quote.record"),
        Binding("escape", "cancel", N_("Cancel"), id="card.quote.cancel"),
    ]

    def __init__(self, backend: CardBackend, customer_id: str, name: str) -> None:
        super().__init__(id="quote-dialog")
        self._backend = backend
        self._customer_id = customer_id
        self._name = name
        self._recording = False
        self._bindings = translated(self._bindings)

    @property
    def lang(self) -> str:
        """The card's language."""
        return self._backend.lang

    def compose(self) -> ComposeResult:
        """The four inputs, the live result, the over-limit box and the buttons."""
        shown = self._backend.policy.in_language(self.lang)
        items = labelled_choices(shown.item_categories)
        with Vertical():
            yield Label(
                _("Quote · {id} {name}").format(id=self._customer_id, name=self._name),
                classes="dialog-title",
            )
            with Horizontal(classes="quote-row"):
                yield Label(field_catalogue()["leases[].item"].label.text(language()))
                yield Select(items, id="quote-item", allow_blank=False, compact=True)
            for key, default in (("list_price", ""), ("quantity", "1"), ("months", "1")):
                with Horizontal(classes="quote-row"):
                    yield Label(_(QUOTE_FIELDS[key]))
                    yield Input(default, id=f"quote-{key.replace('_', '-')}", compact=True)
            yield Static(_("Enter the list price to see the quote"), id="quote-result")
            yield Checkbox(_("Record even over the credit limit"), id="quote-allow", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Record quote"), id="quote-ok", variant="primary", compact=True)
                yield Button(_("Cancel"), id="quote-cancel", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        """Start at the list price: the item is chosen already."""
        self.query_one("#quote-list-price", Input).focus()

    def _asked(self) -> tuple[str, str, int, int]:
        item = self.query_one("#quote-item", Select).value
        price = self.query_one("#quote-list-price", Input).value
        return str(item), price, _whole(self, "#quote-quantity"), _whole(self, "#quote-months")

    def _price(self) -> Quote | str:
        """The quote as asked now, or what is wrong with the request."""
        item, price, quantity, months = self._asked()
        if not price.strip():
            return _("Enter the list price to see the quote")
        try:
            return self._backend.price_quote(self._customer_id, item, price, quantity, months)
        except CreditfileError as exc:
            return error_text(exc)

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._show(self._price())

    def _show(self, quote: Quote | str) -> None:
        result = self.query_one("#quote-result", Static)
        if isinstance(quote, str):
            result.update(quote)
            result.remove_class("-over")
            return
        result.update("\n".join(quote_lines(quote, self.lang, self._backend)))
        result.set_class(quote.over_limit, "-over")

    @on(Button.Pressed, "#quote-ok")
    @after_typed_keys
    def action_submit(self) -> None:
        """Record the quote; over the limit only with the box ticked."""
        quote = self._price()
        if isinstance(quote, str):
            self.notify(quote, severity="warning")
            return
        allowed = self.query_one("#quote-allow", Checkbox).value
        if quote.over_limit and not allowed:
            refused = _(
                "{why}. Tick 'Record even over the credit limit' to record it anyway, or quote less"
            ).format(why=sentence(limit_words(quote)))
            self.notify(refused, severity="error")
            self.query_one("#quote-allow", Checkbox).focus()
            return
        if not self._recording:
            self._recording = True
            self._record(*self._asked(), allowed)

    @work(thread=True, exclusive=True, group="card-quote")
    def _record(self, item: str, price: str, quantity: int, months: int, allowed: bool) -> None:
        try:
            quote = self._backend.issue_quote(
                self._customer_id, item, price, quantity, months, allow_over_limit=allowed
            )
        except CreditfileError as exc:
            self.app.call_from_thread(self._refused, error_text(exc))
            return
        self.app.call_from_thread(self.dismiss, quote)

    def _refused(self, message: str) -> None:
        self._recording = False
        self.notify(message, severity="error", timeout=8)

    @on(Button.Pressed, "#quote-cancel")
    def action_cancel(self) -> None:
        """Leave without recording anything."""
        self.dismiss(None)


def _whole(dialog: QuoteDialog, selector: str) -> int:
    """A whole number typed in an input; 0 (refused with its reason) when it is not one."""
    text = dialog.query_one(selector, Input).value.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0


def quote_lines(quote: Quote, lang: str, backend: CardBackend) -> list[str]:
    """The quote as the dialog shows it, one fact a line."""
    policy = backend.policy.in_language(lang)
    if quote.grade is None:
        grade = _("Ungraded: grade {grade}'s terms apply").format(grade=quote.terms_grade)
    else:
        label = policy.grade_named(quote.grade).label
        grade = _("Grade {grade}{label}").format(grade=quote.grade, label=f" {label}")
    headroom = _("Credit limit {limit} − outstanding {owed} = headroom {headroom}").format(
        limit=format_amount(quote.credit_limit),
        owed=format_amount(quote.outstanding),
        headroom=format_amount(quote.headroom),
    )
    limit = sentence(limit_words(quote))
    discount = _("Discount {pct}% = {amount}").format(
        pct=f"{quote.discount_pct:g}", amount=format_amount(quote.discount)
    )
    deposit = _("Deposit {pct}% = {amount}").format(
        pct=f"{quote.deposit_pct:g}", amount=format_amount(quote.deposit)
    )
    payment = _("Payment {method}, {days} days").format(
        method=policy.payment_method_label(quote.payment_method), days=quote.payment_cycle_days
    )
    return [
        f"{grade} · {payment}",
        f"{_('List amount {amount}').format(amount=format_amount(quote.list_amount))} · {discount}",
        f"{_('Amount {amount}').format(amount=format_amount(quote.amount))} · {deposit}",
        headroom,
        limit,
    ]
