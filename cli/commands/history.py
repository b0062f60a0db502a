"""``creditfile history [ID]``: who changed what and when, and every grade change."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.history import HistoryQuery, read_history
from creditfile.cli.env import Env
from creditfile.cli.table import render_table
from creditfile.store.audit import clean_actor


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``history`` command."""
    parser = sub.add_parser(
        "history", parents=[parent], help="the append-only history of the archive or one customer"
    )
    parser.add_argument("id", nargs="?", metavar="ID")
    parser.add_argument("--limit", type=int, default=200, help="newest N events (default 200)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Print events oldest first (the newest ``--limit``)."""
    events = read_history(env.archive(), HistoryQuery(customer_id=args.id, limit=args.limit))
    if env.json:
        env.emit_json(events)
        return 0
    if not events:
        env.say("no history yet")
        return 0
    env.say(
        render_table(
            ["when", "who", "os user@host", "customer", "event", "detail"],
            [
                [
                    e.get("at", ""),
                    clean_actor(e.get("actor", "")),
                    _account(e),
                    e.get("customer_id") or "",
                    e.get("kind", ""),
                    _detail(e),
                ]
                for e in events
            ],
        )
    )
    return 0


def _account(event: dict[str, Any]) -> str:
    """The OS account behind the event (events written before it was recorded have none)."""
    if "os_user" not in event:
        return "-"
    return clean_actor(f"{event['os_user']}@{event.get('host', '?')}")


def _detail(event: dict[str, Any]) -> str:
    skip = {"at", "actor", "os_user", "host", "customer_id", "kind", "txn", "text"}
    parts = []
    for key, value in event.items():
        if key in skip or value in (None, "", [], {}):
            continue
        parts.append(f"{key}={value}")
    return " ".join(parts)[:120]
