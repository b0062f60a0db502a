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
from creditfile.policy.errors import N_, phrase
from creditfile.presentation.inert import terminal_text
from creditfile.presentation.translation import _, language, ngettext, pgettext

MAX_SHOWN = 200
SHOWN_CHARS = 40


class ImportRefusedError(CreditfileError):
    """Some records are invalid; nothing was written."""


REPLACE_WARNING = N_(
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
        env.warn(_(REPLACE_WARNING))
    with Progress(env.stderr) as progress:
        try:
            check = check_import(args.files, policy, progress.phase, stored=stored, options=options)
        except FormatError as exc:
            raise ImportRefusedError(
                phrase("{error}; nothing was imported", error=exc.as_phrase())
            ) from None
        except SpreadsheetError as exc:
            for problem in exc.problems:
                env.warn(problem.text(_))
            env.warn(
                _("creditfile: the spreadsheet cannot be read as customers; nothing was imported")
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
        progress.phase(_("writing the archive"))
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
        env.warn(_("creditfile: note: {note}").format(note=warning))
    more = len(duplicates.warnings) - NAME_NOTES_SHOWN
    if more > 0:
        env.warn(
            _(
                "creditfile: note: {count} more customers share a name with another; "
                "`creditfile duplicates` lists every pair"
            ).format(count=f"{more:,}")
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
    env.say(_("import --dry-run into {archive}: nothing was written.").format(archive=env.db_shown))
    shown = 0
    for outcome in plan.outcomes:
        if outcome.status == "unchanged" and not outcome.landed_notes():
            continue
        if shown >= MAX_SHOWN:
            env.say(
                _("… and {count} more customers (see --json)").format(
                    count=f"{_changed_count(plan) - shown:,}"
                )
            )
            break
        shown += 1
        _describe(env, outcome, policy)
    unchanged = [o.customer_id for o in plan.outcomes if o.status == "unchanged"]
    if unchanged:
        more = (
            _(" … and {count} more").format(count=f"{len(unchanged) - 10:,}")
            if len(unchanged) > 10
            else ""
        )
        env.say("  " + _("unchanged: {ids}{more}").format(ids=", ".join(unchanged[:10]), more=more))
    env.say(_("would import: {summary}.").format(summary=_summary(counts)))
    if counts["refused"]:
        env.say(
            _(
                "the refused customers changed in the archive after the file was exported: "
                "export again and redo the edits, or import with --force to overwrite those "
                "changes"
            )
        )
    elif counts["added"] + counts["changed"] == 0:
        env.say(_("importing this file would change nothing: the archive already holds it."))


def _changed_count(plan: ImportPlan) -> int:
    return sum(1 for o in plan.outcomes if o.status != "unchanged")


def _describe(env: Env, outcome: Outcome, policy: Policy) -> None:
    head = f"  {outcome.customer_id} {_text(outcome.name)}: {_status(outcome.status)}"
    notes = outcome.landed_notes()
    if outcome.status == "added":
        count = len(outcome.changes)
        fields = ngettext("{n} field", "{n} fields", count).format(n=f"{count:,}")
        env.say(f"{head} ({fields})")
        for note in notes:
            env.say(f"      {note}")
        return
    if outcome.stale is not None:
        stale = outcome.stale
        if outcome.forced:
            template = _(
                " — forced over revision {archive} (by {user} at {time}); the file holds "
                "revision {file}"
            )
        else:
            template = _(
                " — changed revision {archive} (by {user} at {time}); the file holds revision "
                "{file}"
            )
        head += template.format(
            archive=stale.archive_revision,
            user=stale.updated_by,
            time=stale.updated_at,
            file=stale.file_revision,
        )
    env.say(head)
    for note in notes:
        env.say(f"      {note}")
    labels = _items(policy)
    for change in outcome.changes:
        env.say(f"      {field_label(change, language(), labels)}: {_change(change)}")


def _items(policy: Policy) -> dict[str, str]:
    """The scoring items' labels in the language shown (field labels follow it too)."""
    return {item.key: item.label for item in policy.in_language(language()).scoring}


def _change(change: FieldChange) -> str:
    return f"{_value(change.old)} → {_value(change.new)}"


def _value(value: Any) -> str:
    if value is None:
        return _("(empty)")
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
                _(
                    "{place}: {old_id} was merged into {id} {name} in {archive} after the file "
                    "was exported{fields} (file revision {file} of {old_id}, archive revision "
                    "{revision} of {id}); its row would set on {id}:"
                ).format(
                    place=place,
                    old_id=outcome.written_as,
                    id=outcome.customer_id,
                    name=_text(outcome.name),
                    archive=env.db_shown,
                    fields=what,
                    file=stale.file_revision,
                    revision=stale.archive_revision,
                )
            )
        else:
            env.warn(
                _(
                    "{place}: {id} {name}: changed in {archive} by {user} at {time}{fields} "
                    "after the file was exported (file revision {file}, archive revision "
                    "{revision}); the file would set:"
                ).format(
                    place=place,
                    id=outcome.customer_id,
                    name=_text(outcome.name),
                    archive=env.db_shown,
                    user=stale.updated_by,
                    time=stale.updated_at,
                    fields=what,
                    file=stale.file_revision,
                    revision=stale.archive_revision,
                )
            )
        for change in outcome.changes[:20]:
            env.warn(f"      {field_label(change, language(), labels)}: {_change(change)}")
    count = len(refused)
    env.warn(
        ngettext(
            "creditfile: {n} customer changed in the archive after the file was exported; "
            "nothing was imported. Export again and redo your edits, or import with --force to "
            "overwrite those changes (recorded in the history).",
            "creditfile: {n} customers changed in the archive after the file was exported; "
            "nothing was imported. Export again and redo your edits, or import with --force to "
            "overwrite those changes (recorded in the history).",
            count,
        ).format(n=f"{count:,}")
    )


def _path_label(path: str, items: dict[str, str]) -> str:
    found = field_catalogue().get(path)
    if found is not None:
        return found.text(language())
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
    if not done.plan.outcomes:
        env.say(
            _("the files hold no customer; nothing was written to {archive}.").format(
                archive=env.db_shown
            )
        )
        return
    if counts["added"] + counts["changed"] == 0:
        count = len(done.plan.outcomes)
        env.say(
            ngettext(
                "nothing changed: the {n} customer in the file already hold these values in "
                "{archive}; nothing was written.",
                "nothing changed: the {n} customers in the file already hold these values in "
                "{archive}; nothing was written.",
                count,
            ).format(n=f"{count:,}", archive=env.db_shown)
        )
        _landed(env, done.plan)
        return
    env.say(
        _("imported into {archive}: {summary}.").format(
            archive=env.db_shown, summary=_summary(counts)
        )
    )
    _landed(env, done.plan)
    forced = [o.customer_id for o in done.plan.outcomes if o.forced]
    if forced:
        env.say(
            _("forced over later changes (recorded in the history): {ids}").format(
                ids=", ".join(forced)
            )
        )
    changes = _count(
        ngettext("{n} grade changed", "{n} grades changed", len(grades.changes)),
        len(grades.changes),
    )
    if done.whole:
        env.say(
            _(
                "the import moved the archive-wide top of the cumulative lease amount: every "
                "customer was graded again in the same write (run {run}); {changes}."
            ).format(run=grades.run_id, changes=changes)
        )
    else:
        customers = _count(ngettext("{n} customer", "{n} customers", grades.graded), grades.graded)
        env.say(
            _("graded in the same write: {customers}, {changes}.").format(
                customers=customers, changes=changes
            )
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
        env.say(
            "  "
            + _("… and {count} more rows under merged ids (see --json)").format(
                count=f"{len(notes) - MAX_SHOWN:,}"
            )
        )


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {_status(status)}" for status, n in counts.items())


def _status(status: str) -> str:
    """What became of a customer of the file, as the reader reads it."""
    words = {
        "added": pgettext("import", "added"),
        "changed": pgettext("import", "changed"),
        "unchanged": pgettext("import", "unchanged"),
        "refused": pgettext("import", "refused"),
    }
    return words.get(status, status)


def _count(template: str, n: int) -> str:
    return template.format(n=f"{n:,}")


def _report(env: Env, check: ImportCheck) -> None:
    records = list(check.records)
    problems = check.problems
    bad = {p.index for p in problems}
    for problem in problems[:MAX_SHOWN]:
        record = records[problem.index]
        path = problem.path or _("(record)")
        env.warn(f"{_where(record, problem.path)}: {path}: {problem.text(_)}")
    if len(problems) > MAX_SHOWN:
        env.warn(_("… and {count} more problems").format(count=f"{len(problems) - MAX_SHOWN:,}"))
    env.warn(
        _(
            "creditfile: {bad} of {count} records are invalid; nothing was imported. Correct "
            "them and import again."
        ).format(bad=f"{len(bad):,}", count=f"{len(records):,}")
    )


def _where(record: Any, path: str) -> str:
    if hasattr(record, "where"):  # spreadsheets know the cell of every value
        cid = record.doc.get("id") if isinstance(record.doc, dict) else None
        # The cell says where; a record number beside it would only be a second, 0-based place.
        ident = _(" (id {id})").format(id=terminal_text(str(cid))) if cid else ""
        return f"{record.where(path)}{ident}"
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
    ident = _(" id {id}").format(id=terminal_text(str(cid))) if cid is not None else ""
    return _("{place}: record {number}{ident}").format(
        place=place, number=record.index + 1, ident=ident
    )
