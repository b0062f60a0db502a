"""``creditfile history [ID]``: who changed what, from what to what, and when."""

from __future__ import annotations

import argparse
import difflib
from datetime import date
from typing import Any

from creditfile.application.allocation import DEMAND_EVENT, demand_summary
from creditfile.application.changes import VALUE_CELLS, change_lines, field_label
from creditfile.application.customers import SOURCE_VERIFIED
from creditfile.application.form_audit import FORM_AUDITED, audit_summary
from creditfile.application.form_returns import FORM_IMPORTED
from creditfile.application.history import HistoryQuery, read_history
from creditfile.application.merging import history_ids
from creditfile.application.quotes import QUOTE_EVENT, quote_summary
from creditfile.cli.env import Env, UsageError
from creditfile.cli.table import render_table
from creditfile.document.values import parse_date
from creditfile.policy import Policy
from creditfile.presentation.brief import one_line
from creditfile.presentation.history_words import detail_words, event_name
from creditfile.presentation.translation import _, language, pgettext
from creditfile.store.audit import clean_actor

DEFAULT_LIMIT = 200
DETAIL_CELLS = 120
"""Terminal cells an event's details are cut to (``--json`` has them whole)."""
HEADERS = ["when (UTC)", "customer", "event", "change", "who", "os user@host"]
PRIORITY = [0, 0, 0, 0, 1, 2]  # on a narrow terminal the OS account goes first, then who
UNBROKEN = [True, True, True, False, False, False]  # keys and times are never cut mid-word
_SKIP = {"at", "actor", "os_user", "host", "db_user", "customer_id", "kind", "txn", "text"}


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``history`` command."""
    parser = sub.add_parser(
        "history",
        parents=[parent],
        help=_(
            "the append-only history of the archive or one customer: every change with its "
            "old and new value"
        ),
    )
    parser.add_argument("id", nargs="?", metavar="ID")
    parser.add_argument(
        "--since", metavar="DATE", help=_("only events on or after DATE (YYYY-MM-DD)")
    )
    parser.add_argument(
        "--event",
        metavar="KIND",
        help=_(
            "only events of this kind (customer_changed, customer_imported, grade_changed, "
            "regrade_run, policy_activated, personal_data_revealed, quote_issued …)"
        ),
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=_("the newest N events (default {count}; 0 for all)").format(count=DEFAULT_LIMIT),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Print the selected events oldest first, and say when older ones were left out."""
    if args.limit < 0:
        raise UsageError(
            _("--limit {value}: give a number of events, 0 for all").format(value=args.limit)
        )
    since = _since(args.since)
    archive = env.archive()
    if args.id:
        _ids, merged = history_ids(archive, args.id)
        if merged is not None:
            env.warn(
                _("creditfile: note: {note}, with every id merged into it").format(
                    note=merged.note()
                )
            )
    natures = env.policy().personal_natures
    every = read_history(
        archive,
        HistoryQuery(args.id, args.event, since, 0),
        personal_natures=natures,
        logins=not env.json,
    )
    if not every and args.event:
        _unknown_kind(
            args.event, read_history(archive, HistoryQuery(args.id), personal_natures=natures)
        )
    events = every[-args.limit :] if args.limit else every
    if len(events) < len(every):
        env.warn(
            _("(the newest {shown} of {count} events; --limit 0 shows all)").format(
                shown=f"{len(events):,}", count=f"{len(every):,}"
            )
        )
    if env.json:
        env.emit_json(events)
        return 0
    if not events:
        env.say(
            _("no history yet") if not (since or args.event or args.id) else _("no such events")
        )
        return 0
    # Field labels, scoring items, leased items and payment methods in the language in force,
    # as the card names them.
    lang = language()
    policy = env.policy().in_language(lang)
    rows = [
        [
            _when(e.get("at")),
            e.get("customer_id") or "",
            event_name(e.get("kind", "")),
            # One line per change: a value of several lines shows its first, then …
            [line.brief() for line in change_lines(e, lang, policy)] or _detail(e, lang, policy),
            clean_actor(e.get("actor", "")),
            _account(e),
        ]
        for e in events
    ]
    headers = [
        _("when (UTC)"),
        pgettext("history", "customer"),
        pgettext("history", "event"),
        pgettext("history", "change"),
        pgettext("history", "who"),
        _("os user@host"),
    ]
    priority, unbroken = list(PRIORITY), list(UNBROKEN)
    if any("db_user" in e for e in events):
        # A database archive records the login that wrote each event, which no client can
        # set: that column stays longest on a narrow terminal.
        headers.insert(4, _("database user"))
        priority.insert(4, 1)
        unbroken.insert(4, False)
        for row, event in zip(rows, events, strict=True):
            row.insert(4, clean_actor(str(event.get("db_user") or "-")))
    env.say(
        render_table(headers, rows, [False] * len(headers), priority=priority, unbroken=unbroken)
    )
    return 0


def _since(text: str | None) -> date | None:
    if text is None:
        return None
    iso = parse_date(text)
    if iso is None:
        raise UsageError(
            _("--since {value} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-01").format(
                value=repr(text)
            )
        )
    return date.fromisoformat(iso)


def _unknown_kind(kind: str, events: list[dict[str, Any]]) -> None:
    kinds = sorted({str(e.get("kind")) for e in events if e.get("kind")})
    if kind in kinds or not kinds:
        return
    close = difflib.get_close_matches(kind, kinds, n=1)
    hint = _("did you mean {kind}? ").format(kind=repr(close[0])) if close else ""
    raise UsageError(
        _(
            "--event {kind}: no event of that kind here; {hint}kinds in this history: {kinds}"
        ).format(kind=repr(kind), hint=hint, kinds=", ".join(kinds))
    )


def _when(at: object) -> str:
    """``2026-11-30 23:15``: the recorded UTC time to the minute (``--json`` has it whole)."""
    text = str(at or "")
    return text[:16].replace("T", " ") if len(text) >= 16 else text


def _account(event: dict[str, Any]) -> str:
    """The OS account behind the event (events written before it was recorded have none)."""
    if "os_user" not in event:
        return "-"
    return clean_actor(f"{event['os_user']}@{event.get('host', '?')}")


def _detail(event: dict[str, Any], lang: str, policy: Policy) -> str:
    if event.get("kind") == QUOTE_EVENT:
        return quote_summary(event, lang, policy)
    if event.get("kind") == DEMAND_EVENT:
        return demand_summary(event, lang, policy)
    if event.get("kind") in (FORM_AUDITED, FORM_IMPORTED, SOURCE_VERIFIED):
        return audit_summary(event, width=VALUE_CELLS)
    if event.get("kind") == "grade_changed":
        return _("{old} → {new} {total} (run {run}, policy {version}, as of {as_of})").format(
            old=event.get("from") or "—",
            new=event.get("to") or "—",
            total=event.get("total") or "",
            # A grading made by a save belongs to no regrade run.
            run=event.get("run_id") or "—",
            version=event.get("policy_version") or "—",
            as_of=event.get("as_of") or "—",
        )
    parts = []
    fields = event.get("fields")
    if isinstance(fields, list) and fields:
        separator = "、" if lang == "zh" else ", "
        named = separator.join(field_label(str(path), lang, policy) for path in fields)
        parts.append(_("fields={fields}").format(fields=named))
    parts.extend(detail_words(event, skip=(*_SKIP, "fields")))
    return one_line(" · ".join(parts), DETAIL_CELLS)
