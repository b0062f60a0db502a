"""Widgets of the terminal UI: the virtual customer list and its column header."""

from creditfile.tui.widgets.customer_table import CustomerTable, TableHeader

__all__ = ["CustomerTable", "TableHeader"]
