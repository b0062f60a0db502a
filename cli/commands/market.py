"""``creditfile market template|check``: the market data an analyst keeps beside the archive."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from creditfile.cli.env import Env
from creditfile.presentation.translation import _, ngettext


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``market`` and its subcommands."""
    parser = sub.add_parser(
        "market", parents=[parent], help=_("market data for the company's share of the market")
    )
    actions = parser.add_subparsers(dest="market_command", metavar="ACTION", required=True)
    template = actions.add_parser(
        "template",
        parents=[parent],
        help=_("write an example market file to edit (YAML, or XLSX with --out FILE.xlsx)"),
    )
    template.add_argument(
        "--out",
        metavar="FILE",
        help=_("the file to write (default: ARCHIVE.market.yaml beside the archive)"),
    )
    template.add_argument(
        "--force", action="store_true", help=_("replace the file --out names if it exists")
    )
    template.set_defaults(handler=run_template)
    check = actions.add_parser("check", parents=[parent], help=_("check a market file"))
    check.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help=_("the market file (default: the one beside the archive)"),
    )
    check.set_defaults(handler=run_check)


def run_template(args: argparse.Namespace, env: Env) -> int:
    """Write the example market file for the policy in force; never over an existing one."""
    from creditfile.application.market import (
        find_market,
        market_template,
        market_template_rows,
        write_new_file,
    )
    from creditfile.application.outputs import check_output, write_output, write_text_output
    from creditfile.spreadsheets.market_sheet import write_market_xlsx

    policy = env.policy()
    year = env.as_of.year
    if args.out is None:
        if env.in_database:
            env.warn(_("creditfile: a database archive has no folder; give --out FILE"))
            return 2
        existing = find_market(env.db_path, None)
        if existing is not None:
            env.warn(
                _("creditfile: {path}: a market file is already kept beside the archive; edit "
                  "it, or give --out FILE").format(path=existing)
            )  # fmt: skip
            return 1
        out = Path(f"{env.db_path}.market.yaml")
        write_new_file(out, market_template(policy, year))
    elif args.out.lower().endswith(".xlsx"):
        out = Path(args.out)
        check_output(out, archive=env.db_path, replace=args.force)
        rows = market_template_rows(policy, year)
        write_output(
            out, lambda path: write_market_xlsx(path, rows), archive=env.db_path, private=False
        )
    else:
        out = Path(args.out)
        check_output(out, archive=env.db_path, replace=args.force)  # an edited one is kept
        text = market_template(policy, year)
        write_text_output(
            out, lambda stream: stream.write(text), archive=env.db_path, private=False
        )
    if env.json:
        env.emit_json({"out": str(out)})
    else:
        env.say(
            _("wrote {path}: replace the example sizes with the market's, then "
              "`creditfile market check {path}`").format(path=out)
        )  # fmt: skip
    return 0


def run_check(args: argparse.Namespace, env: Env) -> int:
    """Check a market file; print what it holds, or every problem located (exit 1)."""
    from creditfile.application.market import find_market
    from creditfile.application.market_file import read_market

    path = find_market(None if env.in_database else env.db_path, args.file)
    if path is None:
        env.warn(
            _("creditfile: no market file beside {archive} ({archive}.market.yaml or .xlsx); "
              "give FILE, or start one with `creditfile market template`").format(
                archive=env.db_path)
        )  # fmt: skip
        return 1
    data = read_market(path, env.policy())
    periods = sorted({f.period for f in data.figures})
    items = sorted({f.item for f in data.figures})
    summary = {
        "file": str(path),
        "figures": len(data.figures),
        "items": items,
        "regions": data.regions,
        "periods": periods,
        "source": data.source,
    }
    if env.json:
        env.emit_json(summary)
        return 0
    env.say(
        ngettext(
            "{path}: {count} figure, {items} items, regions {regions}, periods {first} – {last}",
            "{path}: {count} figures, {items} items, regions {regions}, periods {first} – {last}",
            len(data.figures),
        ).format(
            path=path,
            count=f"{len(data.figures):,}",
            items=len(items),
            regions="、".join(data.regions) or "—",
            first=periods[0] if periods else "—",
            last=periods[-1] if periods else "—",
        )
    )
    return 0
