"""``creditfile form ID --out FILE.xlsx`` (or ``--blank``): the form a customer fills in."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from creditfile.cli.env import Env, UsageError
from creditfile.presentation.translation import _


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``form`` command."""
    parser = sub.add_parser(
        "form",
        parents=[parent],
        help=_(
            "write the form a customer fills in (客户资料表), in Chinese, prefilled with what "
            "the archive holds: only what a customer declares, nothing internal"
        ),
    )
    parser.add_argument("id", metavar="ID", nargs="?", help=_("the customer"))
    parser.add_argument("--out", metavar="FILE", help=_("the .xlsx file to write"))
    parser.add_argument(
        "--blank", action="store_true", help=_("a blank form, for no customer in particular")
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Write the form of one customer, or a blank one."""
    if not args.out:
        raise UsageError(_("form: give --out FILE.xlsx, the form to write"))
    if args.blank == (args.id is not None):
        raise UsageError(_("form: give a customer's ID, or --blank for a blank form (not both)"))
    return _write(args, env)


def _write(args: argparse.Namespace, env: Env) -> int:
    from creditfile.application.forms import write_form
    from creditfile.application.outputs import check_output

    out = Path(args.out)
    check_output(out, archive=env.db_path)  # the archive's own name says more than its suffix
    if out.suffix.lower() != ".xlsx":
        raise UsageError(
            _("{out}: name the file .xlsx so Excel and WPS open it").format(out=args.out)
        )
    archive = env.archive() if args.id is not None else None
    written = write_form(archive, args.id, out, env.policy(), db_path=env.db_path)
    if env.json:
        env.emit_json(
            {"out": str(written.out), "customer_id": written.customer_id, "fields": written.fields}
        )
    elif written.customer_id:
        env.say(
            _(
                "wrote {out}: the form of {id}, {count} fields prefilled from the archive; "
                "send it to the customer"
            ).format(out=written.out, id=written.customer_id, count=written.fields)
        )
    else:
        env.say(
            _("wrote {out}: a blank form of {count} fields; write the customer's id in it").format(
                out=written.out, count=written.fields
            )
        )
    return 0
