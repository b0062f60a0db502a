"""``creditfile export``: every customer document with its latest grading."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from creditfile.application.exporting import Exported, exported_documents, revealed_records
from creditfile.cli.env import Env
from creditfile.presentation.translation import _, ngettext

FORMATS = ("json", "jsonl", "csv", "xlsx")
# Written a customer at a time (a CSV's columns and a workbook need every customer first).
_STREAMED = ("json", "jsonl")


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``export`` command."""
    parser = sub.add_parser(
        "export", parents=[parent], help=_("every customer with its latest grading")
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help=_("json, jsonl, csv or xlsx (default: --out's extension, else json)"),
    )
    parser.add_argument("--out", metavar="FILE", help=_("write here (default: stdout)"))
    parser.add_argument(
        "--include-personal",
        action="store_true",
        help=_(
            "include the personal data: profile.person (ID numbers whole, not masked) and, "
            "for an individual, the phone and address (only when truly needed; recorded)"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Write the export; xlsx needs --out."""
    from creditfile.application.outputs import check_output, write_output, write_text_output
    from creditfile.formats import interchange as formats

    fmt = args.format or _format_from(args.out)
    if fmt == "xlsx" and not args.out:
        env.warn(_("creditfile: --format xlsx needs --out FILE.xlsx"))
        return 2
    if args.out:
        check_output(args.out, archive=env.db_path)  # before the archive is read
    archive = env.archive()
    natures = env.policy().personal_natures
    docs: Exported | list[dict[str, Any]]
    if fmt in _STREAMED and not args.include_personal:
        # Written as read, a batch at a time from a database: never the archive in memory.
        docs = Exported(archive, natures)
    else:
        records = archive.records()
        if args.include_personal:
            records = revealed_records(
                archive,
                env.actor,
                kind="personal_data_exported",
                detail={"customers": len(records), "out": args.out or "stdout"},
            )
        docs = exported_documents(
            records.values(), include_personal=args.include_personal, personal_natures=natures
        )
    if fmt == "xlsx":
        from creditfile.spreadsheets.reading import write_customers_xlsx

        policy = env.policy()
        rows = docs if isinstance(docs, list) else list(docs)  # never streamed: see _STREAMED
        write_output(
            args.out,
            lambda path: write_customers_xlsx(path, rows, policy),
            archive=env.db_path,
            private=True,
        )
    else:
        writer = formats.WRITERS[fmt]
        if args.out:
            write_text_output(
                args.out,
                lambda stream: writer(
                    stream, docs, include_personal=args.include_personal, personal_natures=natures
                ),
                archive=env.db_path,
                private=True,
                encoding="utf-8-sig" if fmt == "csv" else "utf-8",
            )
        else:
            writer(
                env.data_stream(),
                docs,
                include_personal=args.include_personal,
                personal_natures=natures,
            )
    if args.out:
        env.warn(
            ngettext(
                "exported {count} customer to {path} ({format})",
                "exported {count} customers to {path} ({format})",
                _count(docs),
            ).format(count=f"{_count(docs):,}", path=args.out, format=fmt)
        )
    return 0


def _count(docs: Exported | list[dict[str, Any]]) -> int:
    return docs.count if isinstance(docs, Exported) else len(docs)


def _format_from(out: str | None) -> str:
    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    return suffix if suffix in FORMATS else "json"
