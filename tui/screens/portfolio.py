"""The portfolio: shares of customers and of lease amount by grade, leased item, nature and tier."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import LoadingIndicator, Static, Tab, Tabs

from creditfile.presentation.translation import N_, _
from creditfile.reports.shares import UNGRADED, UNKNOWN_LABEL
from creditfile.tui.keys import bindings
from creditfile.tui.screens.base import DataScreen
from creditfile.tui.vocabulary import PORTFOLIO_VIEWS, named
from creditfile.tui.widgets.customer_table import fit
from creditfile.tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from creditfile.tui.service import ArchiveService

VIEWS = ("grade", "item", "nature", "tier", "trend")
COMPOSITIONS = VIEWS[:-1]
BAR_CELLS = 30


def bar(pct: float, cells: int = BAR_CELLS) -> Text:
    """A horizontal bar for a percentage, in eighths of a cell."""
    eighths = round(max(0.0, min(pct, 100.0)) / 100 * cells * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (" ▏▎▍▌▋▊▉"[rest] if rest else "")
    return Text(text + " " * (cells - cell_len(text)), style="cyan")


def _label(row: Mapping[str, Any], lang: str, by: str) -> str:
    """A group's label as the policy words it; grades with their letter, keys in English."""
    label, key = str(row.get("label") or ""), str(row.get("key") or "")
    # The reports word what they add themselves in Chinese; in English say it in English.
    if key == UNGRADED:
        return _("ungraded")
    if not key or label == UNKNOWN_LABEL:
        return _("unknown")
    if by == "grade":
        return f"{key} {label}"
    return label if lang == "zh" or label == key else f"{label} ({key})"


LABEL_CELLS = 24
NARROW_LABEL_CELLS = 16  # names keep at least 12 cells on an 80-column terminal
# Between the label and the bars: a share and a count (``  6.00%       12``), then a share, and
# one cell of padding either side of every inner column edge.
_SHARE_COUNT, _SHARE, _GAPS = 17, 7, 8


def bar_cells(width: int, widest_label: int) -> tuple[int, int]:
    """The label's and each bar's cells so that a composition table fits ``width`` cells: the
    labels whole where the bars keep ten cells, else cut to ``NARROW_LABEL_CELLS``."""
    label = min(LABEL_CELLS, max(widest_label, 1))
    fixed = _SHARE_COUNT + _SHARE + _GAPS
    if (width - label - fixed) // 2 < 10:
        label = min(label, NARROW_LABEL_CELLS)
    bars = (width - label - fixed) // 2
    return label, max(6, min(BAR_CELLS, bars))


def _shares_table(
    rows: Sequence[tuple[str, float, int, float]], headers: Sequence[str], width: int
) -> Table:
    """Label, a bar with its share and count, a second bar with its share; ``width`` wide."""
    label_cells, bars = bar_cells(width, max((cell_len(row[0]) for row in rows), default=0))
    table = Table(box=None, pad_edge=False, expand=False, show_edge=False)
    table.add_column(headers[0], no_wrap=True)
    # The bars' headers may wrap (a long English one) rather than widen the table past the
    # terminal's edge, which cut every column short.
    table.add_column(headers[1], min_width=bars)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column(headers[2], min_width=bars)
    table.add_column("", justify="right", no_wrap=True)
    for label, first_pct, count, second_pct in rows:
        table.add_row(
            fit(label, label_cells),
            bar(first_pct, bars),
            f"{first_pct:6.2f}% {count:>8,}",
            bar(second_pct, bars),
            f"{second_pct:6.2f}%",
        )
    return table


def composition_table(report: Mapping[str, Any], lang: str, width: int = 120) -> Table:
    """Customers and cumulative lease amount per group, each with its share and bar."""
    by = str(report.get("by"))
    rows = [
        (_label(r, lang, by), r["customers_pct"], r["customers"], r["cumulative_pct"])
        for r in report["rows"]
    ]
    headers = (
        _("Grade") if by == "grade" else "",
        _("Share of customers"),
        _("Share of cumulative lease amount"),
    )
    return _shares_table(rows, headers, width)


def item_table(report: Mapping[str, Any], lang: str, width: int = 120) -> Table:
    """Leases and lease amount per leased-item category, each with its share and bar."""
    rows = [
        (_label(r, lang, "item"), r["leases_pct"], r["leases"], r["amount_pct"])
        for r in report["rows"]
    ]
    return _shares_table(rows, ("", _("Share of leases"), _("Share of lease amount")), width)


def total_line(report: Mapping[str, Any], lang: str) -> str:
    """The report's totals, in words."""
    total = report["total"]
    if "leases" in total:
        return _("Total: {leases} leases, amount CNY {amount}").format(
            leases=f"{total['leases']:,}", amount=f"{total['amount']:,.2f}"
        )
    return _("Total: {customers} customers, cumulative lease amount CNY {amount}").format(
        customers=f"{total['customers']:,}", amount=f"{total['cumulative_amount']:,.2f}"
    )


