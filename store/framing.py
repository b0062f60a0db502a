"""The archive file's byte layout: one customer record per line, so unchanged records are reused.

The file is ordinary JSON (TinyDB and any JSON tool read it) laid out as::

    {"customers":{
    "1":{…record…},
    "2":{…record…}
    },"meta":{"1":{…}}}

JSON escapes newlines inside strings, so every record sits on a line of its own. The file is
parsed whole (the fastest way), then its lines give the bytes of every record, kept beside the
parsed records. A write re-encodes only the records that changed and copies the others' bytes:
saving one customer among 100,000 costs a copy of the file, not a JSON dump of every record. A
file laid out any other way (written by another tool) simply has no reusable bytes; the next
write lays it out again.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

import orjson

HEAD = b'{"customers":{'
TABLE = "customers"
SEPARATOR = b",\n"
COMMA, BRACE, NEWLINE = ord(","), ord("}"), ord("\n")
CHUNK = 2048  # records joined per write: few system calls, little memory

Fragment = bytes
Fragments = dict[str, Fragment]


def encode(data: Mapping[str, Any], fragments: MutableMapping[str, Fragment]) -> Iterator[bytes]:
    """The bytes of the archive file, in chunks.

    Args:
        data: The database: table name → {document key → document}.
        fragments: Encoded ``"key":record`` entries by key, reused as they are; records
            missing from it are encoded and added to it.

    Yields:
        Consecutive pieces of the file.

    Raises:
        orjson.JSONEncodeError: a value JSON cannot hold.
    """
    table: Mapping[str, Any] = data.get(TABLE, {})
    yield HEAD + b"\n"
    # The loop runs once per customer on every save: keep it to a lookup and an append.
    cached = fragments.get
    chunk: list[Fragment] = []
    append = chunk.append
    first = True
    for key, record in table.items():
        entry = cached(key)
        if entry is None:
            entry = fragments[key] = encode_entry(key, record)
        append(entry)
        if len(chunk) == CHUNK:
            yield (b"" if first else SEPARATOR) + SEPARATOR.join(chunk)
            chunk.clear()
            first = False
    if chunk:
        yield (b"" if first else SEPARATOR) + SEPARATOR.join(chunk)
    tail = [b"\n}"]
    for name, other in data.items():
        if name != TABLE:
            tail += (b",", orjson.dumps(name), b":", orjson.dumps(other))
    yield b"".join([*tail, b"}\n"])


def encode_entry(key: str, record: Any) -> Fragment:
    """One customer's line as ``encode`` writes it: ``"key":{…record…}``."""
    return orjson.dumps(key) + b":" + orjson.dumps(record)


def encode_parts(parts: Iterable[bytes], others: Mapping[str, Any]) -> Iterator[bytes]:
    """The bytes of an archive file from customer lines encoded elsewhere.

    Args:
        parts: Runs of consecutive entries, each already joined by ``SEPARATOR`` (empty runs
            are skipped), in file order.
        others: The other tables (``meta``); a ``customers`` entry among them is ignored.

    Yields:
        Consecutive pieces of the file, laid out exactly as ``encode`` lays it out.
    """
    yield HEAD + b"\n"
    first = True
    for part in parts:
        if part:
            yield part if first else SEPARATOR + part
            first = False
    tail = [b"\n}"]
    for name, other in others.items():
        if name != TABLE:  # the customers are the parts
            tail += (b",", orjson.dumps(name), b":", orjson.dumps(other))
    yield b"".join([*tail, b"}\n"])


def is_framed(raw: bytes) -> bool:
    """Whether ``raw`` starts the way ``encode`` lays a file out."""
    return raw.startswith(HEAD + b"\n")


def fragments_of(raw: bytes, keys: Iterable[str], skip: Container[str]) -> Fragments:
    """The encoded entries of a file already parsed whole, found by its line layout.

    Args:
        raw: The file's bytes.
        keys: The keys of its customers table, in file order, as parsed.
        skip: Keys whose records changed since: their bytes are not wanted.

    Returns:
        The entries' bytes by key, or nothing when the file is not laid out by ``encode``.
    """
    if not is_framed(raw):
        return {}
    fragments: Fragments = {}
    find = raw.find
    start = len(HEAD) + 1
    # Only cheap checks per line: the whole parse has already proved the bytes are JSON, so
    # a line that starts with the expected key and ends an object holds exactly that entry.
    for key in keys:
        end = find(b"\n", start)
        stop = end - 1 if raw[end - 1] == COMMA else end
        prefix = b'"%s":' % key.encode()
        if end < 0 or raw[stop - 1] != BRACE or not raw.startswith(prefix, start):
            return {}
        if key not in skip:
            fragments[key] = raw[start:stop]  # a copy: cheaper than a memoryview slice
        start = end + 1
    return fragments if raw.startswith(b"}", start) else {}


def customer_lines(raw: bytes) -> tuple[int, int] | None:
    """Where the customer lines of a file laid out by ``encode`` start and end, or None.

    The end is the newline before the ``}`` that closes the table: the file's last ``\\n}``,
    since nothing after it (the other tables, encoded by orjson) holds a raw newline.
    """
    if not is_framed(raw):
        return None
    start = len(HEAD) + 1
    end = raw.rfind(b"\n}")
    return (start, end) if end >= start - 1 else None


def other_tables(raw: bytes, end: int) -> Any:
    """The tables written after the customers (``meta``), parsed from the bytes after ``end``.

    Raises:
        orjson.JSONDecodeError: the bytes are not the tail ``encode`` writes.
    """
    tail = raw[end + 2 :]
    if tail.startswith(b","):
        return orjson.loads(b"{" + tail[1:])
    if tail.strip() == b"}":
        return {}
    text = tail.decode(errors="replace")
    raise orjson.JSONDecodeError("the archive does not end as written", text, 0)


def entry_batches(raw: bytes, start: int, end: int, size: int) -> Iterator[tuple[Any, int]]:
    """The customer entries between ``start`` and ``end``, parsed ``size`` lines at a time.

    ``end`` is either the end of the table's last line or just past a separator (``,`` and a
    newline) that ends a line, as at the boundaries ``store.lines`` splits at.

    Yields:
        ``{key: record}`` of each batch, in file order, and the lines read so far.

    Raises:
        orjson.JSONDecodeError: a batch is not whole entries (the file is damaged, or laid
            out with newlines inside records: a batch split in the middle of one never
            balances, so it cannot parse as something else).
    """
    find = raw.find
    lines = 0
    while start < end:
        stop, count = start, 0
        while count < size and stop < end:
            found = find(b"\n", stop, end)
            stop = end if found < 0 else found + 1
            count += 1
        if raw[stop - 1] == NEWLINE:
            # Between batches there must be exactly one separator: the batch ends with it.
            if raw[stop - 2] != COMMA:
                text = raw[start:stop].decode(errors="replace")
                raise orjson.JSONDecodeError("a ',' is missing between records", text, 0)
            body = raw[start : stop - 2]
        else:
            body = raw[start:stop]  # the table's last line: no separator may follow it
        lines += count
        yield orjson.loads(b"{" + body + b"}"), lines
        start = stop
