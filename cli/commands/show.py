"""``creditfile show ID``: one customer's file card with its stored grading."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.lookup import find_customer
from creditfile.cli.env import Env


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``show`` command."""
    parser = sub.add_parser("show", parents=[parent], help="one customer's document and grading")
    parser.add_argument("id", metavar="ID")
    parser.add_argument(
        "--include-personal",
        action="store_true",
        help="include profile.person (personal data; the access is recorded)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Print the document, its revision and its latest grading."""
    archive = env.archive()
    doc = find_customer(archive, args.id)
    record = archive.get(args.id) or {}
    profile = doc.get("profile")
    if isinstance(profile, dict) and "person" in profile:
        if args.include_personal:
            archive.record_event(
                args.id, "personal_data_revealed", env.actor, {"via": "creditfile show"}
            )
        else:
            doc["profile"] = {k: v for k, v in profile.items() if k != "person"}
    shown = {**doc, "grading": record.get("_grading"), "revision": record.get("_meta")}
    if env.json:
        env.emit_json(shown)
        return 0
    env.emit_json(shown)
    if isinstance(profile, dict) and "person" in profile and not args.include_personal:
        env.warn("(profile.person hidden: personal data; add --include-personal to show it)")
    return 0
