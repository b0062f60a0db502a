"""``creditfile policy check|test|diff`` (and, from ``policy_record``, ``activate|show|history``):
compliance's commands."""

from __future__ import annotations

import argparse
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from creditfile.application.policy_admin import diff_policies
from creditfile.application.policy_tests import (
    FailureWords,
    Mismatch,
    companion_path,
    describe_failure,
    run_policy_tests,
)
from creditfile.application.spooled_rows import SpooledRows
from creditfile.cli.commands import policy_record
from creditfile.cli.env import Env
from creditfile.cli.reason_lines import reason_lines
from creditfile.cli.streamed_json import Streamed, write_json
from creditfile.cli.table import long_table, render_table
from creditfile.document import field_catalogue
from creditfile.policy import Policy, PolicyProblem, check_policy, load_policy
from creditfile.policy.label_clashes import label_clashes
from creditfile.presentation.change_words import (
    reasons_words,
    setting_value,
)
from creditfile.presentation.translation import _, language, ngettext, pgettext


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``policy`` and its subcommands."""
    parser = sub.add_parser("policy", parents=[parent], help=_("check, test, compare, activate"))
    actions = parser.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", parents=[parent], help=_("validate policy files"))
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(handler=run_check)
    test = actions.add_parser("test", parents=[parent], help=_("run a policy's example customers"))
    test.add_argument("file", metavar="FILE")
    test.add_argument(
        "--tests",
        metavar="TESTFILE",
        help=_("the test file (default: FILE's stem + .tests.yaml beside it)"),
    )
    test.set_defaults(handler=run_test)
    diff = actions.add_parser(
        "diff", parents=[parent], help=_("what changed, and whose grade would change")
    )
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument(
        "--as-of", metavar="DATE", help=_("grading date for the what-if (default: today)")
    )
    diff.set_defaults(handler=run_diff)
    policy_record.register(actions, parent)


def run_check(args: argparse.Namespace, env: Env) -> int:
    """Validate each file; every problem as FILE:LINE:COL: key: message."""
    results = {file: check_policy(file) for file in args.files}
    # Warnings (labels of different kinds alike) never make a policy invalid.
    warnings = {file: label_clashes(file) for file in args.files}
    if env.json:
        env.emit_json(
            {
                file: {
                    "valid": not problems,
                    "problems": [_problem_json(p) for p in problems],
                    "warnings": [_problem_json(w) for w in warnings[file]],
                }
                for file, problems in results.items()
            }
        )
    else:
        for file, problems in results.items():
            for problem in [*problems, *warnings[file]]:
                env.warn(problem.text(_))
            if not problems:
                policy = load_policy(file)
                env.say(_checked(file, policy, len(warnings[file])))
    return 1 if any(results.values()) else 0


def _problem_json(problem: PolicyProblem) -> dict[str, Any]:
    """A problem as ``policy check --json`` gives it (its message in English, as written)."""
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "path": problem.path,
        "message": problem.message,
    }


def _checked(file: str, policy: Policy, warned: int) -> str:
    if not warned:
        return _("{file}: ok — version {version}, sha256 {sha}…").format(
            file=file, version=policy.version, sha=policy.sha256[:12]
        )
    return ngettext(
        "{file}: ok with {n} warning — version {version}, sha256 {sha}…",
        "{file}: ok with {n} warnings — version {version}, sha256 {sha}…",
        warned,
    ).format(file=file, n=warned, version=policy.version, sha=policy.sha256[:12])


def run_test(args: argparse.Namespace, env: Env) -> int:
    """Run the policy's example customers; say what each failure expected, got, and why."""
    policy = load_policy(args.file)
    tests = Path(args.tests) if args.tests else companion_path(args.file)
    results = run_policy_tests(policy, tests)
    failures = [m for r in results for m in r.mismatches]
    checked = sum(r.checked for r in results)
    if env.json:
        env.emit_json(
            {
                "policy": args.file,
                "tests": str(tests),
                "checks": checked,
                "passed": checked - len(failures),
                "failed": len(failures),
                "suites": [
                    {
                        "name": r.name,
                        "checked": r.checked,
                        "failures": [_failure_json(m, policy) for m in r.mismatches],
                    }
                    for r in results
                ],
            }
        )
        return 1 if failures else 0
    for result in results:
        if result.mismatches:
            line = _("{suite}: {checks} checks, {failed} FAILED")
        else:
            line = _("{suite}: {checks} checks, ok")
        env.say(
            line.format(suite=result.name, checks=result.checked, failed=len(result.mismatches))
        )
        _say_failures(env, [describe_failure(m, policy) for m in result.mismatches])
    env.say("")
    env.say(
        _("{passed} passed, {failed} failed").format(
            passed=checked - len(failures), failed=len(failures)
        )
    )
    return 1 if failures else 0


