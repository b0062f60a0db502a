"""The meta and the first customers of an archive file laid out by another tool, without
parsing the whole file.

Files written by creditfile hold one customer per line and are read batch by batch
(``store.framing``). A file written by another program (``json.dump`` of the same tables, on
one line or indented) must be parsed whole, which takes seconds at 100,000 customers; to show
the first rows meanwhile, the standard library's JSON scanner reads the members of the
top-level object from the start of the file until it has enough customers, and the meta table
from wherever it stands (before the customers, or last in the file). Nothing read here is
more than a preview: the whole parse that follows decides what the file holds, and reports
any damage.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

PREFIX_BYTES = 8 << 20  # a few thousand customers' worth of the file
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

Tables = dict[str, Any]


@dataclass(frozen=True)
class FirstCustomers:
    """What ``first_customers`` found.

    Attributes:
        tables: The tables other than ``customers`` (at least ``meta``).
        records: The first customer records, in file order.
        share: The part of the file they were read from (0–1), to estimate how many follow.
    """

    tables: Tables
    records: list[dict[str, Any]]
    share: float


def first_customers(raw: bytes, wanted: int) -> FirstCustomers | None:
    """Up to ``wanted`` customer records from the start of the file ``raw``, and its other
    tables; None when they cannot be found that way."""
    text = raw[:PREFIX_BYTES].decode("utf-8", errors="ignore")
    others: Tables = {}
    records: list[dict[str, Any]] = []
    reached = 0
    try:
        at = _enter(text, 0)
        while at is not None:
            name, at = _key(text, at)
            if name == "customers":
                reached = _first_records(text, _enter(text, at), wanted, records)
                break
            others[name], end = _DECODER.raw_decode(text, at)
            at = _next(text, end)
    except (ValueError, RecursionError):  # the prefix ends in a value, or it is no archive
        pass
    if not records:
        return None
    if "meta" not in others:
        meta = _last_member(raw, "meta")
        if meta is None:
            return None
        others["meta"] = meta
    share = len(text[:reached].encode()) / len(raw) if reached else 1.0
    return FirstCustomers(others, records, share)


def _first_records(text: str, at: int | None, wanted: int, records: list[dict[str, Any]]) -> int:
    """Append the records of the customers table entered at ``at``; return where the last one
    read ends (0 when the prefix ended inside the first)."""
    reached = 0
    while at is not None and len(records) < wanted:
        _, at = _key(text, at)
        try:
            record, end = _DECODER.raw_decode(text, at)
        except (ValueError, RecursionError):
            break  # the prefix ends inside this record, or it nests too deep to preview
        if not isinstance(record, dict):
            raise ValueError("a customer entry is not an object")
        records.append(record)
        reached = end
        at = _next(text, end)
    return reached


def _enter(text: str, at: int) -> int | None:
    """Inside the object starting at ``at``: where its first member starts (None: empty)."""
    at = _skip(text, at)
    if text[at : at + 1] != "{":
        raise ValueError("an object was expected")
    at = _skip(text, at + 1)
    return None if text[at : at + 1] == "}" else at


def _key(text: str, at: int) -> tuple[str, int]:
    """The key of the member starting at ``at``, and where its value starts."""
    if text[at : at + 1] != '"':
        raise ValueError("a key was expected")
    key, at = _DECODER.raw_decode(text, at)
    at = _skip(text, at)
    if text[at : at + 1] != ":":
        raise ValueError("':' was expected")
    return key, _skip(text, at + 1)


def _next(text: str, end: int) -> int | None:
    """After a member's value: where the next member starts (None: the object closed)."""
    at = _skip(text, end)
    if text[at : at + 1] == ",":
        return _skip(text, at + 1)
    if text[at : at + 1] == "}":
        return None
    raise ValueError("',' or '}' was expected")


def _skip(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()  # type: ignore[union-attr]


def _last_member(raw: bytes, name: str) -> Any:
    """The value of the top-level member ``name`` when it is the file's last, else None.

    It is the last member of the top-level object when nothing but one ``}`` follows its
    value; the same key nested deeper would be followed by more closing brackets.
    """
    at = raw.rfind(json.dumps(name).encode())
    if at < 0:
        return None
    text = raw[at:].decode("utf-8", errors="replace")
    try:
        _, start = _key(text, 0)
        value, end = _DECODER.raw_decode(text, start)
    except (ValueError, RecursionError):
        return None
    return value if text[end:].strip() == "}" else None
