"""``creditfile form``: the form a customer fills in, written, read back and audited.

- ``form ID --out FILE.xlsx`` (or ``--blank``): the form, prefilled from the archive;
- ``form import FILE.xlsx``: a returned form recorded as a ``customer_form`` source, its
  declared values kept beside the archive's for audit;
- ``form audit ID [FIELD accept|reject|set VALUE] [--source N]``: the values awaiting audit, or
  one decision (``--source``: which form, when several answered the field).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from creditfile.cli.env import Env, UsageError
from creditfile.presentation.translation import _, ngettext

if TYPE_CHECKING:
    from creditfile.application.form_pending import PendingAnswer


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Add the ``form`` command."""
    parser = sub.add_parser(
        "form",
        parents=[parent],
        help=_(
            "write the form a customer fills in, in Chinese, prefilled with what "
            "the archive holds: only what a customer declares, nothing internal; "
            "`form import FILE` records a returned form, `form audit ID` audits what it declared"
        ),
    )
    parser.add_argument(
        "words",
        metavar="ID | import FILE | audit ID [FIELD accept|reject|set VALUE]",
        nargs="*",
        help=_("a customer's id (write its form), or import or audit and their arguments"),
    )
    parser.add_argument("--out", metavar="FILE", help=_("the .xlsx file to write"))
    parser.add_argument(
        "--blank", action="store_true", help=_("a blank form, for no customer in particular")
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=_("replace the --out file if it exists (otherwise an existing file is refused)"),
    )
    parser.add_argument(
        "--type",
        metavar="NATURE",
        dest="nature",
        help=_(
            "a blank form for a customer of this nature (key or label, e.g. individual or "
            "个人): an individual's asks for no credit code, founding date, registered capital "
            "or personal data"
        ),
    )
    parser.add_argument(
        "--source",
        type=int,
        metavar="N",
        help=_(
            "form audit: the returned form to decide, by its source number (#N in "
            "`form audit ID`, on the card and in the history), when several forms answered "
            "the field with different values"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, env: Env) -> int:
    """Write a form, import a returned one, or audit what one declared."""
    words: list[str] = list(args.words)
    if args.source is not None and (words[:1] != ["audit"] or len(words) < 4):
        raise UsageError(
            _("--source N names the form of a decision: form audit ID FIELD … --source N")
        )
    if args.source is not None and args.source < 1:
        raise UsageError(
            _("--source {value}: give the form's source number, #1 or more").format(
                value=args.source
            )
        )
    if words[:1] == ["import"]:
        if len(words) != 2 or args.out or args.blank:
            raise UsageError(_("form import: give one file, the returned form (FILE.xlsx)"))
        return _import(words[1], env)
    if words[:1] == ["audit"]:
        if len(words) not in (2, 4, 5) or args.out or args.blank:
            raise UsageError(
                _("form audit: give ID, or ID FIELD accept|reject, or ID FIELD set VALUE")
            )
        return _audit(words[1:], args.source, env)
    if len(words) > 1:
        raise UsageError(
            _("form: give one customer id (or import FILE, or audit ID …); got {words}").format(
                words=" ".join(words)
            )
        )
    if not args.out:
        raise UsageError(_("form: give --out FILE.xlsx, the form to write"))
    if args.blank == bool(words):
        raise UsageError(_("form: give a customer's ID, or --blank for a blank form (not both)"))
    if args.nature is not None and not args.blank:
        raise UsageError(
            _("form: --type is for a blank form; a customer's form follows the customer's nature")
        )
    nature = _nature(args.nature, env) if args.nature is not None else None
    return _write(words[0] if words else None, args.out, env, nature, replace=args.force)


def _nature(written: str, env: Env) -> str:
    """The nature key ``--type`` names, by key or label in either language."""
    from creditfile.presentation.translation import language
    from creditfile.spreadsheets.columns import reverse_labels

    policy = env.policy()
    names = reverse_labels(policy.natures) | reverse_labels(policy.in_language("en").natures)
    found = names.get(written.strip().lower())
    if found is None:
        raise UsageError(
            _("--type {value}: not a nature of the policy; give one of: {natures}").format(
                value=repr(written),
                natures=", ".join(policy.in_language(language()).natures.values()),
            )
        )
    return found


def _write(
    customer_id: str | None, out_name: str, env: Env, nature: str | None, *, replace: bool
) -> int:
    from creditfile.application.forms import write_form
    from creditfile.application.outputs import check_output

    out = Path(out_name)
    # The archive's own name says more than its suffix; a form already written may be one
    # being filled in: replaced only when asked.
    check_output(out, archive=env.db_path, replace=replace)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(
            _("{out}: name the file .xlsx so Excel and WPS open it").format(out=out_name)
        )
    archive = env.archive() if customer_id is not None else None
    written = write_form(
        archive, customer_id, out, env.policy(), db_path=env.db_path, nature=nature
    )
    if env.json:
        env.emit_json(
            {"out": str(written.out), "customer_id": written.customer_id, "fields": written.fields}
        )
    elif written.customer_id:
        env.say(
            _(
                "wrote {out}: the form of {id}, {count} fields prefilled from the archive; "
                "send it to the customer"
            ).format(out=written.out, id=written.customer_id, count=written.fields)
        )
    else:
        env.say(
            _("wrote {out}: a blank form of {count} fields; write the customer's id in it").format(
                out=written.out, count=written.fields
            )
        )
    return 0


def _import(file: str, env: Env) -> int:
    from creditfile.application.form_audit import pending_answers
    from creditfile.application.form_returns import FormError, import_form
    from creditfile.application.lookup import find_customer

    try:
        done = import_form(
            env.archive(), file, env.policy(), actor=env.actor, as_of=env.as_of, today=env.as_of
        )
    except FormError as exc:
        for problem in exc.problems:
            env.warn(f"creditfile: {problem}")
        env.warn(_("creditfile: nothing was recorded; correct the form and import it again"))
        return 1
    if env.json:
        env.emit_json(
            {
                "customer_id": done.customer_id,
                "declared": done.declared,
                "same": done.same,
                "recorded": done.source_index is not None,
            }
        )
        return 0
    if done.source_index is None:
        env.say(
            _("{file}: this form of {id} was recorded already; nothing was recorded").format(
                file=file, id=done.customer_id
            )
        )
        return 0
    if not done.declared:
        env.say(
            _("recorded the form of {id}: every answer is as on file; the form is verified").format(
                id=done.customer_id
            )
        )
        return 0
    env.say(
        ngettext(
            "recorded the form of {id}: {count} declared value kept beside the archive's, "
            "to audit (`creditfile form audit {id}`, or d on the card):",
            "recorded the form of {id}: {count} declared values kept beside the archive's, "
            "to audit (`creditfile form audit {id}`, or d on the card):",
            len(done.declared),
        ).format(id=done.customer_id, count=len(done.declared))
    )
    answers = pending_answers(find_customer(env.archive(), done.customer_id))
    env.say(_answers_table([a for a in answers if done.source_index in a.indexes()]))
    return 0


def _audit(words: list[str], source: int | None, env: Env) -> int:
    from creditfile.application.form_audit import (
        AmbiguousDeclaredError,
        AuditError,
        audit_declared,
        audit_summary,
        pending_answers,
        pending_values,
    )
    from creditfile.application.lookup import find_customer

    customer_id = words[0]
    if len(words) == 1:
        doc = find_customer(env.archive(), customer_id)
        if env.json:
            env.emit_json(
                [
                    {
                        "field": p.key,
                        "declared": p.declared,
                        "current": p.current,
                        "source": p.source_number,
                        "on": p.on,
                        "by": p.by,
                    }
                    for p in pending_values(doc)
                ]
            )
            return 0
        answers = pending_answers(doc)
        if not answers:
            env.say(_("{id}: no declared value awaits audit").format(id=customer_id))
        else:
            env.say(_answers_table(answers))
        return 0
    field, decision = words[1], words[2]
    if (decision == "set") != (len(words) == 4):
        raise UsageError(_("form audit: set takes the audited VALUE; accept and reject take none"))
    try:
        done = audit_declared(
            env.archive(),
            customer_id,
            field,
            decision,
            env.policy(),
            actor=env.actor,
            as_of=env.as_of,
            typed=words[3] if len(words) == 4 else "",
            source=source,
            today=env.as_of,
        )
    except AmbiguousDeclaredError as exc:
        env.warn(f"creditfile: {exc}")
        env.warn(
            _("creditfile: nothing was decided; give --source N, e.g. --source {number}").format(
                number=exc.choices[0].source_number
            )
        )
        return 1
    except AuditError as exc:
        env.warn(f"creditfile: {exc}")
        return 1
    if env.json:
        env.emit_json({**done.event, "verified": done.verified})
        return 0
    env.say(audit_summary(done.event))
    if done.verified:
        env.say(_("every declared value of the form is audited: the form is verified"))
    return 0


def _answers_table(answers: Sequence[PendingAnswer]) -> str:
    """The declared values awaiting audit as a table, each value whole with its lines kept
    (on a terminal fitted to its width, long values folded inside their cells), then the
    forms the table names: who filled each in and when."""
    from creditfile.application.form_audit import shown_value
    from creditfile.cli.table import render_table

    rows = [
        [
            answer.first.label(),
            answer.numbers(),
            shown_value(answer.first.key, answer.first.current).splitlines() or [""],
            shown_value(answer.first.key, answer.first.declared).splitlines() or [""],
        ]
        for answer in answers
    ]
    headers = [_("Field"), _("Form"), _("On file"), _("Declared")]
    forms = {value.source_number: value for answer in answers for value in answer.values}
    legend = [
        _("(form #{number} filled in by {by} on {on})").format(
            number=number, by=value.by or "—", on=value.on or "—"
        )
        for number, value in sorted(forms.items(), reverse=True)
    ]
    return "\n".join([render_table(headers, rows, [False] * len(headers)), *legend])
