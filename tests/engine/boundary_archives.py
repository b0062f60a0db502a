"""Generated archives and policies that sit on every boundary grading has.

Totals on each grade threshold and 0.005 either side of it, first trades on the new-customer
boundary day and at month ends, zero and tied tops, missing, malformed and out-of-range entries,
malformed leases and sources, and policies whose conditions fail on some customers.
"""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta
from typing import Any

import yaml

AS_OF_DATES = (
    date(2026, 11, 29),
    date(2026, 2, 28),
    date(2024, 2, 29),
    date(2026, 3, 31),
    date(2026, 12, 31),
    date(2026, 1, 1),
)
STATUSES = ("active", "closed", "cancelled")
NATURES = ("individual", "developer")
ODD_ENTRIES = (None, "8", True, False, float("nan"), float("inf"), -0.0, [], {"points": 3})
ODD_LEASES = (5, "L2023-001", None, 3.5, ["active"], True)


def shift_months(day: date, months: int, day_of_month: int | None = None) -> date:
    """``day`` moved by whole months, the day of month clamped to the month's length."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day_of_month or day.day, last))


def boundary_first_trade(rng: random.Random, as_of: date, new_months: int) -> date:
    """A first trade on or next to the new-customer boundary, or at a month end."""
    months = new_months + rng.choice((-1, 0, 0, 0, 1, 12, 40))
    day_of_month = rng.choice((as_of.day, as_of.day, 1, 28, 29, 30, 31))
    first = shift_months(as_of, -months, day_of_month)
    return first + timedelta(days=rng.choice((-1, 0, 0, 0, 1)))


def _entry(rng: random.Random, weight: float) -> Any:
    roll = rng.random()
    if roll < 0.04:
        return rng.choice(ODD_ENTRIES)
    if roll < 0.08:
        return rng.choice((weight + 0.005, weight + 1, -0.005, -1, 10**30))
    if roll < 0.2:
        return rng.choice((0, weight, float(weight), 0.005, weight - 0.005, weight - 0.0049))
    return round(rng.uniform(0, weight), rng.choice((0, 1, 2, 3)))


def _amount(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.05:
        return rng.choice(("100000", -5000, None, True, float("nan"), float("inf"), 0))
    if roll < 0.4:
        return rng.choice((1_000_000, 500_000, 475_000, 333_333.33, 666_666.67, 2_500, 1))
    return round(rng.uniform(0, 3_000_000), rng.choice((0, 2)))


def _lease(rng: random.Random, index: int, n: int, as_of: date) -> Any:
    if rng.random() < 0.04:
        return rng.choice(ODD_LEASES)
    lease: dict[str, Any] = {
        "contract": f"L{index}-{n}",
        "item": "tower_crane",
        "start": (as_of - timedelta(days=rng.randint(-20, 4000))).isoformat(),
        "amount": _amount(rng),
        "status": rng.choice(STATUSES),
    }
    roll = rng.random()
    if roll < 0.05:
        lease["start"] = rng.choice(("2026-13-40", 20260101, None, "", "2026/01/01"))
    elif roll < 0.1:
        lease["status"] = rng.choice(("ACTIVE", None, 5, ["active"], "closed "))
    elif roll < 0.15:
        del lease["amount"]
    if rng.random() < 0.4:
        lease["outstanding"] = rng.choice((0, 0.5, 1, 1_000, 250_000.5, 2_600_000, "9", -3, None))
        lease["overdue_days"] = rng.choice(
            (0, 1, 1.5, 30, 31, 90, 91, 120.7, 0.5, -3, "60", True, float("inf"), float("nan"))
        )
    return lease


def _sources(rng: random.Random, as_of: date) -> Any:
    if rng.random() < 0.05:
        return rng.choice((5, "form", None, [1, "x"]))
    found = []
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        found.append(
            {
                "kind": rng.choice(("customer_form", "agency_investigation", "salesperson_visit")),
                "on": rng.choice(
                    ((as_of - timedelta(days=rng.randint(-5, 900))).isoformat(), "someday", None)
                ),
                "verified": rng.choice((True, False, None, "false")),
            }
        )
    return found


def customer(
    rng: random.Random, index: int, pol: dict[str, Any], as_of: date, threshold: float | None = None
) -> dict[str, Any]:
    """One customer; with ``threshold``, manual entries that put its total near that score."""
    doc: dict[str, Any] = {
        "id": f"C{index:05d}",
        "name": f"客户{index}",
        "nature": rng.choice(
            ("developer", "individual", "central_soe", "ordinary_company", "government_agency", 5)
        ),
    }
    new_months = pol["lifecycle"]["new_customer_months"]
    roll = rng.random()
    if roll < 0.45:
        doc["profile"] = {"trading_since": boundary_first_trade(rng, as_of, new_months).isoformat()}
    elif roll < 0.5:
        doc["profile"] = rng.choice(("2020-01-01", None, {"trading_since": "2026-02-30"}))
    elif roll < 0.55:
        doc["profile"] = {"trading_since": (as_of + timedelta(days=rng.randint(1, 40))).isoformat()}
    roll = rng.random()
    if roll < 0.05:
        doc["leases"] = rng.choice((5, "L1", None, {"contract": "L"}))
    else:
        doc["leases"] = [
            _lease(rng, index, n, as_of) for n in range(rng.choice((0, 0, 1, 2, 3, 6, 11)))
        ]
    manual = [item for item in pol["scoring"] if item["method"] == "manual"]
    if threshold is not None:
        doc["assessment"] = _near(rng, manual, pol, threshold)
    elif rng.random() < 0.04:
        doc["assessment"] = rng.choice((None, [], "done", 5))
    else:
        doc["assessment"] = {
            item["key"]: _entry(rng, item["weight"])
            for item in manual
            if rng.random() > 0.03  # a key left out: missing
        }
    banded = [item for item in pol["scoring"] if item["method"] == "bands"]
    for item in banded:  # entries where the policy lets them override the bands, and where not
        if isinstance(doc["assessment"], dict) and rng.random() < 0.4:
            doc["assessment"][item["key"]] = _entry(rng, item["weight"])
    if isinstance(doc["assessment"], dict) and rng.random() < 0.7:
        doc["assessment"]["assessed_on"] = rng.choice(
            ((as_of - timedelta(days=rng.randint(-3, 800))).isoformat(), "2026-02-31", 7)
        )
    doc["sources"] = _sources(rng, as_of)
    return doc


def _near(
    rng: random.Random, manual: list[dict[str, Any]], pol: dict[str, Any], threshold: float
) -> dict[str, Any]:
    """Entries summing to ``threshold`` (less the new-customer points) ± up to 0.01."""
    relative = sum(
        item.get("new_customer_points", 0) for item in pol["scoring"] if item["method"] != "manual"
    )
    want = threshold - relative + rng.choice((-0.01, -0.005, -0.0049, 0, 0.0049, 0.005, 0.01))
    entries = {}
    for item in manual:
        entries[item["key"]] = item["weight"]
    excess = round(sum(entries.values()) - want, 4)
    for item in rng.sample(manual, len(manual)):
        cut = min(excess, item["weight"])
        entries[item["key"]] = round(item["weight"] - cut, 4)
        excess = round(excess - cut, 4)
    return entries


def archive(
    rng: random.Random, pol: dict[str, Any], as_of: date, size: int
) -> list[dict[str, Any]]:
    """``size`` customers: a third placed on grade thresholds, the rest anywhere; some ties."""
    thresholds = [g["min_score"] for g in pol["grades"]]
    docs = []
    for index in range(size):
        near = rng.choice(thresholds) if rng.random() < 0.35 else None
        docs.append(customer(rng, index, pol, as_of, near))
    if docs and rng.random() < 0.5:  # a tie for the top: the same leases under another id
        twin = dict(rng.choice(docs), id=f"T{size:05d}")
        docs.append(twin)
    return docs


def zero_top_archive(rng: random.Random, pol: dict[str, Any], as_of: date) -> list[dict[str, Any]]:
    """Established customers with nothing leased and new ones with large amounts: every top 0."""
    new_months = pol["lifecycle"]["new_customer_months"]
    docs = []
    for index in range(12):
        doc = customer(rng, index, pol, as_of, rng.choice([g["min_score"] for g in pol["grades"]]))
        if index % 2:
            doc["profile"] = {"trading_since": shift_months(as_of, -(new_months + 5)).isoformat()}
            doc["leases"] = [
                {
                    "contract": "Z",
                    "item": "x",
                    "start": "2019-01-01",
                    "amount": 0,
                    "status": "closed",
                }
            ]
            doc["sources"] = []
            if isinstance(doc["assessment"], dict):
                doc["assessment"].pop("assessed_on", None)
        else:  # new: first trade this very day (tomorrow when every first trade makes one old)
            first = as_of if new_months else as_of + timedelta(days=1)
            doc["profile"] = {"trading_since": first.isoformat()}
        docs.append(doc)
    return docs


RELATIVE_FACTS = (
    "cumulative_lease_amount",
    "lease_count",
    "active_lease_count",
    "outstanding_amount",
    "months_since_first_trade",
    "max_overdue_days",
    "days_since_agency_report",
    "days_since_assessment",
)


def policy_variant(
    default: dict[str, Any], rng: random.Random, fact: str | None = None
) -> dict[str, Any]:
    """The default policy with other weights, thresholds, rounding, months, facts and rules."""
    data = yaml.safe_load(yaml.safe_dump(default))
    data["effective_from"] = "2026-01-01"
    weights = [rng.randint(5, 30) for _ in range(6)]
    weights[-1] += 100 - sum(weights)
    if weights[-1] <= 0:
        weights = [10, 15, 20, 15, 30, 10]
    for item, weight in zip(data["scoring"], weights, strict=True):
        item["weight"] = weight
    rel = data["scoring"][3]
    rel["new_customer_points"] = rng.choice((0, rel["weight"], rng.randint(0, rel["weight"])))
    if rng.random() < 0.5:  # customers with no trade at all scored apart from new ones
        rel["prospective_customer_points"] = rng.choice((0, rng.randint(0, rel["weight"])))
    rel["fact"] = rng.choice(RELATIVE_FACTS) if fact is None else fact
    if rel["fact"] in BAND_FACTS and rng.random() < 0.6:  # facts never null nor negative
        rel["scale"] = rng.choice(("linear", "sqrt", "log", "rank"))
    if rel["fact"] == "cumulative_lease_amount" and rng.random() < 0.7:
        rel["window_months"] = rng.choice((1, 6, 12, 24, 36))
    if rng.random() < 0.5:  # a second relative item on another fact
        manual = data["scoring"][0]
        manual.update(
            method="relative_to_max", fact="lease_count", new_customer_points=manual["weight"] / 2
        )
    if rng.random() < 0.5:  # the payment item computed by bands of a fact
        payment = data["scoring"][4]
        payment.update(method="bands", fact=rng.choice(BAND_FACTS))
        payment["bands"] = bands_table(rng, payment["weight"], payment["fact"])
        if rng.random() < 0.6:
            payment["manual_override"] = rng.random() < 0.8
    top = rng.randint(75, 95)
    data["grades"] = [
        {"name": "A", "min_score": top, "label": "a"},
        {"name": "B", "min_score": top - rng.randint(1, 10), "label": "b"},
        {"name": "C", "min_score": top - rng.randint(11, 30) + 0.5, "label": "c"},
    ]
    data["lifecycle"]["new_customer_months"] = rng.choice((0, 1, 6, 12, 24, 36))
    data["rounding"] = rng.choice((0, 1, 2, 2, 3))
    data["overrides"] = rng.sample(OVERRIDES, rng.randint(0, len(OVERRIDES)))
    for grade in ("A", "B", "C"):  # credit limits refined per nature (credit_utilisation)
        if rng.random() < 0.4:
            limits = {n: {"credit_limit": rng.choice((0, 1_000, 500_000))} for n in NATURES[:2]}
            data["privileges"][grade]["by_nature"] = limits
    data["tiers"] = rng.choice(TIER_SETS)
    return data


OVERRIDES = [
    {
        "id": "unaudited",
        "reason": "客户自填资料未经审核",
        "when": "unverified_customer_form",
        "cap_grade": "B",
    },
    {
        "id": "young",
        "reason": "交易未满两年",
        "when": "months_since_first_trade < 24",
        "cap_grade": "C",
    },
    {
        "id": "stale",
        "reason": "评估过期",
        "when": "days_since_assessment > 365",
        "flag": "needs_review",
    },
    {
        "id": "owing",
        "reason": "欠款占额度过半",
        "when": "credit_utilisation > 0.5",
        "flag": "watch",
    },
    {"id": "c-check", "reason": "C级复核", "when": 'grade == "C"', "flag": "needs_review"},
    {"id": "top-cap", "reason": "高分封顶", "when": "total_score >= 95", "cap_grade": "A"},
    {"id": "overdue", "reason": "逾期", "when": "max_overdue_days > 90", "cap_grade": "D"},
]
TIER_SETS = [
    [
        {"key": "state", "label": "国企", "when": 'nature in ["central_soe", "government_agency"]'},
        {"key": "builder", "label": "开发商", "when": 'nature == "developer" and lease_count > 0'},
        {"key": "other", "label": "其他"},
    ],
    [
        {
            "key": "key_account",
            "label": "主力",
            "when": "cumulative_lease_amount >= 5000000 or lease_count >= 10",
        },
        {"key": "general", "label": "一般", "when": "cumulative_lease_amount >= 500000"},
        {"key": "scattered", "label": "零散"},
    ],
    [
        {"key": "veteran", "label": "老", "when": "months_since_first_trade >= 36"},
        {"key": "fresh", "label": "新", "when": 'lifecycle == "new" and active_lease_count > 0'},
        {"key": "assessed", "label": "评", "when": "days_since_assessment < 180"},
        {"key": "rest", "label": "其他"},
    ],
]


# Facts a bands item may use (numeric and known for every customer), and where to cut them.
BAND_FACTS = (
    "max_overdue_days",
    "lease_count",
    "active_lease_count",
    "cumulative_lease_amount",
    "outstanding_amount",
)
WHOLE_CUTS = (1, 2, 3, 6, 11, 30, 31, 90, 91, 120)
AMOUNT_CUTS = (0.5, 1, 1000, 250_000.5, 475_000, 500_000, 1_000_000, 2_600_000)


def bands_table(rng: random.Random, weight: float, fact: str) -> list[dict[str, Any]]:
    """A contiguous table from 0 up: ``max`` ends for whole-number facts, ``below`` for amounts."""
    whole = fact not in ("cumulative_lease_amount", "outstanding_amount")
    if fact == "max_overdue_days" and rng.random() < 0.4:
        cuts = [1, 31, 91]  # the regime-like table: 0, 1–30, 31–90, over 90
    else:
        pool = WHOLE_CUTS if whole else AMOUNT_CUTS
        cuts = sorted(rng.sample(pool, rng.randint(0, 4)))
    starts = [0, *cuts]
    table = []
    for index, start in enumerate(starts):
        points = rng.choice((weight, 0, round(rng.uniform(0, weight), rng.choice((0, 2, 3)))))
        band: dict[str, Any] = {"min": start, "points": points}
        if index < len(cuts):
            if whole:
                band["max"] = cuts[index] - 1
            else:
                band["below"] = cuts[index]
        table.append(band)
    return table


def window_edges(
    rng: random.Random, docs: list[dict[str, Any]], as_of: date, months: int
) -> list[dict[str, Any]]:
    """``docs`` with some lease starts moved onto a window's edges: exactly ``months`` before
    the as-of date (out), a day later (in), the as-of date itself (in), the day after it (out),
    and month ends (the 31st of a 30-day month)."""
    for doc in docs:
        leases = doc.get("leases")
        if not isinstance(leases, list):
            continue
        for lease in leases:
            if isinstance(lease, dict) and rng.random() < 0.6:
                edge = shift_months(as_of, -months, rng.choice((as_of.day, 1, 28, 29, 30, 31)))
                edge += timedelta(days=rng.choice((-1, 0, 0, 1)))
                lease["start"] = rng.choice((edge, edge, as_of, as_of + timedelta(days=1)))
                lease["start"] = lease["start"].isoformat()
    return docs
