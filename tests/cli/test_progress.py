"""Long commands show a progress line on a terminal and stay quiet in pipes."""

from __future__ import annotations

import io
import time

from creditfile.cli.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_after_the_delay() -> None:
    stream = _Terminal()
    with Progress(stream, delay=0.05, interval=0.02) as progress:
        progress.phase("grading 100,000 customers")
        time.sleep(0.2)
    assert "grading 100,000 customers…" in stream.getvalue()
    assert stream.getvalue().endswith("\033[2K")  # the line is erased at the end


def test_progress_is_silent_in_a_pipe() -> None:
    stream = io.StringIO()
    with Progress(stream, delay=0.0, interval=0.01) as progress:
        progress.phase("grading")
        time.sleep(0.05)
    assert stream.getvalue() == ""
