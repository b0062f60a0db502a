"""``creditfile explain ID``: one customer's score breakdown, item by item."""

from __future__ import annotations

import argparse
from typing import Any

from creditfile.application.lookup import MergedId, NameMatch, explain_customer
from creditfile.cli.env import Env
from creditfile.cli.table import render_table
from creditfile.presentation.explanation import computed_clause
from creditfile.presentation.grading_words import override_text, reason_text
from creditfile.presentation.translation import _, language
from creditfile.presentation.vocabulary import LIFECYCLES, PRIVILEGES, STAGES, named


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``explain`` command."""
    parser = sub.add_parser("explain", parents=[parent], help=_("why a customer has its grade"))
    parser.add_argument(
        "id", metavar="ID", help=_("the customer's id, or its name or part of it (pinyin too)")
    )
    parser.add_argument(
        "--as-of", metavar="DATE", help=_("grading date YYYY-MM-DD (default: today)")
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Grade the customer against the whole archive now and show every step."""
    policy = env.policy().in_language(language())  # labels as the reader reads them
    detail = explain_customer(env.archive(), args.id, policy, env.as_of)
    if env.json:
        env.emit_json(detail)
        return 0
    grading = detail["grading"]
    if "merged" in detail:
        env.say(MergedId.from_json(detail["merged"]).note())
    if "matched" in detail:
        env.say(NameMatch.from_json(detail["matched"]).note())
    env.say(f"{detail['id']}  {detail['name']}  ({detail['nature_label']})")
    env.say(
        _("as of {as_of}, policy {version} ({sha}…); {lifecycle}, {stage}, tier {tier}").format(
            as_of=grading["as_of"],
            version=policy.version,
            sha=policy.sha256[:12],
            lifecycle=named(LIFECYCLES, grading["lifecycle"]),
            stage=named(STAGES, grading["stage"]),
            tier=detail["tier_label"] or "-",
        )
    )
    env.say()
    env.say(
        render_table(
            [_("item"), _("input"), _("points"), _("weight"), _("lost"), _("clause")],
            [
                [
                    r["label"],
                    _input(r["input"]),
                    r["points"],
                    r["weight"],
                    r["lost"],
                    computed_clause(r),
                ]
                for r in detail["items"]
            ],
            numeric=[False, True, True, True, True, False],
        )
    )
    _guidance(env, detail["items"])
    env.say()
    if grading["status"] == "ungraded":
        reasons = "; ".join(reason_text(r, policy) for r in grading["reasons"])
        env.say(_("UNGRADED — {reasons}").format(reasons=reasons))
        return 0
    band = detail["band"]
    env.say(
        _("total {total} → grade {grade} {label}").format(
            total=f"{grading['total']:.2f}",
            grade=grading["grade"],
            label=detail["grade_label"] or "",
        )
    )
    if band["next_grade"]:
        env.say(
            _("{gap} points short of {grade} (needs {minimum})").format(
                gap=f"{band['gap_to_next']:.2f}",
                grade=band["next_grade"],
                minimum=f"{band['next_min_score']:g}",
            )
        )
    for override in grading["overrides"]:
        change = f" ({override['from']} → {override['to']})" if "to" in override else ""
        env.say(
            _("override {id}: {reason}").format(
                id=override["id"], reason=override_text(override, policy)
            )
            + change
        )
    for reason in grading["reasons"]:
        env.say(_("note: {reason}").format(reason=reason_text(reason, policy)))
    terms = ", ".join(f"{named(PRIVILEGES, k)} {_term(v)}" for k, v in detail["privileges"].items())
    if detail.get("terms_nature"):
        env.say(
            "\n"
            + _("privileges for {nature} (refined from grade {grade}): {terms}").format(
                nature=detail["nature_label"], grade=grading["grade"], terms=terms
            )
        )
    else:
        env.say("\n" + _("privileges: {terms}").format(terms=terms))
    return 0


def _guidance(env: Env, rows: list[dict[str, Any]]) -> None:
    """Each entered item's scoring guidance, the level the entry reaches marked with ``>``."""
    for row in rows:
        if not row.get("guidance"):
            continue
        entry = (row.get("band") or {}).get("entered") if row["method"] == "bands" else row["input"]
        shown = f"{entry:g}" if type(entry) in (int, float) else _input(entry)
        env.say(
            "\n"
            + _("guidance for {label} (entered {entry}):").format(label=row["label"], entry=shown)
        )
        for level in row["guidance"]:
            mark = ">" if level["points"] == row.get("guidance_level") else " "
            env.say(f"  {mark} {level['points']:>5g}  {level['text']}")


def _term(value: Any) -> str:
    """A privilege as a reader takes it in: yes/no, not Python's True/False; amounts grouped."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float) and value >= 10000:
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return str(value)


def _input(value: Any) -> Any:
    return "-" if value is None else value
