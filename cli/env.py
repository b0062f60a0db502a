"""What every command needs: the archive, the policy, the as-of date, output streams."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

from creditfile.application.opening import open_archive
from creditfile.application.policy_choice import needs_archive, resolve_policy
from creditfile.cli.table import colour_allowed, fit_line
from creditfile.policy import Policy
from creditfile.presentation.inert import json_text, terminal_text
from creditfile.presentation.translation import _
from creditfile.store import (
    ArchiveStore,
    default_actor,
    default_archive_path,
    is_database_url,
    shown_location,
)


class UsageError(Exception):
    """A command used wrongly (exit 2), e.g. an unparseable --as-of date."""


UiLauncher = Callable[[str, str | None, str | None, str], int]
"""Starts the terminal UI: the archive, the policy file, the language and who is working."""
"""Starts the terminal UI on an archive (a file's path or a database URL, ``--policy``,
language) and returns the exit code."""


@dataclass
class Env:
    """The resolved global options of one command-line run."""

    args: argparse.Namespace
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    open_ui: UiLauncher | None = None
    _archive: ArchiveStore | None = None
    _policy: Policy | None = None

    @property
    def json(self) -> bool:
        """Whether ``--json`` asked for one JSON document on stdout."""
        return bool(getattr(self.args, "json", False))

    @property
    def actor(self) -> str:
        """Who is acting: ``--actor`` or the OS user."""
        return str(getattr(self.args, "actor", None) or default_actor())

    @property
    def as_of(self) -> date:
        """``--as-of`` if given, else today (the only place the clock is read)."""
        return self.date_option("as_of") or date.today()

    def date_option(self, name: str, option: str | None = None) -> date | None:
        """The date given to an option, None if absent.

        Args:
            name: The option's attribute (``as_of``).
            option: How the user wrote it, for messages (default ``--as-of`` from ``as_of``).

        Raises:
            UsageError: the text is not a YYYY-MM-DD date.
        """
        text = getattr(self.args, name, None)
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            option = option or "--" + name.replace("_", "-")
            raise UsageError(
                _("{option} {text!r} is not a date; write it as YYYY-MM-DD").format(
                    option=option, text=text
                )
            ) from None

    @property
    def db_location(self) -> str:
        """``--db``, else ``$CREDITFILE_DB``, else the user's data directory: an archive file's
        path or a ``postgresql://`` URL, as given."""
        given = getattr(self.args, "db", None)
        if given:
            return str(given)
        from_env = os.environ.get("CREDITFILE_DB", "")
        return from_env if is_database_url(from_env) else str(default_archive_path())

    @property
    def in_database(self) -> bool:
        """Whether the archive is in a PostgreSQL database rather than a file."""
        return is_database_url(self.db_location)

    @property
    def db_shown(self) -> str:
        """The archive as messages name it: the file's path, or the database URL (never
        with a password)."""
        location = self.db_location
        return shown_location(location) if is_database_url(location) else str(Path(location))

    @property
    def db_path(self) -> Path:
        """The archive file (``db_location`` as a path; of a database URL, only for messages)."""
        return Path(self.db_location)

    def archive(self, *, create: bool = False, read: bool = True) -> ArchiveStore:
        """The archive at ``db_path``, opened once (``read=False``: its records are parsed
        on first use, see ``store.Archive.open``)."""
        if self._archive is None:
            self._archive = open_archive(
                self.db_location, create=create, on_wait=self._waiting, read=read
            )
        return self._archive

    def _waiting(self, holder: int | None) -> None:
        if holder:
            text = _(
                "creditfile: waiting for the archive lock held by process {pid} "
                "(a save or a regrade in progress)…"
            ).format(pid=holder)
        else:
            text = _("creditfile: waiting for the archive lock (a save or a regrade in progress)…")
        self.warn(text)

    def has_archive(self) -> bool:
        """Whether an archive file exists at ``db_path`` (a database is asked when opened)."""
        return self.in_database or self.db_path.exists()

    def policy(self) -> Policy:
        """``--policy``, else ``$CREDITFILE_POLICY``, else the archive's active policy, else
        the shipped default."""
        if self._policy is None:
            self._policy = self._resolve_policy()
        return self._policy

    def _resolve_policy(self) -> Policy:
        option = getattr(self.args, "policy", None)
        active = None
        if needs_archive(option) and self.has_archive():
            active = self.archive().active_policy()
        return resolve_policy(active, self.db_path, option, check_file=False).policy

    def emit_json(self, value: Any, *, streamed: tuple[str, Iterable[Any]] | None = None) -> None:
        """Write one JSON document to stdout (control, bidirectional and invisible characters
        as ``\\uXXXX``: the same JSON, harmless on a terminal).

        Args:
            value: The document.
            streamed: A key of ``value`` (an object) and the items of the list it holds,
                written a few at a time as they are read, never all held at once (a
                regrade's million grade changes); the text is the same as for the whole list.
        """
        if streamed is None:
            self.stdout.write(json_text(_json(value)))
            self.stdout.write("\n")
            return
        key, items = streamed
        head, tail = _json({**value, key: _PLACE}).split(f'"{_PLACE}"', 1)
        self.stdout.write(json_text(head))
        opened = False
        for chunk in _chunks(items, 1_000):
            # A chunk encoded as one list (one encoder per chunk: each leaves a reference cycle
            # behind, which the command line's paused collector would keep), its brackets
            # dropped and its items moved in a level: a top-level key's list sits two deep.
            text = _json(chunk)[1:-2].replace("\n", "\n  ")
            self.stdout.write(json_text(("," if opened else "[") + text))
            opened = True
        self.stdout.write(json_text("\n  ]" if opened else "[]") + json_text(tail) + "\n")

    def say(self, text: str = "") -> None:
        """Write a line of human-readable output (wrapped to the terminal's width, if any).

        Control, bidirectional and invisible characters are shown escaped (``\\x1b``); only the
        bold and colour codes of our own tables pass, and only to a colour terminal.
        """
        self.stdout.write(fit_line(terminal_text(text, lines=True, styled=colour_allowed())))
        self.stdout.write("\n")

    def warn(self, text: str) -> None:
        """Write a line to stderr, escaped as :meth:`say` does."""
        self.stderr.write(terminal_text(text, lines=True) + "\n")

    def data_stream(self) -> IO[str]:
        """Stdout for data (an export, a CSV): as it is into a pipe or a file, escaped as
        :meth:`say` does when it is a terminal."""
        if bool(getattr(self.stdout, "isatty", lambda: False)()):
            return cast(IO[str], TerminalStream(self.stdout))
        return self.stdout


class TerminalStream(io.TextIOBase):
    """A text stream writing to a terminal with every unsafe character shown escaped."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` escaped; returns the length of ``text`` as given."""
        self._stream.write(terminal_text(text.replace("\r\n", "\n"), lines=True))
        return len(text)

    def flush(self) -> None:
        """Flush the terminal's stream."""
        self._stream.flush()


_PLACE = "\ue000creditfile-streamed\ue000"
"""Stands for a streamed list while the rest of a JSON document is encoded (a private-use
character, which no document of ours holds)."""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
