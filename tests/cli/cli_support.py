"""Helpers shared by the command-line tests."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., subprocess.CompletedProcess[str]]


def no_traceback(result: subprocess.CompletedProcess[str]) -> bool:
    """Whether the process showed the user no Python traceback."""
    return "Traceback" not in result.stderr and "Traceback" not in result.stdout


def under_terminal(args: list[str], columns: int, db: Path, cwd: Path | None = None) -> str:
    """Run the program with its output on a pseudo-terminal ``columns`` wide (in ``cwd``, if
    given); what it showed."""
    main, child = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "40", "CREDITFILE_DB": str(db),
           "PYTHONPATH": str(Path(__file__).parents[2]), "TERM": "xterm-256color"}  # fmt: skip
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "creditfile", *args],
        stdout=child,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(main)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
