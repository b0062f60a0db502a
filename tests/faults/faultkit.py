"""What the fault tests share: running the CLI in-process or as a process, small archives."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import make_archive  # noqa: E402

TRACEBACK = "Traceback (most recent call last)"
# The default run fuzzes lightly; scripts/bench_faults.py sets a larger scale (thousands of cases).
FUZZ_SCALE = int(os.environ.get("CREDITFILE_FUZZ_SCALE", "1"))


def examples(count: int) -> int:
    """How many hypothesis examples to run: ``count`` times the fuzzing scale."""
    return count * FUZZ_SCALE


AS_OF = "2026-11-29"


@dataclass(frozen=True)
class Outcome:
    """How one command ended."""

    code: int
    out: str
    err: str


def cli(argv: Sequence[str]) -> Outcome:
    """Run ``creditfile`` in this process, capturing its output.

    An exception escaping ``main`` propagates: that is the traceback a user would have seen.
    """
    from creditfile.cli.program import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return Outcome(code, out.getvalue(), err.getvalue())


def env_for(db: Path | None = None) -> dict[str, str]:
    """A clean environment for a child process: no inherited archive or policy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITFILE_")}
    env["PYTHONPATH"] = str(ROOT)
    if db is not None:
        env["CREDITFILE_DB"] = str(db)
    return env


def cli_process(
    argv: Sequence[str], *, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m creditfile`` as a process."""
    return subprocess.run(
        [sys.executable, "-m", "creditfile", *argv],
        cwd=ROOT,
        env=env or env_for(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    """Start ``python -c code args…`` with the project importable."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env_for(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def customers(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Generated customers (scripts/make_archive.py)."""
    return list(make_archive.customers(count, seed))


def make_archive_file(path: Path, count: int, seed: int = 7) -> Path:
    """A store archive holding ``count`` generated customers."""
    from creditfile.store import Archive

    Archive.open(path, create=True).import_customers(customers(count, seed), actor="test")
    return path


def snapshot(path: Path) -> bytes:
    """The archive file's bytes."""
    return path.read_bytes()


def located(line: str, file: str) -> re.Match[str] | None:
    """Whether a message line starts ``FILE:LINE``."""
    return re.match(re.escape(file) + r":\d+(:\d+)?: ", line)


@contextlib.contextmanager
def working_in(folder: Path, archive: Path) -> Iterator[None]:
    """Run in-process commands from ``folder`` on ``archive`` (``$CREDITFILE_DB``, no
    ``$CREDITFILE_POLICY``); the working directory and the environment are put back after."""
    saved_cwd, saved_env = Path.cwd(), dict(os.environ)
    os.chdir(folder)
    os.environ["CREDITFILE_DB"] = str(archive)
    os.environ.pop("CREDITFILE_POLICY", None)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


@contextlib.contextmanager
def no_traceback(outcome: Outcome) -> Iterator[Outcome]:
    """Assert that neither stream shows a traceback."""
    assert TRACEBACK not in outcome.out + outcome.err, outcome.err[-2000:]
    yield outcome
