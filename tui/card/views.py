"""Read-only renderings of a customer's sections: score breakdown, leases, sources, history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from creditfile.application.allocation import DEMAND_EVENT, demand_summary
from creditfile.application.changes import change_lines
from creditfile.application.customers import SOURCE_VERIFIED
from creditfile.application.form_audit import FORM_AUDITED, audit_summary
from creditfile.application.form_returns import FORM_IMPORTED
from creditfile.application.quotes import QUOTE_EVENT, quote_summary
from creditfile.document import field_catalogue
from creditfile.policy.model import Policy
from creditfile.presentation.explanation import computed_clause, number_text
from creditfile.presentation.grading_words import override_text, reason_text
from creditfile.presentation.history_words import worded as history_worded
from creditfile.presentation.translation import N_, _, pgettext
from creditfile.tui.card.fields import format_money
from creditfile.tui.vocabulary import EVENTS, LIFECYCLES, PRIVILEGES, STAGES, named

GRADE_STYLES = {"A": "bold green", "B": "bold cyan", "C": "bold yellow"}
UNGRADED_STYLE = "bold magenta"
BELOW_STYLE = "bold red"


def grade_style(grade: str | None, policy: Policy) -> str:
    """The colour of a grade: the best green, the lowest red, none magenta."""
    if grade is None:
        return UNGRADED_STYLE
    if grade == policy.below_lowest.name:
        return BELOW_STYLE
    return GRADE_STYLES.get(grade, "bold")


def grade_badge(grading: Mapping[str, Any] | None, policy: Policy, lang: str) -> Text:
    """``A 92.5`` (coloured) or ``ungraded``."""
    if not grading or grading.get("grade") is None:
        return Text(_("ungraded"), style=UNGRADED_STYLE)
    grade = str(grading["grade"])
    label = policy.grade_named(grade).label if grade in _names(policy) else ""
    return Text.assemble(
        (f" {grade} ", f"reverse {grade_style(grade, policy)}"),
        f" {number_text(grading.get('total'))} {label}",
    )


def _names(policy: Policy) -> set[str]:
    return {g.name for g in policy.all_grades}


def breakdown(detail: Mapping[str, Any], policy: Policy, lang: str) -> RenderableType:
    """The engine's explanation as people read it: items, total, band, privileges, overrides.

    Args:
        detail: What ``engine.explain`` returned.
        policy: The policy it was computed under (labels as compliance wrote them).
        lang: ``zh`` or ``en``.

    Returns:
        A Rich renderable.
    """
    grading = detail["grading"]
    parts: list[RenderableType] = [
        ItemsTable(detail, lang),
        _clauses(detail, lang),
        _summary(detail, policy, lang),
    ]
    privileges = detail.get("privileges") or {}
    if privileges:
        title = _("Privileges of the grade")
        if detail.get("terms_nature"):
            nature = policy.nature_label(str(detail["terms_nature"]))
            title = _("Privileges of the grade for {nature}").format(nature=nature)
        parts.append(_privileges(privileges, lang, title))
    parts.append(_overrides(grading, lang, policy))
    return Group(*parts)


class ItemsTable:
    """The items of the breakdown, laid out for the width they get.

    Wide enough, every column: item, input, points, weight, lost. Beside the assessment form
    at 80 columns there are about 40 cells: then points and weight share a column
    (``17.5 / 20``) and the input, which the form beside it already shows (and the clause
    below for a computed item), is left out. Nothing is ever cut to ``…``.
    """

    def __init__(self, detail: Mapping[str, Any], lang: str) -> None:
        self.rows = [_item_cells(row) for row in detail["items"]]
        self.lang = lang

    def full_width(self) -> int:
        """The cells the full layout needs (five columns, their padding and rules)."""
        heads = [_(k) for k in _HEADS]
        widths = [
            max([cell_len(head), *(cell_len(row[i]) for row in self.rows)])
            for i, head in enumerate(heads)
        ]
        return sum(widths) + 3 * (len(widths) - 1)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The full table when it fits, else the compact one."""
        if self.full_width() <= options.max_width:
            yield self._full()
        else:
            yield self._compact()

    def _full(self) -> Table:
        table = Table(show_edge=False, pad_edge=False)
        table.add_column(_(_HEADS[0]), no_wrap=True)
        for key in _HEADS[1:]:
            table.add_column(_(key), justify="right", no_wrap=True)
        for label, shown, points, weight, lost in self.rows:
            table.add_row(label, shown, _points_text(points), weight, _lost_text(lost))
        return table

    def _compact(self) -> Table:
        table = Table(show_edge=False, pad_edge=False, box=None, padding=(0, 1, 0, 0))
        table.add_column(_("Item"), no_wrap=False)
        table.add_column(_("Points / of"), justify="right", no_wrap=True)
        table.add_column(_("Lost"), justify="right", no_wrap=True)
        table.header_style = "bold"
        for label, _shown, points, weight, lost in self.rows:
            table.add_row(
                label, Text.assemble(_points_text(points), f" / {weight}"), _lost_text(lost)
            )
        return table


