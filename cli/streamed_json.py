"""A JSON document with long lists anywhere in it (a policy preview's hundreds of thousands of
changed customers, two levels down), each written as it is read: the text is, to the character,
``Env.emit_json``'s of the whole document (what a script parses must not depend on the way)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from creditfile.presentation.inert import json_text

_PLACE = "\ue000creditfile-streamed-{n}\ue000"
"""Stands for a streamed list while the rest of the document is encoded (a private-use
character, which no document of ours holds)."""

CHUNK = 1_000
"""Items encoded at once."""


class Streamed:
    """A list of a document given by its items, read once, when the document is written."""

    def __init__(self, items: Iterable[Any]) -> None:
        """The list of ``items``."""
        self.items = items


def write_json(stream: IO[str], value: Any) -> None:
    """Write ``value`` to ``stream`` as ``Env.emit_json`` does (indented, control and invisible
    characters as ``\\uXXXX``, a line end after), every ``Streamed`` in it as the list of its
    items, ``CHUNK`` of them encoded at a time."""
    lists: list[Iterable[Any]] = []

    def marked(part: Any) -> Any:
        if isinstance(part, Streamed):
            lists.append(part.items)
            return _PLACE.format(n=len(lists) - 1)
        if isinstance(part, dict):
            return {key: marked(item) for key, item in part.items()}
        if isinstance(part, list):
            return [marked(item) for item in part]
        return part

    rest = _json(marked(value))
    for n, items in enumerate(lists):
        head, rest = rest.split(json.dumps(_PLACE.format(n=n), ensure_ascii=False), 1)
        stream.write(json_text(head))
        line = head[head.rfind("\n") + 1 :]
        _write_list(stream, items, " " * (len(line) - len(line.lstrip(" "))))
    stream.write(json_text(rest) + "\n")


def _write_list(stream: IO[str], items: Iterable[Any], indent: str) -> None:
    """The list's text where its key (on a line indented ``indent``) leaves it."""
    opened = False
    for chunk in _chunks(items, CHUNK):
        # A chunk encoded as one list (one encoder per chunk: each leaves a reference cycle
        # behind, which the command line's paused collector would keep), its brackets dropped
        # and its items moved in to the list's place.
        text = _json(chunk)[1:-2].replace("\n", "\n" + indent)
        stream.write(json_text(("," if opened else "[") + text))
        opened = True
    stream.write(json_text(f"\n{indent}]" if opened else "[]"))


def _json(value: Any) -> str:
    # As Env.emit_json encodes (tests/cli/test_json_streamed.py holds the two to the same text).
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
