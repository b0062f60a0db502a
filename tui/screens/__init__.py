"""Screens of the terminal UI: the customer list, regrade, portfolio, policy and help."""
