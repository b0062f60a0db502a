"""The active policy as compliance wrote it, whether its file still validates, and reload."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from creditfile.policy.fact_catalogue import FACT_NAMES
from creditfile.presentation.translation import N_, _, pgettext
from creditfile.tui.keys import bindings
from creditfile.tui.screens.base import DataScreen
from creditfile.tui.vocabulary import POLICY_ORIGINS, PRIVILEGES, named
from creditfile.tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from creditfile.policy import Policy
    from creditfile.tui.service import ArchiveService, PolicyStatus


def _table(*headers: str) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for header in headers:
        table.add_column(header, no_wrap=False)
    return table


def summary(status: PolicyStatus, lang: str) -> Table:
    """Version, name, effective date, hash, file and where it came from."""
    policy, source = status.policy.in_language(lang), status.source
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")  # a hash or a path folds at 80 columns, never cut
    rows = [
        (N_("Version"), policy.version),
        (N_("Name"), policy.name),
        (N_("Effective from"), str(policy.effective_from or "—")),
        (N_("SHA-256"), policy.sha256),
        (N_("File"), source.path or policy.path or "—"),
        (N_("Source"), named(POLICY_ORIGINS, source.origin)),
    ]
    for key, value in rows:
        table.add_row(_(key), value)
    return table


def disk_state(status: PolicyStatus, lang: str) -> Text:
    """Whether the file on disk validates, and its problems if not."""
    if not status.disk_checked:
        return Text(
            _("The policy is stored in the archive; there is no file to check"), style="dim"
        )
    if status.disk_problems:
        text = Text(
            _(
                "The file on disk does not validate ({n} problems); the "
                "loaded policy stays in force:"
            ).format(n=len(status.disk_problems)),
            style="bold red",
        )
        for problem in status.disk_problems:
            text.append("\n  " + problem.text(_), style="red")
        return text
    if status.disk_changed:
        # Reloading re-reads the archive's activated copy, so an edited file needs activating.
        key = (
            N_(
                "The file on disk differs from the archive's activated "
                "policy: run creditfile policy activate {path} to use it"
            )
            if status.source.origin == "archive"
            else N_("The file on disk validates but was changed: press r to reload")
        )
        return Text(_(key).format(path=status.source.path), style="bold yellow")
    return Text(_("The file on disk validates and is the policy in force"), style="green")


def _fact_name(fact: str | None) -> str:
    """The fact an item is computed from, as people name it (its key if it has no name)."""
    name = FACT_NAMES.get(fact or "cumulative_lease_amount")
    return _(name) if name else str(fact)


def items_table(policy: Policy, lang: str) -> Table:
    """Scoring items with their weights and methods."""
    table = _table(
        _("key"),
        _("Item"),
        _("Weight"),
        _("Method"),
    )
    for item in policy.scoring:
        if item.method == "manual":
            method = _("entered by sales")
        elif item.method == "bands":
            method = _("by bands") + f" · {_fact_name(item.fact)}"
        elif item.scale == "rank":
            method = _("by rank among established customers (new customers {points})").format(
                points=f"{item.new_customer_points or 0:g}"
            )
        else:
            method = _("relative to the highest (new customers {points})").format(
                points=f"{item.new_customer_points or 0:g}"
            )
            if item.scale != "linear":
                method += f" · {item.scale}"
        if item.method == "relative_to_max":
            method += f" · {_fact_name(item.fact)}"
        if item.window_months is not None:
            method += " · " + _("last {months} months").format(months=item.window_months)
        table.add_row(item.key, item.label, f"{item.weight:g}", method)
    table.add_row(
        "",
        "",
        Text(f"{sum(i.weight for i in policy.scoring):g}", style="bold"),
        _("{n} decimal places, rounded half-up").format(n=policy.rounding),
    )
    return table


def thresholds_table(policy: Policy, lang: str) -> Table:
    """Grades, their labels and minimum totals."""
    table = _table(_("Grade"), _("Label"), _("Minimum"))
    for grade in policy.grades:
        table.add_row(
            grade.name, grade.label, _("{score} or more").format(score=f"{grade.min_score:g}")
        )
    lowest = policy.grades[-1].min_score if policy.grades else 0
    below = policy.below_lowest
    table.add_row(below.name, below.label, _("below {score}").format(score=f"{lowest:g}"))
    return table


def privileges_table(policy: Policy, lang: str) -> Table:
    """Each grade's privileges, one column per grade, keys as the policy names them."""
    grades = [g.name for g in policy.all_grades]
    keys: list[str] = []
    for grade in grades:
        for key in policy.privileges.get(grade, {}):
            if key not in keys:
                keys.append(key)
    # The key as the YAML names it (for compliance, who edit it), then what it means.
    table = _table(_("key"), "", *grades)
    for key in keys:
        label = named(PRIVILEGES, key)
        table.add_row(
            key,
            "" if label == f"priv.{key}" else label,
            *(_value(policy.privileges.get(g, {}).get(key)) for g in grades),
        )
    return table


