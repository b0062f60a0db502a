"""The floor a regrade is held to: load the archive file, serialise it again, write it durably.

    python scripts/bench_floor.py json|orjson ARCHIVE

``json``: the standard library's ``json.load`` + ``json.dumps`` (UTF-8, as the archive is
stored); ``orjson``: ``orjson.loads`` + ``orjson.dumps``. Either way the bytes go to a temporary
file beside the archive, are fsynced and renamed to ``ARCHIVE.floor`` (the archive itself is
never touched), and the directory is fsynced: the same durable, atomic write a regrade owes.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def serialise(mode: str, path: Path) -> bytes:
    """The archive's content, loaded and serialised again by ``mode``."""
    if mode == "json":
        with path.open(encoding="utf-8") as source:
            data = json.load(source)
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    if mode == "orjson":
        import orjson

        return orjson.dumps(orjson.loads(path.read_bytes()))
    raise SystemExit(f"unknown floor {mode!r}: use json or orjson")


def write_durably(data: bytes, target: Path) -> None:
    """Temp file, write, fsync, rename over ``target``, fsync the directory."""
    temp = target.with_name(target.name + ".tmp")
    with temp.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    temp.replace(target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def main() -> int:
    """Run one floor measurement on the archive named on the command line."""
    mode, path = sys.argv[1], Path(sys.argv[2])
    write_durably(serialise(mode, path), path.with_name(path.name + ".floor"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
