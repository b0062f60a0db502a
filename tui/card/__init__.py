"""The customer card: one screen per customer with its sections, editing and assessment."""

from creditfile.tui.card.screen import CustomerScreen, new_customer_screen

__all__ = ["CustomerScreen", "new_customer_screen"]
