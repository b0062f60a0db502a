"""A quote against the credit limit in words, once for the command line and the card's quote
dialog: used up already, over it by how much, or within it."""

from __future__ import annotations

from creditfile.document.values import format_amount
from creditfile.engine.quotes import Quote
from creditfile.presentation.translation import _


def limit_words(quote: Quote) -> str:
    """Where the quote stands against the customer's credit headroom (lower case: a clause)."""
    if quote.limit_used_up:
        return _("the credit limit is used up already: nothing can be quoted on credit")
    if quote.over_limit:
        return _("over the credit limit by {excess}").format(excess=format_amount(quote.excess))
    return _("within the credit limit")


def sentence(clause: str) -> str:
    """A clause as a sentence of its own: its first letter upper case (Chinese unchanged)."""
    return clause[:1].upper() + clause[1:]
