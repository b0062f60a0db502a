"""``creditfile import FILE…``: validate every record, then update (or with ``--replace``,
replace) the customers in one write, graded in it; ``--dry-run`` shows what would change."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from creditfile.application.duplicates import check_duplicates
from creditfile.application.importing import (
    ImportCheck,
    ImportDone,
    ImportOptions,
    ImportPlan,
    ImportStaleError,
    Outcome,
    changed_since,
    check_import,
    write_import,
)
from creditfile.cli.env import Env
from creditfile.cli.progress import Progress
from creditfile.document import field_catalogue
from creditfile.document.merging import FieldChange, field_label
from creditfile.policy import CreditfileError, Policy
from creditfile.presentation.inert import terminal_text
from creditfile.presentation.translation import _

MAX_SHOWN = 200
SHOWN_CHARS = 40
LANG = "zh"  # field labels as the sheets and the card name them


class ImportRefusedError(CreditfileError):
    """Some records are invalid; nothing was written."""


REPLACE_WARNING = (
    "creditfile: --replace: each customer in the file replaces the stored one whole; every "
    "field the file lacks (leases, assessment, sources…) is removed, except personal data "
    "the file does not carry. Try --dry-run first to see what would go."
)


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``import`` command."""
    parser = sub.add_parser(
        "import",
        parents=[parent],
        help=_("add customers and update existing ones from JSON, JSON Lines, CSV or XLSX"),
        description=(
            _(
                "Add new customers and update existing ones: only the fields the file carries "
                "change (an empty cell changes nothing; [清空] or JSON null clears a value). "
                "Rows exported before someone else changed the customer refuse the import."
            )
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help=_("write nothing; show per customer what would be added, changed or refused"),
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help=_("replace each customer whole instead of updating the fields the file carries"),
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=_(
            "import rows exported before the archive's latest change of their customer "
            "(overwrites that change; recorded in the history)"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Read and validate everything, plan per customer, then write in one transaction."""
    from creditfile.formats.interchange import FormatError
    from creditfile.spreadsheets.reading import SpreadsheetError

    policy = env.policy()
    # A refused import must not leave a new, empty archive behind: created only to write.
    stored = env.archive().records() if env.has_archive() else {}
    options = ImportOptions(
        replace=args.replace,
        force=args.force,
        actor=env.actor,
        describe_added=args.dry_run,
        aliases=env.archive().aliases() if env.has_archive() else {},
    )
    if args.replace:
        env.warn(REPLACE_WARNING)
    with Progress(env.stderr) as progress:
        try:
            check = check_import(args.files, policy, progress.phase, stored=stored, options=options)
        except FormatError as exc:
            raise ImportRefusedError(f"{exc}; nothing was imported") from None
        except SpreadsheetError as exc:
            for problem in exc.problems:
                env.warn(str(problem))
            env.warn(
                "creditfile: the spreadsheet cannot be read as customers; nothing was imported"
            )
            return 1
        if check.problems:
            _report(env, check)
            return 1
        if not _one_company_one_customer(env, check, stored):
            return 1
        if args.dry_run:
            _dry_run(env, args, check.plan, policy)
            return 0
        if check.plan.refused and not args.force:
            _refused(env, check.plan.refused, policy, check.records)
            return 1
        progress.phase("writing the archive")
        store = env.archive(create=True)
        try:
            done = write_import(store, check, policy, as_of=env.as_of, options=options)
        except ImportStaleError as exc:  # someone saved between the check and the write
            _refused(env, exc.refused, policy, check.records)
            return 1
    _written(env, args, done)
    return 0


def _one_company_one_customer(
    env: Env, check: ImportCheck, stored: Mapping[str, Mapping[str, Any]]
) -> bool:
    """Refuse rows with a credit code on file; note matching names."""
    duplicates = check_duplicates(stored, check.documents)
    if duplicates.problems:  # a credit code already on file: one company, one customer
        _report(env, replace(check, problems=duplicates.problems))
        return False
    for warning in duplicates.warnings[:NAME_NOTES_SHOWN]:
        env.warn(f"creditfile: note: {warning}")
    more = len(duplicates.warnings) - NAME_NOTES_SHOWN
    if more > 0:
        env.warn(
            f"creditfile: note: {more:,} more customers share a name with another; "
            "`creditfile duplicates` lists every pair"
        )
    return True


NAME_NOTES_SHOWN = 10
"""Name notes printed one by one; more are counted (a sheet may repeat thousands)."""


def _dry_run(env: Env, args: argparse.Namespace, plan: ImportPlan, policy: Policy) -> None:
    counts = plan.counts()
    if env.json:
        env.emit_json(
            {
                "archive": env.db_shown,
                "files": args.files,
                "dry_run": True,
                "mode": "replace" if args.replace else "update",
                **counts,
                "customers": [o.as_dict() for o in plan.outcomes],
            }
        )
        return
    env.say(f"import --dry-run into {env.db_shown}: nothing was written.")
    shown = 0
    for outcome in plan.outcomes:
        if outcome.status == "unchanged" and not outcome.landed_notes():
            continue
        if shown >= MAX_SHOWN:
            env.say(f"… and {_changed_count(plan) - shown:,} more customers (see --json)")
            break
        shown += 1
        _describe(env, outcome, policy)
    unchanged = [o.customer_id for o in plan.outcomes if o.status == "unchanged"]
    if unchanged:
        more = f" … and {len(unchanged) - 10:,} more" if len(unchanged) > 10 else ""
        env.say(f"  unchanged: {', '.join(unchanged[:10])}{more}")
    env.say(f"would import: {_summary(counts)}.")
    if counts["refused"]:
        env.say(
            "the refused customers changed in the archive after the file was exported: export "
            "again and redo the edits, or import with --force to overwrite those changes"
        )
    elif counts["added"] + counts["changed"] == 0:
        env.say("importing this file would change nothing: the archive already holds it.")


def _changed_count(plan: ImportPlan) -> int:
    return sum(1 for o in plan.outcomes if o.status != "unchanged")


def _describe(env: Env, outcome: Outcome, policy: Policy) -> None:
    head = f"  {outcome.customer_id} {_text(outcome.name)}: {outcome.status}"
    notes = outcome.landed_notes()
    if outcome.status == "added":
        env.say(f"{head} ({_plural(len(outcome.changes), 'field')})")
        for note in notes:
            env.say(f"      {note}")
        return
    if outcome.stale is not None:
        stale = outcome.stale
        who = f"by {stale.updated_by} at {stale.updated_at}"
        verb = "forced over" if outcome.forced else "changed"
        head += (
            f" — {verb} revision {stale.archive_revision} ({who}); the file holds revision "
            f"{stale.file_revision}"
        )
    env.say(head)
    for note in notes:
        env.say(f"      {note}")
    labels = _items(policy)
    for change in outcome.changes:
        env.say(f"      {field_label(change, LANG, labels)}: {_change(change)}")


def _items(policy: Policy) -> dict[str, str]:
    return {item.key: item.label for item in policy.scoring}


def _change(change: FieldChange) -> str:
    return f"{_value(change.old)} → {_value(change.new)}"


def _value(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, dict):
        value = ", ".join(f"{k}={v}" for k, v in value.items() if v not in (None, ""))
    return _text(value)


def _text(value: Any) -> str:
    """A value quoted for the terminal: control characters escaped, long text cut."""
    text = str(value)
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _refused(env: Env, refused: list[Outcome], policy: Policy, records: Sequence[Any]) -> None:
    store = env.archive()
    labels = _items(policy)
    for outcome in refused[:MAX_SHOWN]:
        stale = outcome.stale
        if stale is None:
            continue
        edits = changed_since(store, outcome)
        fields = dict.fromkeys(_path_label(f, labels) for e in edits for f in e.get("fields") or ())
        what = f" ({', '.join(fields)})" if fields else ""
        place = _where(records[outcome.index], "revision")
        if outcome.written_as is not None:
            env.warn(
                f"{place}: {outcome.written_as} was merged into {outcome.customer_id} "
                f"{_text(outcome.name)} in {env.db_shown} after the file was exported{what} "
                f"(file revision {stale.file_revision} of {outcome.written_as}, archive "
                f"revision {stale.archive_revision} of {outcome.customer_id}); its row would "
                f"set on {outcome.customer_id}:"
            )
        else:
            env.warn(
                f"{place}: {outcome.customer_id} {_text(outcome.name)}: changed in "
                f"{env.db_shown} by {stale.updated_by} at {stale.updated_at}{what} after the "
                f"file was exported (file revision {stale.file_revision}, archive revision "
                f"{stale.archive_revision}); the file would set:"
            )
        for change in outcome.changes[:20]:
            env.warn(f"      {field_label(change, LANG, labels)}: {_change(change)}")
    env.warn(
        f"creditfile: {_plural(len(refused), 'customer')} changed in the archive after the file "
        "was exported; nothing was imported. Export again and redo your edits, or import "
        "with --force to overwrite those changes (recorded in the history)."
    )


def _path_label(path: str, items: dict[str, str]) -> str:
    found = field_catalogue().get(path)
    if found is not None:
        return found.text(LANG)
    item = path.removeprefix("assessment.")
    return items.get(item, path)


def _written(env: Env, args: argparse.Namespace, done: ImportDone) -> None:
    counts = done.plan.counts()
    grades = done.grades
    if env.json:
        env.emit_json(
            {
                "archive": env.db_shown,
                "files": args.files,
                "mode": "replace" if args.replace else "update",
                **counts,
                "forced": [o.customer_id for o in done.plan.outcomes if o.forced],
                "landed": [
                    {"id": o.customer_id, "notes": o.landed_notes(), "status": o.status}
                    for o in done.plan.outcomes
                    if o.landed_notes()
                ],
                "grade_changes": grades.changes,
                "regraded_archive": done.whole,
                "run_id": grades.run_id,
            }
        )
        return
    if counts["added"] + counts["changed"] == 0:
        env.say(
            f"nothing changed: the {_plural(len(done.plan.outcomes), 'customer')} in the file "
            f"already hold these values in {env.db_shown}; nothing was written."
        )
        _landed(env, done.plan)
        return
    env.say(f"imported into {env.db_shown}: {_summary(counts)}.")
    _landed(env, done.plan)
    forced = [o.customer_id for o in done.plan.outcomes if o.forced]
    if forced:
        env.say(f"forced over later changes (recorded in the history): {', '.join(forced)}")
    if done.whole:
        env.say(
            "the import moved the archive-wide top of the cumulative lease amount: every "
            f"customer was graded again in the same write (run {grades.run_id}); "
            f"{_plural(len(grades.changes), 'grade')} changed."
        )
    else:
        env.say(
            f"graded in the same write: {_plural(grades.graded, 'customer')}, "
            f"{_plural(len(grades.changes), 'grade')} changed."
        )
    for change in grades.changes[:20]:
        env.say(f"  {change['id']}: {change['from'] or '-'} → {change['to'] or '-'}")


def _landed(env: Env, plan: ImportPlan) -> None:
    """One line per row filed under a merged id: where it went."""
    notes = [
        f"  {note} ({outcome.status})"
        for outcome in plan.outcomes
        for note in outcome.landed_notes()
    ]
    for note in notes[:MAX_SHOWN]:
        env.say(note)
    if len(notes) > MAX_SHOWN:
        env.say(f"  … and {len(notes) - MAX_SHOWN:,} more rows under merged ids (see --json)")


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {status}" for status, n in counts.items())


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _report(env: Env, check: ImportCheck) -> None:
    records = list(check.records)
    problems = check.problems
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
        return f"{record.where(path)}{f' (id {terminal_text(str(cid))})' if cid else ''}"
    place = str(record.file)
    line = getattr(record, "line", None)
    if line:
        place += f":{line}"
    location = getattr(record, "location", None)
    if location:
        place += f" ({location})"
    doc = record.doc
    cid = doc.get("id") if isinstance(doc, dict) else None
    # A line break in an id would start a line of its own: shown escaped, like every control.
    ident = f" id {terminal_text(str(cid))}" if cid is not None else ""
    return f"{place}: record {record.index + 1}{ident}"
