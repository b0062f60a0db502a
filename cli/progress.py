"""A quiet progress line on stderr for long commands; silent when stderr is not a terminal."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import IO


class Progress:
    """Shows ``phase… 12s`` on one terminal line once a job has run for ``delay`` seconds.

    Use as a context manager; call ``phase()`` as the job moves on. Nothing is printed when
    ``stream`` is not a terminal, so pipes and logs stay clean.
    """

    def __init__(self, stream: IO[str], *, delay: float = 1.5, interval: float = 0.25) -> None:
        self._stream = stream
        self._enabled = bool(getattr(stream, "isatty", lambda: False)())
        self._delay = delay
        self._interval = interval
        self._phase = ""
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown = False

    def __enter__(self) -> Progress:
        if self._enabled:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()

    def phase(self, text: str) -> None:
        """Name what the job is doing now, e.g. ``grading 100,000 customers``."""
        self._phase = text

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            elapsed = time.monotonic() - self._started
            if elapsed < self._delay:
                continue
            self._shown = True
            self._stream.write(f"\r\033[K{self._phase}… {elapsed:.0f}s")
            self._stream.flush()
