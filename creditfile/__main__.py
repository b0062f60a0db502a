"""``python -m creditfile`` runs the command line."""

from creditfile.cli import entry

entry()
