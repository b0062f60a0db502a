"""``creditfile show ID``: one customer's file card with its stored grading."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.lookup import MergedId, NameMatch, show_customer
from creditfile.application.relations import customer_relations
from creditfile.cli.env import Env
from creditfile.presentation.translation import _


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``show`` command."""
    parser = sub.add_parser("show", parents=[parent], help=_("one customer's document and grading"))
    parser.add_argument(
        "id", metavar="ID", help=_("the customer's id, or its name or part of it (pinyin too)")
    )
    parser.add_argument(
        "--include-personal",
        action="store_true",
        help=_(
            "include the personal data: profile.person and, for an individual, the phone "
            "and address (the access is recorded)"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Print the document, its revision and its latest grading."""
    shown, hidden = show_customer(
        env.archive(),
        args.id,
        include_personal=args.include_personal,
        actor=env.actor,
        via="creditfile show",
        personal_natures=env.policy().personal_natures,
    )
    archive = env.archive()
    relations = customer_relations(archive, str(shown.get("id")), aliases=archive.aliases())
    if relations["names"] or relations["named_by"]:
        shown["relations"] = relations  # both ways: whom it names, who names it
    if "merged" in shown:
        env.warn(
            _("creditfile: note: {note}").format(note=MergedId.from_json(shown["merged"]).note())
        )
    if "matched" in shown:
        env.warn(
            _("creditfile: note: {note}").format(note=NameMatch.from_json(shown["matched"]).note())
        )
    env.emit_json(shown)
    if hidden and not env.json:
        profile = shown.get("profile")
        person = profile.get("person") if isinstance(profile, dict) else None
        masked = isinstance(person, dict) and bool(person.get("id_number"))
        said = (
            _(
                "({paths} hidden: personal data; the ID number shown masked; "
                "add --include-personal to show it)"
            )
            if masked
            else _("({paths} hidden: personal data; add --include-personal to show it)")
        )
        env.warn(said.format(paths=", ".join(hidden)))
    return 0
