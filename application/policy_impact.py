"""A new policy's effect on the archive, read a batch at a time: whose grade or tier would
change and why, whose agency investigation, the entries it would strand, the natures it does
not list (``policy diff --db``, ``policy activate``).

A store that hands its records out in batches (``store.BatchReadingStore``: both stores) is
read twice at most, never held whole. The first pass takes each policy's archive-wide tops from
every batch's facts (``engine.facts_of``, ``scoring.archive_tops``): a maximum, so batch by
batch gives the tops of the whole archive. The stored gradings' tops stand for the old
policy's when a whole regrade under it at this date wrote them, and for the new policy's too
when it counts a customer's facts alike and takes no other top (a change of weights, bands or
thresholds): then there is no first pass. The second grades each batch under both policies against
those tops (``engine.grade_with_tops``) and keeps only what the report needs: the counts by
grade and by reason, one compact row per customer whose grading changes (``policy_diff.WhatIfSums``)
and the investigation changes, both in temporary files (``spooled_rows``: not in memory, however
many change), the stranded entries and the unknown natures. The result is exactly
``engine.policy_diff.what_if`` over every document at once (the tests hold it to that, on both
stores). The second pass measures the tops again: a save between the passes that moved them
is found out, and the batches graded again with the archive's own.

A policy with an item on the rank scale places each customer among every established one: its
what-if is made from every document at once, as is that of any other store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from creditfile.application.regrade_stream import streams
from creditfile.application.report_batches import stored_tops
from creditfile.application.spooled_rows import SpooledRows, spooled_rows
from creditfile.engine import CustomerFacts, facts_of, grade_with_tops
from creditfile.engine.grading import archive_tops_for, grade_archive
from creditfile.engine.policy_diff import WhatIfSums, what_if
from creditfile.engine.rescaling import Stranded, joined_stranded, stranded_entries
from creditfile.engine.scoring import archive_tops
from creditfile.policy import Policy
from creditfile.reports.investigation import investigation_suggested
from creditfile.store import ArchiveStore, BatchReadingStore, JSONObject, customer_document

BATCH = 2_000
"""Customers read and graded per batch (under both policies): a few megabytes."""

Tops = dict[str, Decimal]


@dataclass(frozen=True)
class ArchiveImpact:
    """What a new policy would do to the archive, against the policy compared from.

    Attributes:
        what_if: ``engine.policy_diff.what_if`` over every customer, with
            ``investigation_changes`` (``investigation_changes``) when they were asked for.
            Read a batch at a time, its lists of customers (``grade_changes``,
            ``tier_changes``, ``investigation_changes``) are ``spooled_rows.SpooledRows``:
            iterate them (as often as needed) rather than index them.
        stranded: ``engine.rescaling.stranded_entries`` over every customer.
        unknown_natures: Natures of stored customers that the new policy does not list, with
            how many customers have each, in the order first met.
    """

    what_if: dict[str, Any]
    stranded: tuple[Stranded, ...]
    unknown_natures: dict[str, int]


def archive_impact(
    store: ArchiveStore, old: Policy, new: Policy, as_of: date, *, investigations: bool = False
) -> ArchiveImpact:
    """Grade every customer of ``store`` under ``old`` and ``new`` at ``as_of`` and compare;
    a batch at a time when the store reads in batches and neither policy ranks.

    Args:
        store: The archive.
        old: The policy compared from (the one in force).
        new: The policy compared to.
        as_of: The grading date.
        investigations: Also list the customers whose agency investigation would be suggested
            under one policy only.

    Raises:
        StoreError: the store could not be read.
    """
    if isinstance(store, BatchReadingStore) and streams(old) and streams(new):
        return _in_batches(store, (old, new), as_of, investigations)
    return impact_of(store.documents(), old, new, as_of, investigations=investigations)


def impact_of(
    docs: Sequence[Mapping[str, Any]],
    old: Policy,
    new: Policy,
    as_of: date,
    *,
    investigations: bool = False,
) -> ArchiveImpact:
    """``archive_impact`` of every document at once (``docs``: the whole archive)."""
    before, after = grade_archive(docs, old, as_of), grade_archive(docs, new, as_of)
    impact = what_if(docs, old, new, as_of, (before, after))
    if investigations:
        rows = investigation_changes(docs, before, after, old, new, as_of)
        impact["investigation_changes"] = rows
    natures: Counter[str] = Counter()
    _count_unknown(docs, new, natures)
    return ArchiveImpact(impact, tuple(stranded_entries(docs, old, new)), dict(natures))


def investigation_changes(
    docs: Sequence[Mapping[str, Any]],
    before: Mapping[str, Mapping[str, Any]],
    after: Mapping[str, Mapping[str, Any]],
    old: Policy,
    new: Policy,
    as_of: date,
) -> list[dict[str, Any]]:
    """The customers an agency investigation would be suggested for under one policy only.

    Returns:
        ``{"id", "name", "grade", "change", "reason"}`` per customer: ``change`` is
        ``suggested`` (the new policy suggests it, the old did not) or ``withdrawn``;
        ``reason`` is the suggesting policy's, ``grade`` the one under the new policy.
    """
    rows: list[dict[str, Any]] = []
    for doc in docs:
        cid = str(doc.get("id"))
        was = investigation_suggested(doc, before.get(cid, {}), old, as_of)
        now = investigation_suggested(doc, after.get(cid, {}), new, as_of)
        if (was is None) == (now is None):
            continue
        rows.append(
            {
                "id": cid,
                "name": doc.get("name"),
                "grade": after.get(cid, {}).get("grade"),
                "change": "suggested" if now is not None else "withdrawn",
                "reason": (now or was or {}).get("reason"),
            }
        )
    return rows


def _in_batches(
    store: BatchReadingStore, policies: tuple[Policy, Policy], as_of: date, investigations: bool
) -> ArchiveImpact:
    tops = _first_tops(store, policies, as_of)
    while True:
        impact, seen = _graded(store, policies, as_of, tops, investigations)
        if seen == tops:
            return impact
        tops = seen  # the archive changed since the tops were taken: graded again with its own


def _first_tops(
    store: BatchReadingStore, policies: tuple[Policy, Policy], as_of: date
) -> tuple[Tops, Tops]:
    """Each policy's archive-wide tops. The stored gradings' are the old policy's when they are
    its and this date's (a whole regrade wrote them), and the new policy's too when it counts
    the same facts and takes no other top: then the archive is read once, not twice. Otherwise
    a first pass takes them from every batch (the old policy's too, without stored tops)."""
    old, new = policies
    stored = stored_tops(store, old, as_of)
    if stored is None:
        before, after = _measured(store, policies, as_of)
        return before, after
    wanted = set(archive_tops_for([], new, as_of))
    if _alike(old, new) and wanted <= set(stored):
        return dict(stored), {fact: stored[fact] for fact in wanted}
    (after,) = _measured(store, (new,), as_of)
    return dict(stored), after


def _docs(store: BatchReadingStore) -> Iterator[list[JSONObject]]:
    """Every customer document of ``store``, a batch at a time (read-only)."""
    for records in store.record_batches(BATCH):
        yield [customer_document(record) for record in records]


def _alike(old: Policy, new: Policy) -> bool:
    """Whether both policies work out a customer's facts alike (same new-customer months and
    windows): the facts of one are the other's."""
    return old.new_customer_months == new.new_customer_months and old.windows == new.windows


def _facts(
    docs: Sequence[Mapping[str, Any]], policies: Sequence[Policy], as_of: date
) -> list[list[CustomerFacts]]:
    """The batch's facts under each policy: worked out once for policies that count alike."""
    found: list[list[CustomerFacts]] = []
    for n, policy in enumerate(policies):
        same = next((found[i] for i in range(n) if _alike(policies[i], policy)), None)
        found.append(same if same is not None else facts_of(docs, policy, as_of))
    return found


def _fold(tops: Tops, facts: list[CustomerFacts], policy: Policy) -> None:
    for fact, top in archive_tops(facts, policy).items():
        tops[fact] = max(tops.get(fact, Decimal(0)), top)


def _measured(store: BatchReadingStore, policies: Sequence[Policy], as_of: date) -> list[Tops]:
    """A pass over every batch: each policy's archive-wide tops, from the batches' facts."""
    tops: list[Tops] = [{} for _ in policies]
    for docs in _docs(store):
        for kept, facts, policy in zip(tops, _facts(docs, policies, as_of), policies, strict=True):
            _fold(kept, facts, policy)
    return tops


def _graded(
    store: BatchReadingStore,
    policies: tuple[Policy, Policy],
    as_of: date,
    tops: tuple[Tops, Tops],
    investigations: bool,
) -> tuple[ArchiveImpact, tuple[Tops, Tops]]:
    """The second pass: every batch graded under both policies against ``tops`` and folded
    into the impact; with the tops of the customers graded."""
    old, new = policies
    sums = WhatIfSums(old, new, spooled_rows)
    investigated: SpooledRows[dict[str, Any]] = SpooledRows()
    stranded: list[list[Stranded]] = []
    natures: Counter[str] = Counter()
    seen: tuple[Tops, Tops] = ({}, {})
    for docs in _docs(store):
        facts = _facts(docs, policies, as_of)
        before, after = (
            grade_with_tops(docs, batch_facts, policy, as_of, policy_tops)
            for batch_facts, policy, policy_tops in zip(facts, policies, tops, strict=True)
        )
        for kept, batch_facts, policy in zip(seen, facts, policies, strict=True):
            _fold(kept, batch_facts, policy)
        sums.add(docs, before, after)
        if investigations:
            investigated.extend(investigation_changes(docs, before, after, old, new, as_of))
        if found := stranded_entries(docs, old, new):
            stranded.append(found)
        _count_unknown(docs, new, natures)
    impact = sums.result()
    if investigations:
        impact["investigation_changes"] = investigated
    joined = tuple(joined_stranded(stranded, new))
    return ArchiveImpact(impact, joined, dict(natures)), seen


def _count_unknown(docs: Sequence[Mapping[str, Any]], new: Policy, into: Counter[str]) -> None:
    into.update(str(d.get("nature")) for d in docs if d.get("nature") not in new.natures)