_HEADS = (N_("Item"), N_("Input"), N_("Points"), N_("Weight"), N_("Lost"))


def _item_cells(row: Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    given = row.get("input")
    if row["method"] != "manual" and isinstance(given, int | float):
        shown = f"{given:,.0f}"
    else:
        shown = number_text(given)
    return (
        str(row["label"]),
        shown,
        number_text(row.get("points")),
        number_text(row["weight"]),
        number_text(row.get("lost")),
    )


def _points_text(points: str) -> Text:
    return Text(points, style="red" if points == _("—") else "")


def _lost_text(lost: str) -> Text:
    return Text(lost, style="" if lost in ("0", _("—")) else "red")


def _clauses(detail: Mapping[str, Any], lang: str) -> Text:
    """How the computed items were worked out, in the card's language (manual items explain
    themselves: the form beside the breakdown holds what was entered)."""
    text = Text(style="dim")
    for row in detail["items"]:
        if row["method"] != "manual":
            text.append(str(row["label"]) + _(": ") + computed_clause(row) + "\n")
    return text


def _summary(detail: Mapping[str, Any], policy: Policy, lang: str) -> Text:
    grading = detail["grading"]
    band = detail.get("band") or {}
    text = Text()
    text.append(_("Total") + _(": "), style="bold")
    text.append(number_text(grading.get("total")))
    text.append("   " + _("Grade") + _(": "), style="bold")
    text.append_text(grade_badge(grading, policy, lang))
    if band.get("grade"):
        if band.get("min_score") is None:
            text.append(
                "\n" + _("Grade {grade}: below the lowest band").format(grade=band["grade"])
            )
        else:
            text.append(
                "\n"
                + _("Grade {grade} band: {min} points or more").format(
                    grade=band["grade"], min=number_text(band["min_score"])
                )
            )
        if band.get("next_grade"):
            text.append(
                "   "
                + _("{gap} points short of grade {grade}").format(
                    grade=band["next_grade"], gap=number_text(band.get("gap_to_next"))
                ),
                style="yellow",
            )
        else:
            text.append("   " + _("Already the best grade"), style="green")
    tier = detail.get("tier_label") or _("—")
    text.append(
        "\n"
        + _("Customer: {lifecycle} · {stage} · {tier}").format(
            lifecycle=named(LIFECYCLES, grading.get("lifecycle")),
            stage=named(STAGES, grading.get("stage")),
            tier=tier,
        )
    )
    sha = str(detail.get("policy", {}).get("sha256", ""))[:12]
    text.append(
        "\n" + _("Policy {version} ({sha})").format(version=policy.version, sha=sha), style="dim"
    )
    return text


def _privileges(privileges: Mapping[str, Any], lang: str, title: str) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        show_header=False,
        show_edge=False,
        pad_edge=False,
    )
    table.add_column()
    table.add_column()
    for key, value in privileges.items():
        if isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif key == "credit_limit":
            shown = format_money(value)
        else:
            shown = str(value)
        label = named(PRIVILEGES, key)
        table.add_row(key if label == f"priv.{key}" else label, shown)
    return table


def _overrides(grading: Mapping[str, Any], lang: str, policy: Policy | None = None) -> Text:
    text = Text()
    text.append(_("Overrides") + _(": "), style="bold")
    overrides = grading.get("overrides") or []
    if not overrides:
        text.append(pgettext("assess.no_overrides", "none"))
    for rule in overrides:
        change = f" {rule['from']}→{rule['to']}" if "cap_grade" in rule else ""
        flag = f" [{rule['flag']}]" if rule.get("flag") else ""
        text.append(f"\n  {rule['id']}{change}{flag}: {override_text(rule, policy)}")
    reasons = grading.get("reasons") or []
    if reasons:
        text.append("\n" + _("Reasons") + ":", style="bold")
        for reason in reasons:
            text.append(f"\n  • {reason_text(reason, policy)}", style="magenta")
    return text