def trend_table(report: Mapping[str, Any], lang: str) -> Table:
    """Per year: the lease amount booked (in 10,000 CNY, 万元), its change on the year before,
    and each grade's share (the grade each customer held at the year's end, as the regrade
    runs recorded it; ``none``: not graded by then)."""
    table = Table(box=None, pad_edge=False, expand=False, show_edge=False)
    table.add_column(_("Year"), no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column(_("10k CNY"), justify="right", no_wrap=True)
    table.add_column(_("Change"), justify="right", no_wrap=True)
    groups = report["groups"]
    for group in groups:
        name = _("none") if group["key"] == UNGRADED else group["key"]
        table.add_column(f"{name}%", justify="right", no_wrap=True)
    largest = max((p["amount"] for p in report["periods"]), default=0) or 1
    for period in report["periods"]:
        change = period["change_pct"]
        shares = {row["key"]: row["amount_pct"] for row in period["rows"]}
        table.add_row(
            period["key"],
            bar(period["amount"] * 100 / largest, 10),
            f"{period['amount'] / 10000:,.1f}",
            "-" if change is None else f"{change:+.1f}%",
            *(f"{shares.get(g['key'], 0):.1f}" for g in groups),
        )
    return table


def trend_line(report: Mapping[str, Any]) -> str:
    """What the trend counts, in words."""
    return _("Leases by the year they start; grades as held at each year's end, to {day}").format(
        day=report["to"]
    )


class PortfolioScreen(DataScreen):
    """The composition of the archive, one view at a time (b / ← → or a click on a tab).

    Args:
        service: The application's service.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings("portfolio", "en"),
        *bindings("screen", "en"),
    ]

    def __init__(self, service: ArchiveService) -> None:
        super().__init__(service, "portfolio")
        self.view = VIEWS[0]
        self.reports: Mapping[str, Mapping[str, Any]] = {}

    def compose(self) -> ComposeResult:
        """Title, one tab per view, the bars and the totals."""
        yield self.title_line(N_("Portfolio"))
        yield Tabs(
            *(Tab(named(PORTFOLIO_VIEWS, v), id=f"by-{v}") for v in VIEWS),
            id="portfolio-tabs",
        )
        yield self.counting_line()
        yield LoadingIndicator(id="portfolio-loading")
        with VerticalScroll(id="portfolio-body"):
            yield Static("", id="portfolio-chart")
            yield Static("", id="portfolio-total")
        yield Static(
            _(
                "b or → shows the next view, B or ← the previous: grade, leased item, nature, "
                "tier, trend"
            ),
            classes="hint",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        """Compute once the archive is there."""
        self.refresh_data()

    def spoken(self) -> None:
        """The view shown before the language changed stays shown."""
        self.query_one(Tabs).active = f"by-{self.view}"

    def compute(self) -> Any:
        """The compositions (every customer counted a batch at a time, the progress shown),
        shown as soon as they are counted; then the trend."""
        reports: dict[str, Any] = self.service.portfolio(COMPOSITIONS, self.counted_from_thread)
        self.app.call_from_thread(self._present, dict(reports))
        reports["trend"] = self.service.trend("grade", "year", self.counted_from_thread)
        return reports

    def present(self, data: Any) -> None:
        """Keep the reports; draw the current view."""
        self.reports = data
        self.query_one("#portfolio-loading").display = False
        self.draw()

    def draw(self) -> None:
        """Draw the current view's bars."""
        report = self.reports.get(self.view)
        if report is None:  # still being counted (the trend, after the compositions)
            if self.reports:
                self.query_one("#portfolio-chart", Static).update("")
                self.query_one("#portfolio-total", Static).update("")
            return
        if self.view == "trend":
            self.query_one("#portfolio-chart", Static).update(trend_table(report, self.lang))
            self.query_one("#portfolio-total", Static).update(
                Text(trend_line(report), style="bold")
            )
            return
        width = self.query_one("#portfolio-chart", Static).size.width or self.app.size.width
        table = (
            item_table(report, self.lang, width)
            if self.view == "item"
            else composition_table(report, self.lang, width)
        )
        self.query_one("#portfolio-chart", Static).update(table)
        self.query_one("#portfolio-total", Static).update(
            Text(total_line(report, self.lang), style="bold")
        )

    def on_resize(self, event: events.Resize) -> None:
        """The bars take what the terminal's width leaves them."""
        if self.reports:
            self.call_after_refresh(self.draw)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        """A click (or key) on a tab shows that view."""
        if event.tab is not None and event.tab.id:
            self.view = event.tab.id.removeprefix("by-")
            self.draw()

    def _step(self, step: int) -> None:
        at = VIEWS.index(self.view)
        self.query_one(Tabs).active = f"by-{VIEWS[(at + step) % len(VIEWS)]}"

    def action_next_view(self) -> None:
        """The next view (grade → item → nature → tier → trend)."""
        self._step(1)

    def action_prev_view(self) -> None:
        """The previous view."""
        self._step(-1)

    def rows(self, view: str) -> Sequence[Mapping[str, Any]]:
        """The rows of a view's report (for tests); the trend's are its periods."""
        report = self.reports.get(view, {})
        return list(report.get("periods" if view == "trend" else "rows", []))