def _value(value: Any) -> str:
    if value is True:
        return "✓"
    if value is False:
        return "✗"
    if value is None:
        return "—"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,}"
    return str(value)


def tiers_table(policy: Policy, lang: str) -> Table:
    """Tiers in order with their conditions (first match wins)."""
    table = _table(_("key"), _("Label"), pgettext("policy.col.when", "When"))
    for tier in policy.tiers:
        table.add_row(tier.key, tier.label, tier.when or _("otherwise"))
    return table


def overrides_table(policy: Policy, lang: str) -> RenderableType:
    """Overrides in order: id, condition, effect and reason."""
    if not policy.overrides:
        return Text(_("(none)"), style="dim")
    table = _table("id", pgettext("policy.col.when", "When"), _("Effect"), "")
    for rule in policy.overrides:
        effect = f"cap_grade: {rule.cap_grade}" if rule.cap_grade else f"flag: {rule.flag}"
        table.add_row(rule.id, rule.when, effect, rule.reason)
    return table


def policy_view(status: PolicyStatus, lang: str) -> Group:
    """The whole policy screen's content (its labels in English where the policy gives them)."""
    policy = status.policy.in_language(lang)
    sections: list[RenderableType] = [summary(status, lang), Text(""), disk_state(status, lang)]
    parts: Sequence[tuple[str, RenderableType]] = (
        (N_("Scoring items and weights"), items_table(policy, lang)),
        (N_("Grade thresholds"), thresholds_table(policy, lang)),
        (N_("Privileges per grade"), privileges_table(policy, lang)),
        (N_("Tiers"), tiers_table(policy, lang)),
        (N_("Overrides"), overrides_table(policy, lang)),
    )
    for key, body in parts:
        sections.extend([Text(""), Text(_(key), style="bold underline"), body])
    return Group(*sections)


class PolicyScreen(DataScreen):
    """The policy in force; ``r`` reloads it from its file after an edit.

    The keyboard: the page has the focus (↑/↓, PgUp/PgDn, Home/End scroll it), ``r``
    reloads, Esc goes back to the list; the hint line under the page says so.

    Args:
        service: The application's service.
    """

    BINDINGS: ClassVar[list[BindingType]] = [*bindings("policy", "en"), *bindings("screen", "en")]

    def __init__(self, service: ArchiveService) -> None:
        super().__init__(service, "policy")
        self.status: PolicyStatus | None = None

    def compose(self) -> ComposeResult:
        """Title and the policy."""
        yield self.title_line(N_("Policy"))
        with VerticalScroll(id="policy-body"):
            yield Static("", id="policy-view")
        yield Static(
            _("↑↓ PgUp PgDn scroll · r reloads the policy file · Esc back to the list"),
            classes="hint",
            id="policy-hint",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        """Show it once the archive is there; the page takes the keys that scroll it."""
        self.refresh_data()
        self.query_one("#policy-body").focus()

    def on_screen_resume(self) -> None:
        """Re-check the file on disk every time the screen is shown."""
        if self.lang != self.service.lang:
            self.run_worker(self.speak(), exclusive=True, group="speak")
            return
        self.refresh_data(force=True)

    def spoken(self) -> None:
        """The page takes the keys that scroll it again."""
        self.query_one("#policy-body").focus()

    def compute(self) -> Any:
        """The status, the file on disk checked afresh."""
        return self.service.policy_status()

    def present(self, data: Any) -> None:
        """Draw it."""
        self.status = data
        self.query_one("#policy-view", Static).update(policy_view(data, self.lang))

    def action_reload(self) -> None:
        """Load the policy again from where it came from."""
        self._reload()

    @work(thread=True, exclusive=True, group="policy-reload", exit_on_error=False)
    def _reload(self) -> None:
        status = self.service.reload_policy()
        self.app.call_from_thread(self._reloaded, status)

    def _reloaded(self, status: PolicyStatus) -> None:
        self.present(status)
        if status.disk_problems:
            self.notify(_("The policy file has errors; not reloaded"), severity="error")
        else:
            self.notify(_("Policy {version} reloaded").format(version=status.policy.version))
        self._seen = self.service.generation
        self.app.call_later(self.app.run_action, "reindex")
