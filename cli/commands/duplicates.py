"""``creditfile duplicates``: customers that look like one company, for someone to decide."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.duplicates import suspected_in
from creditfile.cli.env import Env
from creditfile.cli.table import render_table
from creditfile.presentation.translation import _

HEADERS = ["keep", "name", "drop", "name", "why"]
WHY = {"credit_code": "same 统一社会信用代码", "name": "same name"}


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``duplicates`` command."""
    parser = sub.add_parser(
        "duplicates",
        parents=[parent],
        help=_(
            "pairs of customers that look like one company: the same credit code, or the "
            "same name once spaces, widths, brackets and 有限责任公司/有限公司 are set aside"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Print the suspected pairs, the one on file first as the one to keep."""
    del args
    pairs = suspected_in(env.archive())
    if env.json:
        env.emit_json([pair.as_json() for pair in pairs])
        return 0
    if not pairs:
        env.say(_("no suspected duplicates"))
        return 0
    rows = [[p.first, p.first_name, p.second, p.second_name, WHY[p.reason]] for p in pairs]
    env.say(render_table(HEADERS, rows, [False] * 5, priority=[0, 1, 0, 1, 0]))
    env.say(
        f"{len(pairs)} suspected pair{'s' if len(pairs) != 1 else ''}; "
        "`creditfile merge KEEP DROP` unites two that are one company"
    )
    return 0
