"""A quiet progress line on stderr for long commands (rich.progress); silent off a terminal."""

from __future__ import annotations

import os
import threading
from types import TracebackType
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID


class Progress:
    """Shows ``⠋ phase… 0:00:12`` on one terminal line once a job has run for ``delay`` seconds.

    Use as a context manager; call ``phase()`` as the job moves on. Nothing is printed when
    ``stream`` is not a terminal, so pipes and logs stay clean; the line is cleared at the end.
    """

    def __init__(self, stream: IO[str], *, delay: float = 1.5, interval: float = 0.25) -> None:
        self._enabled = bool(getattr(stream, "isatty", lambda: False)())
        self._stream = stream
        self._delay = delay
        self._interval = interval
        self._phase = ""
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._task: TaskID | None = None
        self._bar: RichProgress | None = None
        self._finished = False

    def __enter__(self) -> Progress:
        if self._enabled:
            self._timer = threading.Timer(self._delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._bar is not None and self._task is not None:
                self._bar.stop()
            self._finished = True  # a timer that fires late must not start the line again

    def phase(self, text: str) -> None:
        """Name what the job is doing now, e.g. ``grading 100,000 customers``."""
        with self._lock:
            self._phase = text
            if self._bar is not None and self._task is not None and not self._finished:
                self._bar.update(self._task, description=text)

    def _show(self) -> None:
        with self._lock:
            if self._task is not None or self._finished:
                return
            self._bar = self._new_bar()
            self._bar.start()
            self._task = self._bar.add_task(self._phase, total=None)

    def _new_bar(self) -> RichProgress:
        # rich is imported only when the line is shown: off a terminal (and for short jobs)
        # the command never loads it, and neither do the workers it forks.
        from rich.console import Console
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        return RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}…"),
            TimeElapsedColumn(),
            console=Console(
                file=self._stream,
                force_terminal=self._enabled,
                no_color="NO_COLOR" in os.environ,
                highlight=False,
            ),
            transient=True,
            refresh_per_second=1 / max(self._interval, 0.01),
        )
