"""The ``creditfile`` command line: parse, call the application layer, present."""

from creditfile.cli.program import entry, main

__all__ = ["entry", "main"]
