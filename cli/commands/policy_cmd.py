"""``creditfile policy check|test|diff`` (and, from ``policy_record``, ``activate|show|history``):
compliance's commands."""

from __future__ import annotations

import argparse
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
from creditfile.cli.commands import policy_record
from creditfile.cli.env import Env
from creditfile.cli.table import render_table
from creditfile.document import field_catalogue
from creditfile.policy import Policy, check_policy, load_policy
from creditfile.policy.label_clashes import label_clashes
from creditfile.presentation.translation import _, language


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
                    "problems": [p.__dict__ for p in problems],
                    "warnings": [w.__dict__ for w in warnings[file]],
                }
                for file, problems in results.items()
            }
        )
    else:
        for file, problems in results.items():
            for problem in [*problems, *warnings[file]]:
                env.warn(str(problem))
            if not problems:
                policy = load_policy(file)
                note = _warned(len(warnings[file]))
                env.say(
                    f"{file}: ok{note} — version {policy.version}, sha256 {policy.sha256[:12]}…"
                )
    return 1 if any(results.values()) else 0


def _warned(count: int) -> str:
    if not count:
        return ""
    return f" with {count} warning{'' if count == 1 else 's'}"


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
        mark = "ok" if not result.mismatches else f"{len(result.mismatches)} FAILED"
        env.say(f"{result.name}: {result.checked} checks, {mark}")
        _say_failures(env, [describe_failure(m, policy) for m in result.mismatches])
    env.say(f"\n{checked - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def _say_failures(env: Env, failures: list[FailureWords]) -> None:
    """Each failing customer once, with its reason, then what it expected and got."""
    by_customer: dict[str, list[FailureWords]] = {}
    for words in failures:
        by_customer.setdefault(words.customer, []).append(words)
    for customer, checks in by_customer.items():
        env.say(f"  {customer}")
        if checks[0].why:
            env.say(f"    why: {checks[0].why}")
        for words in checks:
            env.say(f"    {words.checked}: expected {words.expected}, got {words.actual}")


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
        env.emit_json(
            {
                "old": {"file": args.old, "version": old.version, "sha256": old.sha256},
                "new": {"file": args.new, "version": new.version, "sha256": new.sha256},
                "changes": changes,
                "what_if": impact,
            }
        )
        return 0
    env.say(f"{args.old} ({old.version}) → {args.new} ({new.version})")
    env.say(
        render_table(
            ["setting", "old", "new"],
            [[c["path"], _show(c["old"]), _show(c["new"])] for c in changes],
        )
        if changes
        else "no setting changed"
    )
    if impact is None:
        env.say("\n(no archive found; pass --db to see whose grade would change)")
        return 0
    _say_impact(env, impact)
    return 0


def _say_impact(env: Env, impact: dict[str, Any]) -> None:
    env.say(f"\nWhat-if on {impact['customers']:,} customers (as of {env.as_of.isoformat()}):")
    grades = sorted(set(impact["by_grade"]["old"]) | set(impact["by_grade"]["new"]))
    env.say(
        render_table(
            ["grade", "now", "under new"],
            [
                [g, impact["by_grade"]["old"].get(g, 0), impact["by_grade"]["new"].get(g, 0)]
                for g in grades
            ],
        )
    )
    say_reason_summary(env, impact["summary"])
    changes = impact["grade_changes"]
    env.say(f"\n{_customers(len(changes))} would change grade")
    if changes:
        env.say(
            render_table(
                ["id", "name", "from", "to", "total now", "total new", "reason"],
                [
                    [
                        c["id"],
                        c["name"],
                        c["from"] or "ungraded",
                        c["to"] or "ungraded",
                        _show_total(c["old_total"]),
                        _show_total(c["new_total"]),
                        "; ".join(r["text"] for r in c["reasons"]),
                    ]
                    for c in changes
                ],
            )
        )
    tiers = impact["tier_changes"]
    if tiers:
        env.say(f"\n{_customers(len(tiers))} would change tier only")
        env.say(
            render_table(
                ["id", "name", "grade", "reason"],
                [
                    [c["id"], c["name"], c["to"] or "ungraded", c["reasons"][0]["text"]]
                    for c in tiers
                ],
            )
        )
    _say_investigations(env, impact.get("investigation_changes") or [])


def _say_investigations(env: Env, rows: list[dict[str, Any]]) -> None:
    """Customers an agency investigation would newly be suggested for, or no longer."""
    if not rows:
        return
    suggested = sum(1 for row in rows if row["change"] == "suggested")
    env.say(
        "\n"
        + _(
            "Agency investigation: {suggested} newly suggested, {withdrawn} no longer suggested"
        ).format(suggested=f"{suggested:,}", withdrawn=f"{len(rows) - suggested:,}")
    )
    words = {"suggested": _("newly suggested"), "withdrawn": _("no longer suggested")}
    env.say(
        render_table(
            [
                *(field_catalogue()[key].text(language()) for key in ("id", "name")),
                _("grade"),
                _("investigation"),
                _("reason"),
            ],
            [
                [r["id"], r["name"], r["grade"] or _("ungraded"), words[r["change"]], r["reason"]]
                for r in rows
            ],
        )
    )


def say_reason_summary(env: Env, summary: list[dict[str, Any]]) -> None:
    """Customers per effect and reason, before any per-customer line."""
    if not summary:
        env.say("\nNo customer's grade or tier would change.")
        return
    env.say("\nWhy, by reason:")
    for row in summary:
        env.say(f"  {row['customers']:,} {row['effect']}: {row['reason']}")


def _customers(count: int) -> str:
    return f"{count:,} customer" + ("" if count == 1 else "s")


def _show_total(value: Any) -> str:
    return "—" if value is None else f"{value:g}"


def _show(value: Any) -> str:
    return "(absent)" if value is None else str(value)
