"""``creditfile policy activate|show|history``: the policy in force and how it came to be."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from creditfile.application.activation import (
    ActivationCheck,
    ActivationRefusedError,
    Stranded,
    activate_checked,
    check_activation,
    policy_in_force,
)
from creditfile.cli.env import Env
from creditfile.cli.reason_lines import reason_lines
from creditfile.cli.table import render_table
from creditfile.presentation.inert import terminal_text
from creditfile.presentation.translation import _, error_text, language, ngettext


def register(actions: Any, parent: argparse.ArgumentParser) -> None:
    """Add ``policy activate``, ``policy show`` and ``policy history``."""
    activate = actions.add_parser(
        "activate",
        parents=[parent],
        help=_("test a policy, show its effect on the archive, and make it the archive's policy"),
    )
    activate.add_argument("file", metavar="FILE")
    activate.add_argument(
        "--tests", metavar="TESTFILE", help=_("the test file (default: FILE's stem + .tests.yaml)")
    )
    activate.add_argument("--as-of", metavar="DATE", help=_("grading date of the what-if"))
    activate.add_argument(
        "--force", action="store_true", help=_("activate although tests fail (recorded)")
    )
    activate.add_argument(
        "--yes", action="store_true", help=_("do not ask for confirmation (for scripts)")
    )
    activate.add_argument(
        "--rescale",
        action="store_true",
        help=_(
            "rescale stored entries of every manual item whose weight changes, "
            "proportionally (each recorded in the customer's history with its old value)"
        ),
    )
    activate.set_defaults(handler=run_activate)
    show = actions.add_parser(
        "show", parents=[parent], help=_("print the text of the policy in force")
    )
    show.add_argument(
        "--active",
        action="store_true",
        required=True,
        help=_("the archive's active policy (else the shipped default in force)"),
    )
    show.set_defaults(handler=run_show)
    history = actions.add_parser("history", parents=[parent], help=_("every policy activation"))
    history.set_defaults(handler=run_history)


def run_activate(args: argparse.Namespace, env: Env) -> int:
    """Check, summarise, confirm, then activate (or refuse with the reason)."""
    store = env.archive()
    check = check_activation(store, args.file, env.as_of, args.tests)
    if not env.json:
        _say_check(env, check, rescale=args.rescale)
    try:
        if not _confirmed(env, check, args):
            env.warn(_("creditfile: not activated; nothing was written"))
            return 1
        done = activate_checked(store, check, env.actor, force=args.force, rescale=args.rescale)
    except ActivationRefusedError as exc:
        if env.json:
            env.emit_json({"activated": False, **_check_json(check), "refused": str(exc)})
        env.warn(f"creditfile: {error_text(exc)}")
        return 1
    policy = done.policy
    if env.json:
        env.emit_json(
            {
                "activated": True,
                **_check_json(check),
                "forced": done.forced,
                "rescaled": [r.__dict__ for r in done.rescaled],
                "archive": env.db_shown,
            }
        )
        return 0
    changed = [r for r in done.rescaled if not r.left]
    if changed:
        customers = len({r.customer_id for r in changed})
        env.say(
            _(
                "rescaled {entries} entries of {customers} customers (each recorded in its "
                "history with the old value: `creditfile history ID`)"
            ).format(entries=f"{len(changed):,}", customers=f"{customers:,}")
        )
    left = len(done.rescaled) - len(changed)
    if left:
        env.say(
            _("left {count} entries outside their old weight as entered (recorded too)").format(
                count=f"{left:,}"
            )
        )
    env.say(
        _(
            "activated {file}: version {version}, sha256 {sha}… for {archive}{forced}; run "
            "`creditfile regrade` to apply it"
        ).format(
            file=args.file,
            version=policy.version,
            sha=policy.sha256[:12],
            archive=env.db_shown,
            forced=_(" (forced: tests fail)") if done.forced else "",
        )
    )
    return 0


def _say_check(env: Env, check: ActivationCheck, *, rescale: bool) -> None:
    old, new = check.diff.old, check.policy
    env.say(
        _(
            "{file} (version {version}) to replace the policy in force (version {old}, sha256 "
            "{sha}…)"
        ).format(file=check.file, version=new.version, old=old.version, sha=old.sha256[:12])
    )
    env.say(
        _("{count} settings differ (`creditfile policy diff` lists them)").format(
            count=len(check.diff.changes)
        )
    )
    if check.tests_file is None:
        env.say(_("tests: no test file beside the policy; none run (--tests TESTFILE)"))
    else:
        mark = (
            _("all pass") if not check.failures else _("{count} FAIL").format(count=check.failures)
        )
        env.say(
            _("tests: {checks} checks in {file}, {mark}").format(
                checks=check.checks, file=check.tests_file, mark=mark
            )
        )
    impact = check.diff.impact or {}
    summary = impact.get("summary", [])
    policy = check.policy.in_language(language())  # labels as the reader reads them
    labels = {item.key: item.label for item in policy.scoring}
    env.say(_("what-if on {count} customers:").format(count=f"{impact.get('customers', 0):,}"))
    for line in reason_lines(summary, policy):
        env.say(line)
    if not summary:
        env.say("  " + _("no customer's grade or tier would change"))
    for item in check.stranded:
        values = {
            "count": f"{len(item.customers):,}",
            "label": labels.get(item.key, item.label),
            "weight": f"{item.new_weight:g}",
        }
        if item.old_weight is not None:
            env.say(
                _(
                    "stranded: {count} {label} entries above the new weight {weight} (was {old})"
                ).format(**values, old=f"{item.old_weight:g}")
            )
        else:
            env.say(_("stranded: {count} {label} entries above {weight}").format(**values))
    for nature, count in check.unknown_natures.items():
        env.say(
            ngettext(
                "natures: {count} customer is of nature {nature}, which the new policy does not "
                "list: they are still graded as before; correct their nature",
                "natures: {count} customers are of nature {nature}, which the new policy does not "
                "list: they are still graded as before; correct their nature",
                count,
            ).format(count=f"{count:,}", nature=repr(nature))
        )
    if rescale and check.rescalable:
        env.say(
            _(
                "--rescale: the entries of {items} are rescaled to their new weights in the "
                "same write (the what-if above is before rescaling)"
            ).format(items=", ".join(check.rescalable))
        )


def _confirmed(env: Env, check: ActivationCheck, args: argparse.Namespace) -> bool:
    """Ask on a terminal, unless --yes; a refusal to come is not asked about."""
    if args.yes or not sys.stdin.isatty() or (check.failures and not args.force):
        return True
    if check.stranded and not args.rescale:
        return True
    question = _("Activate version {version} for {archive}? [y/N] ").format(
        version=check.policy.version, archive=env.db_shown
    )
    env.stderr.write(terminal_text(question))
    env.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def _check_json(check: ActivationCheck) -> dict[str, Any]:
    return {
        "file": check.file,
        "version": check.policy.version,
        "sha256": check.policy.sha256,
        "replaces": {"version": check.diff.old.version, "sha256": check.diff.old.sha256},
        "tests": {
            "file": str(check.tests_file) if check.tests_file else None,
            "checks": check.checks,
            "failed": check.failures,
        },
        "what_if": (check.diff.impact or {}).get("summary", []),
        "stranded": [_stranded_json(s) for s in check.stranded],
        "unknown_natures": dict(check.unknown_natures),
    }


def _stranded_json(item: Stranded) -> dict[str, Any]:
    return {
        "item": item.key,
        "label": item.label,
        "old_weight": item.old_weight,
        "new_weight": item.new_weight,
        "customers": len(item.customers),
        "highest": item.highest,
    }


def run_show(args: argparse.Namespace, env: Env) -> int:
    """The policy text in force on stdout, exactly; who activated it, when, on stderr."""
    store = env.archive()
    active = store.active_policy()
    if active:
        text = str(active["text"])
        about = {k: active.get(k) for k in ("version", "sha256", "path")}
        about |= {"activated_by": active.get("activated_by"), "at": active.get("activated_at")}
        header = (
            f"# active policy of {env.db_shown}: version {about['version']}, sha256 "
            f"{about['sha256']}, activated by {about['activated_by']} at {about['at']} "
            f"from {about['path']}"
        )
    else:
        policy = policy_in_force(store)
        text = policy.source
        about = {"version": policy.version, "sha256": policy.sha256, "path": policy.path}
        about |= {"activated_by": None, "at": None}
        header = (
            f"# no policy was ever activated in {env.db_shown}: the shipped default is in force "
            f"(version {policy.version}, sha256 {policy.sha256})"
        )
    if env.json:
        env.emit_json({"active": bool(active), **about, "text": text})
        return 0
    env.warn(header)
    # As stored into a pipe or a file (`> 2027.yaml` is the text byte for byte), escaped on
    # a terminal.
    env.data_stream().write(text if text.endswith("\n") else text + "\n")
    return 0


def run_history(args: argparse.Namespace, env: Env) -> int:
    """Every activation, oldest first: when, who, version, hash, file, forced."""
    events = env.archive().history(kind="policy_activated")
    rows = [
        {
            "at": e.get("at"),
            "actor": e.get("actor"),
            "version": e.get("version"),
            "sha256": e.get("sha256"),
            "path": e.get("path"),
            "forced": bool(e.get("forced")),
            "tests": e.get("tests"),
        }
        for e in events
    ]
    if env.json:
        env.emit_json(rows)
        return 0
    if not rows:
        env.say(f"no policy was ever activated in {env.db_shown}; the shipped default is in force")
        return 0
    env.say(
        render_table(
            ["activated at", "by", "version", "sha256", "file", "tests"],
            [
                [r["at"], r["actor"], r["version"], str(r["sha256"])[:12], r["path"], _tests(r)]
                for r in rows
            ],
        )
    )
    return 0


def _tests(row: dict[str, Any]) -> str:
    tests = row["tests"]
    if not isinstance(tests, dict):
        return "—"  # activated before activations ran the tests
    if tests.get("file") is None:
        return "none"
    failed = tests.get("failed", 0)
    text = f"{tests.get('checks', 0)} checks, {failed} failed" if failed else "pass"
    return text + (" (FORCED)" if row["forced"] else "")
