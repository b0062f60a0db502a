"""The ``creditfile`` program: the command line, with the terminal UI plugged in.

The two front ends never import each other. This module, above both, hands the command line
the function that starts the UI, so ``creditfile tui`` (and ``creditfile`` alone) opens it while
every other command runs without importing Textual.
"""

from __future__ import annotations

import os
from typing import NoReturn


def open_ui(location: str, policy_path: str | None, lang: str | None) -> int:
    """Run the terminal UI on the archive at ``location`` (a file, or a ``postgresql://``
    URL) until the user quits."""
    from creditfile.tui.app import create_app

    create_app(location, policy_path, lang).run()
    return 0


def entry() -> NoReturn:
    """The console script: the command line, able to open the terminal UI.

    Ctrl+C while the program is still loading (half a second of imports) ends it quietly, as
    the shell ends any other program, instead of with a traceback of the import it stopped:
    nothing has been read or written yet.
    """
    try:
        from creditfile.cli.program import entry as run_command_line
    except KeyboardInterrupt:
        os._exit(130)
    run_command_line(open_ui=open_ui)
