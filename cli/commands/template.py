"""``creditfile template --format xlsx --out FILE``: an empty, documented import workbook."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from creditfile.cli.env import Env
from creditfile.presentation.translation import _


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``template`` command."""
    parser = sub.add_parser(
        "template", parents=[parent], help=_("write an empty workbook staff fill in and import")
    )
    parser.add_argument(
        "--format", choices=("xlsx",), default="xlsx", help=_("the template format (xlsx)")
    )
    parser.add_argument("--out", metavar="FILE", required=True, help=_("the file to write"))
    parser.add_argument(
        "--force", action="store_true", help=_("replace the file --out names if it exists")
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Write the template for the policy in force (its natures, items and scoring items)."""
    from creditfile.application.outputs import check_output, write_output
    from creditfile.spreadsheets.reading import write_template_xlsx

    out = Path(args.out)
    # The archive's own name says more than its suffix; a workbook already there may be one
    # being filled in, which an empty template must not replace unasked.
    check_output(out, archive=env.db_path, replace=args.force)
    if out.suffix.lower() != ".xlsx":
        env.warn(
            _("creditfile: {path}: name the file .xlsx so Excel and WPS open it").format(
                path=args.out
            )
        )
        return 2
    policy = env.policy()
    write_output(
        out, lambda path: write_template_xlsx(path, policy), archive=env.db_path, private=False
    )
    if env.json:
        env.emit_json({"out": str(out), "policy": {"version": policy.version}})
    else:
        env.say(
            _(
                "wrote {path}: fill in the 客户 sheet (and 租赁, 来源), then "
                "`creditfile import {path}`; the 说明 sheet explains every column"
            ).format(path=out)
        )
    return 0
