"""The cost of the agency investigations (专业机构调查) an archive records."""

from __future__ import annotations

from typing import Any

from creditfile.application.reporting import ArchiveView
from creditfile.reports.agency import agency_costs


def agency_report(view: ArchiveView) -> dict[str, Any]:
    """Investigations and their cost by year and grade, up to the view's date."""
    return agency_costs(view.docs, view.gradings, view.policy, view.as_of)
