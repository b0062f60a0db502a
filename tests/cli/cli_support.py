"""Helpers shared by the command-line tests."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

Run = Callable[..., subprocess.CompletedProcess[str]]


def no_traceback(result: subprocess.CompletedProcess[str]) -> bool:
    """Whether the process showed the user no Python traceback."""
    return "Traceback" not in result.stderr and "Traceback" not in result.stdout
