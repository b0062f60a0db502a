"""Run one command as a child process and measure it: wall time, peak RSS, summed PSS of its tree.

Wall time runs from just before the child is spawned to its exit. Peak RSS comes from
``os.wait4`` (the kernel's ``ru_maxrss`` for that child and the descendants it waited for: the
largest single process, not a sum). Because a command may fork workers, a sampler also adds up
the proportional set size (PSS: shared pages split between sharers) of the whole process tree
every 0.1 s and keeps the largest sum seen.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_EVERY = 0.1


@dataclass(frozen=True)
class Measured:
    """What one run of a command cost."""

    argv: tuple[str, ...]
    wall: float
    max_rss_mb: float
    tree_pss_mb: float | None
    code: int
    stdout: str
    stderr: str

    def check(self) -> Measured:
        """Return self, or raise with the command's own error output when it failed."""
        if self.code != 0:
            raise RuntimeError(f"{' '.join(self.argv)} exited {self.code}:\n{self.stderr[-3000:]}")
        return self


def _children(pid: int) -> list[int]:
    found: list[int] = []
    tasks = Path(f"/proc/{pid}/task")
    try:
        for task in tasks.iterdir():
            text = (task / "children").read_text()
            found.extend(int(p) for p in text.split())
    except OSError:
        pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def tree_pss_kb(root: int) -> int:
    """The summed PSS of ``root`` and all its descendants, in KiB."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo.extend(_children(pid))
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_EVERY):
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.pid))


def measure(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 1800.0,
    sample: bool = True,
) -> Measured:
    """Run ``argv`` to completion and measure it.

    Args:
        argv: the command.
        cwd: its working directory.
        env: its environment (default: ours).
        timeout: kill it (SIGKILL) after this many seconds.
        sample: whether to sample the tree's summed PSS.

    Returns:
        The measurement; ``code`` is the exit code, or ``-signal`` when it was killed.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=out, stderr=err)
        sampler = _Sampler(child.pid) if sample else None
        if sampler:
            sampler.start()
        watchdog = threading.Timer(timeout, os.kill, (child.pid, signal.SIGKILL))
        watchdog.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        watchdog.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if sampler:
            sampler.stop.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        return Measured(
            tuple(argv),
            wall,
            usage.ru_maxrss / 1024,
            sampler.peak_kb / 1024 if sampler and sampler.peak_kb else None,
            child.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )
