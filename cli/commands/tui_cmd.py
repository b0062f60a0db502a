"""``creditfile tui``: open the terminal UI on the archive."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from creditfile.cli.env import Env
from creditfile.presentation.translation import _


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``tui`` command."""
    parser = sub.add_parser("tui", parents=[parent], help=_("open the terminal UI (the default)"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Start the terminal UI through the launcher the program was given (``Env.open_ui``)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        env.warn(
            _(
                "creditfile: the terminal UI needs an interactive terminal; use the other "
                "commands (creditfile --help) in scripts"
            )
        )
        return 2
    if not env.has_archive():
        env.warn(
            _(
                "creditfile: no archive at {path}; create one with `creditfile demo` "
                "or `creditfile import FILE`, or point --db at one"
            ).format(path=env.db_shown)
        )
        return 1
    if env.open_ui is None:
        env.warn(
            _(
                "creditfile: this program was started without the terminal UI; run the "
                "`creditfile` program (or `python -m creditfile`) to open it"
            )
        )
        return 2
    # Who is working (``--actor`` or the OS user) signs every save and event the UI records.
    return env.open_ui(
        env.db_location, getattr(args, "policy", None), getattr(args, "lang", None), env.actor
    )