def _say_failures(env: Env, failures: list[FailureWords]) -> None:
    """Each failing customer once, with its reason, then what it expected and got."""
    by_customer: dict[str, list[FailureWords]] = {}
    for words in failures:
        by_customer.setdefault(words.customer, []).append(words)
    for customer, checks in by_customer.items():
        env.say(f"  {customer}")
        if checks[0].why:
            env.say("    " + _("why: {reason}").format(reason=checks[0].why))
        for words in checks:
            env.say(
                "    "
                + _("{checked}: expected {expected}, got {actual}").format(
                    checked=words.checked, expected=words.expected, actual=words.actual
                )
            )


def _failure_json(mismatch: Mismatch, policy: Policy) -> dict[str, Any]:
    words = describe_failure(mismatch, policy)
    return {
        "customer_id": mismatch.customer_id,
        "name": mismatch.name,
        "field": mismatch.field,
        "expected": mismatch.expected,
        "actual": mismatch.actual,
        "reasons": list(mismatch.reasons),
        "overrides": list(mismatch.overrides),
        "text": {
            "checked": words.checked,
            "expected": words.expected,
            "actual": words.actual,
            "why": words.why,
        },
    }


def run_diff(args: argparse.Namespace, env: Env) -> int:
    """Show changed settings and, with an archive, the customers whose grade would change."""
    diff = diff_policies(
        args.old, args.new, env.archive() if env.has_archive() else None, env.as_of
    )
    old, new, changes, impact = diff.old, diff.new, diff.changes, diff.impact
    if env.json:
        # The customers' lists written as they are read (hundreds of thousands, from files).
        write_json(
            env.stdout,
            {
                "old": {"file": args.old, "version": old.version, "sha256": old.sha256},
                "new": {"file": args.new, "version": new.version, "sha256": new.sha256},
                "changes": changes,
                "what_if": None if impact is None else _streamed(impact),
            },
        )
        return 0
    env.say(f"{args.old} ({old.version}) → {args.new} ({new.version})")
    env.say(
        render_table(
            [pgettext("policy diff", "setting"), pgettext("policy diff", "old"),
             pgettext("policy diff", "new")],
            [[c["path"], setting_value(c["old"]), setting_value(c["new"])] for c in changes],
        )
        if changes
        else _("no setting changed")
    )  # fmt: skip
    if impact is None:
        env.say("\n" + _("(no archive found; pass --db to see whose grade would change)"))
        return 0
    _say_impact(env, impact, new.in_language(language()), (old, new))
    return 0


def _say_impact(
    env: Env, impact: dict[str, Any], policy: Policy, olds_and_news: tuple[Policy, Policy]
) -> None:
    env.say(
        "\n"
        + ngettext(
            "What-if on {count} customer (as of {date}):",
            "What-if on {count} customers (as of {date}):",
            impact["customers"],
        ).format(count=f"{impact['customers']:,}", date=env.as_of.isoformat())
    )
    grades = sorted(set(impact["by_grade"]["old"]) | set(impact["by_grade"]["new"]))
    env.say(
        render_table(
            [_("grade"), pgettext("policy diff", "now"), pgettext("policy diff", "under new")],
            [
                [
                    _grade(None if g == "ungraded" else g),  # the what-if's key for no grade
                    impact["by_grade"]["old"].get(g, 0),
                    impact["by_grade"]["new"].get(g, 0),
                ]
                for g in grades
            ],
        )
    )
    say_reason_summary(env, impact["summary"], policy)
    changes: Collection[dict[str, Any]] = impact["grade_changes"]
    env.say("\n" + _would_change(len(changes)))
    ids = [field_catalogue()[key].text(language()) for key in ("id", "name")]
    if changes:
        _say_table(
            env,
            [*ids, pgettext("policy diff", "from"), pgettext("policy diff", "to"),
             pgettext("policy diff", "total now"), pgettext("policy diff", "total new"),
             _("reason")],
            (
                [
                    c["id"],
                    c["name"],
                    _grade(c["from"]),
                    _grade(c["to"]),
                    _show_total(c["old_total"]),
                    _show_total(c["new_total"]),
                    reasons_words(c["reasons"], policy),
                ]
                for c in changes
            ),
        )  # fmt: skip
    tiers: Collection[dict[str, Any]] = impact["tier_changes"]
    if tiers:
        env.say("\n" + _tier_only(len(tiers)))
        _say_table(
            env,
            [*ids, _("grade"), _("reason")],
            (
                [c["id"], c["name"], _grade(c["to"]), reasons_words(c["reasons"][:1], policy)]
                for c in tiers
            ),
        )
    _say_investigations(env, impact.get("investigation_changes") or [], olds_and_news)


