"""The staff terminal UI (Textual): customer list, card, regrade, portfolio and policy screens."""
