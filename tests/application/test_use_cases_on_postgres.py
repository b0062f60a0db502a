"""The application's use cases on a PostgreSQL archive: the same tests as on the file.

The tests are those of ``test_grades_follow`` and ``test_use_cases``, collected here again with
their archive opened in a fresh database on the throwaway server (tests/pgcluster.py). Left out:
the tests that read the archive file's bytes or open the terminal UI, which is not yet able to
open a database.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from creditfile.application.opening import open_archive
from creditfile.application.regrade import regrade
from creditfile.policy import Policy
from creditfile.store import ArchiveStore

sys.path.insert(0, str(Path(__file__).parent))
import test_grades_follow as follow
import test_use_cases as cases


@pytest.fixture
def archive(pg_url: str, default_policy: Policy) -> ArchiveStore:
    """``test_grades_follow``'s archive, in PostgreSQL."""
    rng = random.Random(4)
    store = open_archive(pg_url, create=True)
    docs = [follow._doc(i, rng.randint(1, 900) * 1000) for i in range(40)]
    store.import_customers(docs, actor="a")
    regrade(store, default_policy, follow.AS_OF, "night")
    return store


@pytest.fixture
def store(pg_url: str) -> ArchiveStore:
    """``test_use_cases``'s archive, in PostgreSQL."""
    rng = random.Random(3)
    archive = open_archive(pg_url, create=True)
    archive.import_customers([cases._doc(i, rng) for i in range(60)], actor="seed")
    return archive


test_a_save_leaves_every_grading_as_a_regrade_would = (
    follow.test_a_save_leaves_every_grading_as_a_regrade_would
)
test_a_new_customer_is_graded_as_it_is_saved = follow.test_a_new_customer_is_graded_as_it_is_saved
test_a_changed_score_stamps_who_and_when_unless_the_editor_did = (
    follow.test_a_changed_score_stamps_who_and_when_unless_the_editor_did
)
test_a_save_between_an_imports_check_and_its_write_is_kept = (
    follow.test_a_save_between_an_imports_check_and_its_write_is_kept
)
test_migration_between_two_runs_counts_a_grade_a_save_changed_between_them = (
    follow.test_migration_between_two_runs_counts_a_grade_a_save_changed_between_them
)
test_verified_sources_are_recorded_in_the_saves_transaction = (
    cases.test_verified_sources_are_recorded_in_the_saves_transaction
)
test_the_policy_in_force_is_chosen_one_way = cases.test_the_policy_in_force_is_chosen_one_way
test_an_activated_policy_that_no_longer_loads_says_what_to_do = (
    cases.test_an_activated_policy_that_no_longer_loads_says_what_to_do
)


def test_a_regrade_on_postgresql_stores_the_engines_gradings_and_the_tops(
    store: ArchiveStore, default_policy: Policy
) -> None:
    from creditfile.engine import grade_archive

    expected = grade_archive(store.documents(), default_policy, cases.AS_OF)
    result = regrade(store, default_policy, cases.AS_OF, "ops")
    stored = open_archive(store.location).records()
    assert {cid: r["_grading"] for cid, r in stored.items()} == expected
    (run,) = store.runs()
    top = max(float(d["leases"][0]["amount"]) for d in store.documents())
    assert run["tops"] == {"cumulative_lease_amount": top}
    assert run["run_id"] == result.run_id and result.summary()["customers"] == 60