def _streamed(impact: dict[str, Any]) -> dict[str, Any]:
    """The what-if with its lists of customers written as they are read."""
    lists = ("grade_changes", "tier_changes", "investigation_changes")
    return {key: Streamed(value) if key in lists else value for key, value in impact.items()}


TABLE_CHUNK = 1_000
"""Lines of a table of customers written at once."""


def _say_table(env: Env, headers: list[str], rows: Iterable[list[object]]) -> None:
    """A table of customers as ``render_table`` draws it, ``TABLE_CHUNK`` lines at a time: its
    rows made once (each customer's reasons worded), kept in a temporary file for the second
    reading ``long_table`` takes (for the columns' widths, then to write them)."""
    kept: SpooledRows[list[object]] | None = None

    def made() -> Iterable[list[object]]:
        nonlocal kept
        if kept is not None:
            return kept
        kept = SpooledRows()
        return _keeping(rows, kept)

    for block in long_table(headers, made, chunk=TABLE_CHUNK, fit=True):
        env.say(block)


def _keeping(
    rows: Iterable[list[object]], into: SpooledRows[list[object]]
) -> Iterator[list[object]]:
    for row in rows:
        into.append(row)
        yield row


def _say_investigations(
    env: Env, rows: Collection[dict[str, Any]], policies: tuple[Policy, Policy]
) -> None:
    """Customers an agency investigation would newly be suggested for, or no longer."""
    if not rows:
        return
    # A suggestion's reason as the policy gives it in the language in force.
    reasons: dict[str, str] = {}
    for policy in policies:
        shown = policy.in_language(language()).investigation
        if policy.investigation is not None and shown is not None:
            reasons[policy.investigation.reason] = shown.reason
    suggested = sum(1 for row in rows if row["change"] == "suggested")
    env.say(
        "\n"
        + _(
            "Agency investigation: {suggested} newly suggested, {withdrawn} no longer suggested"
        ).format(suggested=f"{suggested:,}", withdrawn=f"{len(rows) - suggested:,}")
    )
    words = {"suggested": _("newly suggested"), "withdrawn": _("no longer suggested")}
    _say_table(
        env,
        [
            *(field_catalogue()[key].text(language()) for key in ("id", "name")),
            _("grade"),
            _("investigation"),
            _("reason"),
        ],
        (
            [
                r["id"],
                r["name"],
                r["grade"] or _("ungraded"),
                words[r["change"]],
                reasons.get(r["reason"], r["reason"]),
            ]
            for r in rows
        ),
    )


def say_reason_summary(env: Env, summary: list[dict[str, Any]], policy: Policy) -> None:
    """Customers per effect and reason, before any per-customer line."""
    if not summary:
        env.say("\n" + _("No customer's grade or tier would change."))
        return
    env.say("\n" + _("Why, by reason:"))
    for line in reason_lines(summary, policy):
        env.say(line)


def _would_change(count: int) -> str:
    return ngettext(
        "{count} customer would change grade", "{count} customers would change grade", count
    ).format(count=f"{count:,}")


def _tier_only(count: int) -> str:
    return ngettext(
        "{count} customer would change tier only",
        "{count} customers would change tier only",
        count,
    ).format(count=f"{count:,}")


def _grade(grade: str | None) -> str:
    return grade if grade else _("ungraded")


def _show_total(value: Any) -> str:
    return "—" if value is None else f"{value:g}"
