"""The market data kept with an archive: where it is, the template an analyst starts from, and
the company's share of the market added to a composition report.

By convention the market file lies beside the archive, named after it:
``ARCHIVE.market.yaml`` (or ``.yml``, or ``ARCHIVE.market.xlsx``). ``--market FILE`` names
another one (a PostgreSQL archive has no folder: it always needs ``--market``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from creditfile.application.market_file import MarketError, read_market
from creditfile.policy import Policy
from creditfile.policy.errors import os_said
from creditfile.presentation.translation import _
from creditfile.reports.market import MarketData, MarketQuestion, market_shares, with_market
from creditfile.reports.periods import Period

MARKET_SUFFIXES = (".market.yaml", ".market.yml", ".market.xlsx")
MARKET_DIMENSIONS = ("grade", "item")


def market_files_beside(archive: Path) -> list[Path]:
    """The market files named by convention beside ``archive`` that exist."""
    return [p for p in (Path(f"{archive}{s}") for s in MARKET_SUFFIXES) if p.is_file()]


def find_market(archive: Path | None, given: str | None) -> Path | None:
    """The market file of a report: ``given``, else the one beside the archive, else None.

    Raises:
        MarketError: two files beside the archive (which one is meant cannot be told).
    """
    if given:
        return Path(given)
    if archive is None:
        return None
    found = market_files_beside(archive)
    if len(found) > 1:
        raise MarketError(
            [_("{files}: two market files beside the archive; keep one, or name it with "
               "--market").format(files=", ".join(str(p) for p in found))]
        )  # fmt: skip
    return found[0] if found else None


def load_market(archive: Path | None, given: str | None, policy: Policy) -> MarketData | None:
    """The checked market data of a report, or None when there is none.

    Raises:
        MarketError: the file is wrong (every problem located).
    """
    path = find_market(archive, given)
    return None if path is None else read_market(path, policy)


def add_market(
    report: dict[str, Any],
    by: str,
    market: MarketData,
    docs: Sequence[Mapping[str, Any]],
    grades: Mapping[str, str],
    period: Period,
    region: str | None,
) -> dict[str, Any]:
    """``report`` (composition by grade or by item) with the company's share of the market
    in ``period`` (see ``reports.market``), for ``region`` or every region of the file.

    Raises:
        MarketError: ``region`` is not one the file gives.
    """
    if region is not None and region not in market.regions:
        raise MarketError(
            [_("{file}: no region {region!r} in the market file; its regions: {regions}").format(
                file=market.file, region=region, regions=", ".join(market.regions) or "—")]
        )  # fmt: skip
    items = [str(row["key"]) for row in report["rows"]] if by == "item" else []
    asked = MarketQuestion(period.start, period.end, region)
    shares = market_shares(market, docs, grades, items, asked)
    return with_market(report, shares, by)


TEMPLATE_HEAD = """\
# Market data (市场规模): the size of the equipment-leasing market by leased item, region and
# period, for `creditfile report composition --by item|grade --from … --to …`, which sets the
# company's lease amount booked in the period against it.
# Kept beside the archive as ARCHIVE.market.yaml (or .xlsx), or named with --market FILE.
# Check it with `creditfile market check`. Schema: policy/schema/market.schema.json.
#
# item:   a key of the policy's item_categories, or its label (Chinese or English)
# region: the region the figure covers; regions of one file must not overlap (a report adds
#         them up unless --region picks one)
# period: a year (2025) or a quarter (2025-Q3); a year given with all four quarters must be
#         their sum
# size:   the market's lease amount in the period, in the file's unit (元, 万元 or 亿元)
source: 示例数据,请替换为实际来源(如行业协会年鉴)
unit: 万元
markets:
"""


def market_template_rows(policy: Policy, year: int) -> list[dict[str, Any]]:
    """Example figures for ``policy``: every leased item in one region, the year before
    ``year`` by its four quarters and ``year - 2`` as a whole year (sizes in 万元, made up)."""
    rows: list[dict[str, Any]] = []
    for n, (key, label) in enumerate(policy.item_categories.items(), start=1):
        rows.append({"item": key, "label": label, "region": "湖北省", "period": str(year - 2),
                     "size": n * 4_000})  # fmt: skip
        rows.extend(
            {"item": key, "label": label, "region": "湖北省", "period": f"{year - 1}-Q{q}",
             "size": n * 1_000 + q * 50}
            for q in range(1, 5)
        )  # fmt: skip
    return rows


def market_template(policy: Policy, year: int) -> str:
    """An example market file (YAML) for ``policy``, documented in its comments."""
    lines = [TEMPLATE_HEAD]
    shown = ""
    for row in market_template_rows(policy, year):
        if row["label"] != shown:
            shown = row["label"]
            lines.append(f"  # {shown}\n")
        period = row["period"] if "-" in row["period"] else int(row["period"])
        lines.append(
            f"  - {{item: {row['item']}, region: {row['region']}, period: {period}, "
            f"size: {row['size']}}}\n"
        )
    return "".join(lines)


def write_new_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, which must not exist yet (an analyst's file is never
    replaced).

    Raises:
        MarketError: the file exists, or cannot be created.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    except FileExistsError:
        raise MarketError(
            [_("{path}: already exists; edit it, or move it away for a new template").format(
                path=path)]
        ) from None  # fmt: skip
    except OSError as exc:
        raise MarketError([f"{path}: {os_said(exc).text(_)}"]) from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(text)
