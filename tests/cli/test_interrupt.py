"""Ctrl+C ends the program quietly, whenever it comes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_ctrl_c_while_the_program_loads_ends_it_without_a_traceback(tmp_path: Path) -> None:
    # -X importtime reports each module as it is imported, so the signal is sent once the
    # program's own modules are loading: the half second a user's early Ctrl+C lands in.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CREDITFILE_DB": str(tmp_path / "a.json")}
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "creditfile", "regrade", "--dry-run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "creditfile.policy" in line:
            process.send_signal(signal.SIGINT)
            break
    out, rest = process.communicate(timeout=60)
    shown = out + "".join(
        line for line in rest.splitlines(keepends=True) if "import time" not in line
    )
    assert process.returncode == 130
    assert "Traceback" not in shown and "KeyboardInterrupt" not in shown