def lease_row(lease: Mapping[str, Any], policy: Policy, lang: str) -> tuple[Any, ...]:
    """One lease as a table row: contract, item, start, end, amount, status, outstanding."""
    status = str(lease.get("status", ""))
    style = {"active": "green", "cancelled": "dim strike"}.get(status, "")
    return (
        str(lease.get("contract", "")),
        policy.item_label(str(lease.get("item", ""))),
        str(lease.get("start") or ""),
        str(lease.get("end") or ""),
        Text(format_money(lease.get("amount")), justify="right"),
        Text(choice_label("leases[].status", status, lang), style=style),
        Text(format_money(lease.get("outstanding")), justify="right"),
    )


LEASE_COLUMNS = tuple(
    f"leases[].{name}"
    for name in ("contract", "item", "start", "end", "amount", "status", "outstanding")
)
# Who gathered it (an agency's name can be long) after the short columns, so that the cost
# stays in sight on an 80-column terminal.
SOURCE_COLUMNS = tuple(
    f"sources[].{name}" for name in ("kind", "on", "verified", "cost", "by", "note")
)
HISTORY_COLUMNS = (N_("When"), N_("Who"), N_("Event"), N_("Detail"))
RELATED_COLUMNS = (
    N_("Direction"),
    "related[].id",
    "name",
    "related[].relation",
    "related[].note",
)


def related_rows(
    relations: Mapping[str, Sequence[Mapping[str, Any]]], lang: str
) -> list[tuple[Any, ...]]:
    """Both directions of a customer's relations as table rows: the customers it names (one
    not on file in red), then the customers that name it, with the relation as they state
    it."""
    rows: list[tuple[Any, ...]] = []
    for relation in relations.get("names", ()):
        name = relation.get("name")
        rows.append(
            (
                _("names"),
                str(relation.get("id") or ""),
                Text(str(name)) if name else Text(_("not on file"), style="bold red"),
                choice_label("related[].relation", str(relation.get("relation", "")), lang),
                str(relation.get("note") or ""),
            )
        )
    for relation in relations.get("named_by", ()):
        rows.append(
            (
                _("named by"),
                str(relation.get("id") or ""),
                str(relation.get("name") or ""),
                choice_label("related[].relation", str(relation.get("relation", "")), lang),
                str(relation.get("note") or ""),
            )
        )
    return rows


def related_summary(relations: Mapping[str, Sequence[Mapping[str, Any]]]) -> Text:
    """How many customers this one names, and how many name it."""
    names, named_by = len(relations.get("names", ())), len(relations.get("named_by", ()))
    return Text(
        _(
            "names {names} related customers; named by {named_by} "
            "(a: add one it names, x: remove it, Enter: open its card)"
        ).format(names=names, named_by=named_by)
    )


def column_titles(keys: Sequence[str], lang: str) -> list[str]:
    """Column titles: a customer field's label (with its unit) from the field catalogue, else
    the interface's own (English) title, translated."""
    catalogue = field_catalogue()
    return [catalogue[key].titled(lang) if key in catalogue else _(key) for key in keys]


def choice_label(key: str, value: str, lang: str) -> str:
    """The label of ``value`` of the choice field ``key`` (a lease status, a source kind)."""
    return field_catalogue()[key].choice_labels(lang).get(value, value)


def source_row(source: Mapping[str, Any], lang: str) -> tuple[Any, ...]:
    """One source as a table row; a customer form awaiting audit stands out in bold red."""
    kind = str(source.get("kind", ""))
    verified = source.get("verified")
    pending = kind == "customer_form" and verified is False
    if pending:
        mark = Text("✗ " + _("awaiting audit"), style="bold red")
    elif verified is True:
        mark = Text("✓ " + _("yes"), style="green")
    else:
        mark = Text(_("no"))
    return (
        Text(choice_label("sources[].kind", kind, lang), style="bold red" if pending else ""),
        str(source.get("on") or ""),
        mark,
        Text(format_money(source.get("cost")), justify="right"),
        str(source.get("by") or ""),
        str(source.get("note") or ""),
    )


# Who and where are the row's own column (os_user, host: the OS account behind the actor).
_SKIP = {"at", "actor", "customer_id", "kind", "txn", "text", "os_user", "host"}


