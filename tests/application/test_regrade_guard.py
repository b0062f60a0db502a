"""The numbers a regrade guard judges, and its limits, checked against a plain recount."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditfile.application.regrade_guard import Limit, RegradeGuard, breaches, count_regrade

GRADES = st.sampled_from(["A", "B", "C", "D", None])


@pytest.mark.parametrize(
    ("text", "count", "percent"),
    [("40", 40, None), ("0", 0, None), ("2.5%", None, 2.5), (" 5 % ", None, 5.0)],
)
def test_a_limit_is_a_count_or_a_share(text: str, count: int | None, percent: float | None) -> None:
    limit = Limit.parse(text)
    assert (limit.count, limit.percent) == (count, percent)


@pytest.mark.parametrize("text", ["", "x", "-3", "1.5", "5%%", "%"])
def test_anything_else_is_refused_with_the_two_ways_to_write_it(text: str) -> None:
    with pytest.raises(ValueError, match=r"\(40\).*\(2\.5%\)"):
        Limit.parse(text)


def test_a_share_is_of_the_archive_and_its_edge_is_allowed() -> None:
    assert Limit.parse("5%").allows(100, 2000)
    assert not Limit.parse("5%").allows(101, 2000)
    assert Limit.parse("0").allows(0, 10)
    assert not Limit.parse("0").allows(1, 10)


@given(st.dictionaries(st.text(min_size=1, max_size=4), st.tuples(GRADES, GRADES), max_size=40))
def test_counts_match_a_plain_recount(pairs: dict[str, tuple[str | None, str | None]]) -> None:
    previous = {cid: old for cid, (old, _new) in pairs.items()}
    gradings = {
        cid: {"grade": new, "status": "graded" if new else "ungraded"}
        for cid, (_old, new) in pairs.items()
    }
    counts = count_regrade(previous, gradings)
    assert counts.customers == len(pairs)
    assert counts.changes == sum(old != new for old, new in pairs.values())
    assert counts.ungraded_before == sum(old is None for old, _ in pairs.values())
    assert counts.ungraded_after == sum(new is None for _, new in pairs.values())
    assert counts.newly_ungraded == sum(o is not None and n is None for o, n in pairs.values())
    assert counts.ungraded_rise == max(0, counts.ungraded_after - counts.ungraded_before)
    loose = RegradeGuard(Limit.parse(str(counts.changes)), Limit.parse("100%"))
    assert breaches(loose, counts) == []
    if counts.changes:
        tight = RegradeGuard(max_changes=Limit.parse(str(counts.changes - 1)))
        assert [b.guard for b in breaches(tight, counts)] == ["max_changes"]
