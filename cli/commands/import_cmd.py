"""``creditfile import FILE…``: validate every record of every file, then write all or nothing."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.importing import check_import, write_import
from creditfile.cli.env import Env
from creditfile.cli.progress import Progress
from creditfile.policy import CreditfileError

MAX_SHOWN = 200


class ImportRefusedError(CreditfileError):
    """Some records are invalid; nothing was written."""


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``import`` command."""
    parser = sub.add_parser(
        "import",
        parents=[parent],
        help="add or replace customers from JSON, JSON Lines, CSV or XLSX",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Read, validate everything, then add/replace in one write."""
    from creditfile.formats.interchange import FormatError
    from creditfile.spreadsheets.reading import SpreadsheetError

    policy = env.policy()
    with Progress(env.stderr) as progress:
        try:
            check = check_import(args.files, policy, progress.phase)
        except FormatError as exc:
            raise ImportRefusedError(f"{exc}; nothing was imported") from None
        except SpreadsheetError as exc:
            for problem in exc.problems:
                env.warn(str(problem))
            env.warn(
                "creditfile: the spreadsheet cannot be read as customers; nothing was imported"
            )
            return 1
        records = check.records
        if check.problems:
            _report(env, list(records), check.problems)
            return 1
        progress.phase("writing the archive")
        result = write_import(env.archive(create=True), check, env.actor)
    if env.json:
        env.emit_json(
            {
                "archive": str(env.db_path),
                "added": result.added,
                "replaced": result.replaced,
                "files": args.files,
            }
        )
    else:
        env.say(
            f"imported {len(records):,} customers into {env.db_path}: {result.added:,} added, "
            f"{result.replaced:,} replaced. Run `creditfile regrade` to grade them."
        )
    return 0


def _report(env: Env, records: list[Any], problems: list[Any]) -> None:
    bad = {p.index for p in problems}
    for problem in problems[:MAX_SHOWN]:
        record = records[problem.index]
        env.warn(f"{_where(record, problem.path)}: {problem.path or '(record)'}: {problem.message}")
    if len(problems) > MAX_SHOWN:
        env.warn(f"… and {len(problems) - MAX_SHOWN:,} more problems")
    env.warn(
        f"creditfile: {len(bad):,} of {len(records):,} records are invalid; nothing was "
        "imported. Correct them and import again."
    )


def _where(record: Any, path: str) -> str:
    if hasattr(record, "where"):  # spreadsheets know the cell of every value
        cid = record.doc.get("id") if isinstance(record.doc, dict) else None
        # The cell says where; a record number beside it would only be a second, 0-based place.
        return f"{record.where(path)}{f' (id {cid})' if cid else ''}"
    place = str(record.file)
    line = getattr(record, "line", None)
    if line:
        place += f":{line}"
    location = getattr(record, "location", None)
    if location:
        place += f" ({location})"
    doc = record.doc
    cid = doc.get("id") if isinstance(doc, dict) else None
    ident = f" id {cid}" if cid is not None else ""
    return f"{place}: record {record.index}{ident}"