def history_row(
    event: Mapping[str, Any],
    lang: str,
    policy: Policy | None = None,
    own_id: str | None = None,
) -> tuple[str, str, str, str]:
    """One history event as a row: when, who, what, details.

    Args:
        event: The history event.
        lang: ``zh`` or ``en``.
        policy: Names the scoring items among the changed fields, as compliance wrote them.
        own_id: The card's customer: an event recorded under another id (one merged into
            it) names that id beside what happened.
    """
    kind = str(event.get("kind", ""))
    label = named(EVENTS, kind)
    if label == f"event.{kind}":
        label = kind
    recorded_under = event.get("customer_id")
    if own_id is not None and recorded_under and recorded_under != own_id:
        label = f"{label} ({recorded_under})"
    changes = change_lines(event, lang, policy)
    if kind == QUOTE_EVENT:
        detail = quote_summary(event, lang, policy)
    elif kind == DEMAND_EVENT:
        detail = demand_summary(event, lang, policy)
    elif kind in (FORM_AUDITED, FORM_IMPORTED, SOURCE_VERIFIED):
        detail = audit_summary(event)
    elif kind == "grade_changed" or ("from" in event and "to" in event):
        detail = f"{event.get('from') or '—'} → {event.get('to') or '—'}  {event.get('total', '')}"
    elif changes:
        # One line per changed field: label, old value, new value (personal values masked).
        return (
            local_time(event.get("at")),
            str(event.get("actor", "")),
            label,
            "\n".join(line.text() for line in changes),
        )
    else:
        detail = " ".join(_detail_parts(event, lang, policy))
    return (
        local_time(event.get("at")),
        str(event.get("actor", "")),
        label,
        detail,
    )


def _detail_parts(event: Mapping[str, Any], lang: str, policy: Policy | None) -> Sequence[str]:
    parts = []
    for key, value in event.items():
        if key in _SKIP or value in (None, "", [], {}):
            continue
        if key == "fields" and isinstance(value, list):
            changed = changed_fields(value, lang, policy)
            parts.append(pgettext("history.fields", "changed") + f": {changed}")
            continue
        worded = history_worded(key, value)
        if worded is not None:
            parts.append(worded)
            continue
        if isinstance(value, bool):
            shown = _("yes") if value else _("no")
        else:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{key}={shown}")
    return parts


def changed_fields(paths: Sequence[object], lang: str, policy: Policy | None = None) -> str:
    """The fields an edit changed, as people name them: ``电话、成立日期`` or ``Phone, Founded on``.

    The history records document paths (``contact.phone``); a path the field catalogue does
    not know, such as a scoring item of the policy, is shown as recorded.
    """
    catalogue = field_catalogue()
    items = {f"assessment.{i.key}": i.label for i in policy.scoring} if policy else {}
    labels = [items.get(str(p)) or catalogue.label_of_path(str(p), lang) for p in paths]
    return ("、" if lang == "zh" else ", ").join(labels)


def leases_summary(
    leases: Sequence[Mapping[str, Any]], lang: str, hidden: Sequence[str] = ()
) -> Text:
    """The cumulative amount (not counting cancelled leases), the keys of the leases tab and
    the ``hidden`` columns' titles, left out for the terminal's width."""
    total = sum(
        float(x["amount"])
        for x in leases
        if x.get("status") != "cancelled"
        and isinstance(x.get("amount"), int | float)
        and not isinstance(x.get("amount"), bool)
    )
    text = Text(_("Cumulative amount (not cancelled): {amount}").format(amount=f"{total:,.2f}"))
    # On a line of its own: beside a large amount it ran past 80 columns.
    text.append("\n" + _("a add · Enter edit · c close · x cancel"), style="dim")
    if hidden:
        text.append(
            "\n"
            + _("Too narrow to show: {columns}; Enter shows the whole lease").format(
                columns=("、" if lang == "zh" else ", ").join(hidden)
            ),
            style="dim",
        )
    if not leases:
        text.append("\n" + _("No leases"))
    return text


def sources_summary(sources: Sequence[Mapping[str, Any]], pending: int, lang: str) -> Text:
    """How many customer forms await an audit (in red) and the keys of the sources tab."""
    text = Text()
    if pending:
        text.append(_("{n} customer form(s) awaiting audit").format(n=pending), style="bold red")
        text.append("   ")
    text.append(_("a add · v mark verified"), style="dim")
    if not sources:
        text.append("\n" + _("No sources"))
    return text


def local_time(stamp: object) -> str:
    """An ISO time stamp as staff read it: local time, to the minute (``2026-11-29 18:15``).

    The store writes UTC; a stamp without a zone is shown as written.
    """
    if not isinstance(stamp, str) or not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")
