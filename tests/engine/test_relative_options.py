"""relative_to_max options: a window (the leases of the last N months as of the grading date)
and a scale (linear, square root, logarithmic, rank), graded as the independent reference reads the
policy, on the window's edges."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import yaml
from agreement import graded_as_reference
from boundary_archives import AS_OF_DATES, archive, policy_variant, window_edges
from hypothesis import given, settings
from hypothesis import strategies as st

from creditfile.engine import explain
from creditfile.policy import PolicyError, default_policy_path, parse_policy

EXAMPLE = default_policy_path().with_name("example-options.yaml")
ENTRIES = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}


def _text(**options: Any) -> str:
    data = yaml.safe_load(default_policy_path().read_text("utf-8"))
    data["effective_from"] = "2026-01-01"
    data["scoring"][3].update(options)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _customer(cid: str, *leases: tuple[str, float]) -> dict[str, Any]:
    return {
        "id": cid,
        "name": cid,
        "nature": "developer",
        "profile": {"trading_since": "2010-01-01"},
        "leases": [
            {
                "contract": f"{cid}-{n}",
                "item": "tower_crane",
                "start": start,
                "amount": amount,
                "status": "closed",
            }
            for n, (start, amount) in enumerate(leases)
        ],
        "assessment": dict(ENTRIES),
    }


@pytest.mark.parametrize(
    ("as_of", "months", "start", "counted"),
    [
        (date(2026, 11, 29), 24, "2024-11-29", False),  # exactly 24 months before: out
        (date(2026, 11, 29), 24, "2024-11-30", True),  # a day later: in
        (date(2026, 11, 29), 24, "2026-11-29", True),  # the grading date itself: in
        (date(2026, 11, 29), 24, "2026-11-30", False),  # after the grading date: out
        (date(2026, 3, 31), 1, "2026-02-28", False),  # a whole month before the 31st
        (date(2026, 3, 31), 1, "2026-03-01", True),
        (date(2026, 2, 28), 1, "2026-01-28", False),
        (date(2026, 2, 28), 1, "2026-01-29", True),  # the 29th is not reached on the 28th
        (date(2024, 2, 29), 12, "2023-02-28", False),
        (date(2024, 2, 29), 12, "2023-03-01", True),
    ],
)
def test_a_lease_counts_in_the_window_up_to_its_edge(
    as_of: date, months: int, start: str, counted: bool
) -> None:
    text = _text(window_months=months)
    docs = [
        _customer("TOP", (as_of.isoformat(), 1_000_000)),
        _customer("EDGE", (start, 500_000), ("2015-06-01", 9e6)),
    ]
    gradings = graded_as_reference(docs, text, as_of)
    key = f"cumulative_lease_amount_last_{months}_months"
    assert gradings["EDGE"]["tops"] == {key: 1_000_000}
    assert gradings["EDGE"]["inputs"]["cumulative_lease"] == (500_000 if counted else 0)
    assert gradings["EDGE"]["items"]["cumulative_lease"] == (7.5 if counted else 0)


@pytest.mark.parametrize(
    ("scale", "points"),
    # 250,000 against a top of 1,000,000, weight 15: linear 15 × 0.25; sqrt 15 × 0.5;
    # log 15 × ln(250,001) / ln(1,000,001) = 15 × 12.429220 / 13.815512 = 13.4949…
    # rank: all four are established (trading since 2010); NONE, SMALL and QUARTER have at
    # most 250,000: 15 × 3/4 = 11.25.
    [("linear", 3.75), ("sqrt", 7.5), ("log", 13.49), ("rank", 11.25)],
)
def test_each_scale_turns_the_amount_into_points(scale: str, points: float) -> None:
    docs = [_customer("TOP", ("2020-01-01", 1_000_000)), _customer("QUARTER", ("2020-01-01", 250_000)),
            _customer("SMALL", ("2020-01-01", 2_500)), _customer("NONE")]  # fmt: skip
    gradings = graded_as_reference(docs, _text(scale=scale), date(2026, 11, 29))
    assert gradings["QUARTER"]["items"]["cumulative_lease"] == points
    assert gradings["TOP"]["items"]["cumulative_lease"] == 15
    assert gradings["NONE"]["items"]["cumulative_lease"] == 0


def test_a_root_exactly_half_way_rounds_up() -> None:
    """15 × √1 / √9,000,000 is 0.005 exactly, which rounds half up to 0.01."""
    docs = [_customer("ONE", ("2026-11-29", 1)),
            _customer("TOP", ("2026-11-29", 3e6), ("2026-11-29", 3e6), ("2026-11-29", 3e6))]  # fmt: skip
    gradings = graded_as_reference(docs, _text(scale="sqrt"), date(2026, 11, 29))
    assert gradings["ONE"]["items"]["cumulative_lease"] == 0.01


def test_explain_says_the_window_and_the_scale() -> None:
    docs = [_customer("TOP", ("2026-01-01", 1_000_000)), _customer("Q", ("2026-01-01", 250_000))]
    policy = parse_policy(_text(window_months=24, scale="sqrt"), "p.yaml")
    row = next(
        r for r in explain(docs[1], policy, date(2026, 11, 29), docs=docs)["items"]
        if r["key"] == "cumulative_lease"
    )  # fmt: skip
    assert row["clause"] == (
        "15 × √(cumulative_lease_amount over the last 24 months) / √(1,000,000.00) "
        "(the highest among established)"
    )
    assert (row["window_months"], row["scale"], row["points"]) == (24, "sqrt", 7.5)


@st.composite
def _archive(draw: st.DrawFn) -> list[dict[str, Any]]:
    amounts = st.sampled_from([0, 1, 2_500, 250_000.5, 475_000, 1_000_000, 3e6])
    days = st.integers(-40, 1200)
    docs = []
    for n in range(draw(st.integers(1, 6))):
        leases = draw(st.lists(st.tuples(days, amounts), max_size=3))
        docs.append(
            _customer(
                f"C{n}",
                *[((date(2026, 11, 29).toordinal() - d), a) for d, a in leases],
            )
        )
    for doc in docs:
        for lease in doc["leases"]:
            lease["start"] = date.fromordinal(lease["start"]).isoformat()
    return docs


@settings(max_examples=60, deadline=None)
@given(
    docs=_archive(),
    scale=st.sampled_from(["linear", "sqrt", "log", "rank"]),
    months=st.one_of(st.none(), st.sampled_from([1, 3, 12, 24, 36])),
)
def test_any_archive_grades_as_the_reference_reads_it(
    docs: list[dict[str, Any]], scale: str, months: int | None
) -> None:
    options: dict[str, Any] = {"scale": scale}
    if months is not None:
        options["window_months"] = months
    gradings = graded_as_reference(docs, _text(**options), date(2026, 11, 29))
    points = [g["items"]["cumulative_lease"] for g in gradings.values()]
    assert all(0 <= p <= 15 for p in points)


@pytest.mark.parametrize("seed", range(8))
def test_boundary_archives_on_window_edges_agree(default_policy_text: str, seed: int) -> None:
    rng = random.Random(500 + seed)
    data = policy_variant(yaml.safe_load(default_policy_text), rng, "cumulative_lease_amount")
    data["scoring"][3]["window_months"] = (1, 6, 12, 24)[seed % 4]
    data["scoring"][3]["scale"] = ("linear", "sqrt", "log", "rank")[seed % 4]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    as_of = AS_OF_DATES[seed % len(AS_OF_DATES)]
    docs = window_edges(
        rng, archive(rng, data, as_of, 100), as_of, data["scoring"][3]["window_months"]
    )
    gradings = graded_as_reference(docs, text, as_of)
    assert len({g["items"]["cumulative_lease"] for g in gradings.values()}) > 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fact": "lease_count", "window_months": 12},
         "scoring[3].window_months: window_months counts the leases started within the window, so "
         "it applies to cumulative_lease_amount only, not 'lease_count'"),
        ({"fact": "days_since_assessment", "scale": "log"},
         "scoring[3].scale: scale log needs a fact that is never null nor negative; "
         "'days_since_assessment' may be either: use scale linear, or another fact"),
        ({"scale": "cubic"}, "scoring[3].scale: 'cubic' is not allowed; use one of linear, sqrt, log, rank"),
        ({"window_months": 0}, "scoring[3].window_months: 0 is out of range: it must be at least 1"),
    ],
)  # fmt: skip
def test_a_wrong_option_is_refused_at_its_place(options: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(_text(**options), "p.yaml")
    assert [p.path + ": " + p.message for p in caught.value.problems] == [message]


def test_the_options_on_a_manual_item_are_refused() -> None:
    data = yaml.safe_load(_text())
    data["scoring"][0]["window_months"] = 12
    with pytest.raises(PolicyError) as caught:
        parse_policy(yaml.safe_dump(data, allow_unicode=True), "p.yaml")
    assert [p.message for p in caught.value.problems] == [
        "new_customer_points, prospective_customer_points, window_months and scale belong only "
        "to relative_to_max items"
    ]


def test_the_log_scale_on_a_small_fact_uses_one_plus_the_top() -> None:
    # ln(1 + 1) / ln(1 + 3) = ln 2 / ln 4 = 1/2: 7.5 of 15 for one lease against three.
    docs = [
        _customer("THREE", ("2020-01-01", 1), ("2020-02-01", 1), ("2020-03-01", 1)),
        _customer("ONE", ("2020-01-01", 1)),
    ]
    gradings = graded_as_reference(docs, _text(fact="lease_count", scale="log"), date(2026, 11, 29))
    assert gradings["ONE"]["items"]["cumulative_lease"] == 7.5
    assert gradings["THREE"]["items"]["cumulative_lease"] == 15


def test_rank_gives_equal_amounts_equal_points_and_the_top_the_whole_weight() -> None:
    # Five established customers: 0, 100, 100, 400 and 1,000,000. The one with nothing gets 0;
    # the two with 100 both get 15 × 3/5 = 9; 400 gets 15 × 4/5 = 12; the top 15. On the linear
    # scale the same archive would give the middle three 0.
    amounts = {"Z": 0, "A": 100, "B": 100, "C": 400, "TOP": 1_000_000}
    docs = [_customer(cid, ("2020-01-01", amount)) for cid, amount in amounts.items()]
    gradings = graded_as_reference(docs, _text(scale="rank"), date(2026, 11, 29))
    points = {cid: g["items"]["cumulative_lease"] for cid, g in gradings.items()}
    assert points == {"Z": 0, "A": 9, "B": 9, "C": 12, "TOP": 15}


def test_explain_counts_the_customers_a_rank_places_one_among() -> None:
    docs = [_customer("TOP", ("2020-01-01", 1_000_000)), _customer("Q", ("2020-01-01", 250_000)),
            _customer("S", ("2020-01-01", 2_500)), _customer("N")]  # fmt: skip
    policy = parse_policy(_text(scale="rank"), "p.yaml")
    rows = {
        doc["id"]: next(
            r for r in explain(doc, policy, date(2026, 11, 29), docs=docs)["items"]
            if r["key"] == "cumulative_lease"
        )
        for doc in docs
    }  # fmt: skip
    assert (rows["Q"]["at_most"], rows["Q"]["ranked"], rows["Q"]["points"]) == (3, 4, 11.25)
    assert rows["Q"]["clause"] == (
        "15 × the share of established customers whose cumulative_lease_amount is at most "
        "this customer's"
    )
    assert (rows["N"]["at_most"], rows["N"]["ranked"], rows["N"]["points"]) == (0, 4, 0)


def test_a_rank_needs_the_whole_ranking_not_the_tops_alone() -> None:
    from creditfile.engine import grade_customer

    doc = _customer("Q", ("2020-01-01", 250_000))
    policy = parse_policy(_text(scale="rank"), "p.yaml")
    with pytest.raises(ValueError, match="needs every established customer's amount"):
        grade_customer(doc, policy, date(2026, 11, 29), {"cumulative_lease_amount": Decimal(1)})


def test_with_no_top_known_an_established_customer_gets_no_points() -> None:
    # A grading given tops that do not name the item's amount (no established customer had one
    # when they were taken) scores it 0, as when the top is 0, rather than failing.
    from creditfile.engine import grade_customer

    doc = _customer("Q", ("2020-01-01", 250_000))
    policy = parse_policy(_text(), "p.yaml")
    grading = grade_customer(doc, policy, date(2026, 11, 29), {})
    assert grading["items"]["cumulative_lease"] == 0
    assert grading["status"] == "graded"


def test_a_customer_graded_alone_counts_only_the_window() -> None:
    # grade_customer without precomputed facts must compute the windowed amount itself.
    from creditfile.engine import grade_customer

    doc = _customer("Q", ("2026-01-01", 250_000), ("2015-01-01", 9_000_000))
    policy = parse_policy(_text(window_months=24), "p.yaml")
    key = "cumulative_lease_amount_last_24_months"
    grading = grade_customer(doc, policy, date(2026, 11, 29), {key: Decimal(1_000_000)})
    assert grading["inputs"]["cumulative_lease"] == 250_000
    assert grading["items"]["cumulative_lease"] == 3.75
