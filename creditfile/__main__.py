"""``python -m creditfile`` runs the command line."""

from creditfile.launch import entry

entry()
