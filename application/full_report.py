"""Every report at once over an archive: ``report all``'s sheets and the HTML page's sections."""

from __future__ import annotations

from typing import Any

from creditfile.application.agency import agency_report
from creditfile.application.reporting import ArchiveView, ReportError
from creditfile.application.trend import trend_report
from creditfile.store import ArchiveStore


def full_report(store: ArchiveStore, view: ArchiveView) -> dict[str, Any]:
    """The portfolio (``ArchiveView.portfolio``: compositions, credit, exposure, review,
    migration), the lease amount booked per year by the grade held at each year's end
    (``trend``), and the agency investigations' cost (``agency``).

    A series too long to show (a lease dated centuries back) leaves ``trend`` None and says
    why in ``trend_error``: the other reports still stand.
    """
    report = view.portfolio(store)
    try:
        report["trend"] = trend_report(store, view, "grade", "year")
        report["trend_error"] = None
    except ReportError as error:
        report["trend"] = None
        report["trend_error"] = str(error)
    report["agency"] = agency_report(view)
    return report
