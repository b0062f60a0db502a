"""``python -m creditfile`` runs the command line."""

from creditfile.cli.program import entry

entry()
