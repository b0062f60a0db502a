"""Helpers shared by the command-line tests."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., subprocess.CompletedProcess[str]]

CJK = re.compile(r"[\u3400-\u9fff]")
"""A Chinese character: none may be left in a message worded in English."""
# English words of four letters or more, as a sentence of the other language would show them.
ENGLISH = re.compile(r"\b(?!json\b|jsonl\b|yaml\b|history\b|lock\b)[a-z]{4,}\b")


def no_traceback(result: subprocess.CompletedProcess[str]) -> bool:
    """Whether the process showed the user no Python traceback."""
    return "Traceback" not in result.stderr and "Traceback" not in result.stdout


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """What a command that refused (exit 1, no traceback) said on stderr."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert no_traceback(result), result.stderr
    return result.stderr.strip()


def no_english(text: str, *named: str) -> None:
    """No English word left in ``text`` once the named paths and commands are taken out (and
    any path, file name or key it quotes: ``policy/default.yaml``, ``policy_version``)."""
    for name in named:
        text = text.replace(name, "")
    text = re.sub(r"`[^`]*`|--[a-z-]+|creditfile", "", text)
    text = re.sub(r"[\w.-]*[/_][\w./-]*|[\w-]+\.(?:yaml|json|jsonl|csv|xlsx|txt)\b", "", text)
    assert not ENGLISH.search(text.lower()), text


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
