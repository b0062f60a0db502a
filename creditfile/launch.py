"""The ``creditfile`` program: the command line, with the terminal UI plugged in.

The two front ends never import each other. This module, above both, hands the command line
the function that starts the UI, so ``creditfile tui`` (and ``creditfile`` alone) opens it while
every other command runs without importing Textual.
"""

from __future__ import annotations

import os
import signal
from types import FrameType
from typing import NoReturn


def open_ui(location: str, policy_path: str | None, lang: str | None, actor: str) -> int:
    """Run the terminal UI on the archive at ``location`` (a file, or a ``postgresql://``
    URL) as ``actor`` until the user quits."""
    from creditfile.tui.app import create_app

    create_app(location, policy_path, lang, actor=actor).run()
    return 0


def _interrupted_while_loading(_signum: int, _frame: FrameType | None) -> None:
    os._exit(130)


# The command line gives Ctrl+C back to Python (KeyboardInterrupt) when a command starts.
_interrupted_while_loading.while_loading = True  # type: ignore[attr-defined]


def entry() -> NoReturn:
    """The console script: the command line, able to open the terminal UI.

    Ctrl+C while the program is still loading (half a second of imports and reading the
    arguments) ends it quietly, as the shell ends any other program, instead of with a
    traceback of the import it stopped: nothing has been read or written yet.
    """
    signal.signal(signal.SIGINT, _interrupted_while_loading)
    from creditfile.cli.program import entry as run_command_line

    run_command_line(open_ui=open_ui)
