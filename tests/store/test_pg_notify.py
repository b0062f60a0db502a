"""A PostgreSQL archive tells its listeners of every committed write (LISTEN/NOTIFY), with the
customers it touched, at once; an undone write tells nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest

from creditfile.application.watching import ChangeWatcher
from creditfile.store import Archive, StaleRevisionError, open_database
from creditfile.store.postgres import PostgresArchive


def _doc(cid: str, name: str = "武汉宏达建设工程有限公司") -> dict[str, Any]:
    return {"id": cid, "name": name, "nature": "ordinary_company"}


def _grade(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(d["id"]): {"status": "graded", "grade": "B"} for d in docs}


@pytest.fixture
def two(pg_url: str) -> tuple[PostgresArchive, PostgresArchive]:
    """The same archive opened twice, as by two offices."""
    first = open_database(pg_url, create=True)
    return first, open_database(pg_url)


def test_a_save_elsewhere_is_told_at_once_with_its_customer(
    two: tuple[PostgresArchive, PostgresArchive],
) -> None:
    mine, theirs = two
    watcher = ChangeWatcher(mine)
    assert watcher.wait(0.2) == []
    theirs.save_customer(_doc("C1"), base_rev=None, actor="li")
    started = time.monotonic()
    changes = watcher.wait(5)
    assert time.monotonic() - started < 1
    assert [(c.kinds, c.customers) for c in changes] == [(("customer_created",), ("C1",))]
    assert changes[0].touches("C1") and not changes[0].touches("C2")
    with pytest.raises(StaleRevisionError):
        theirs.save_customer(_doc("C1", "x"), base_rev=7, actor="li")
    assert watcher.wait(0.5) == []  # a refused save was undone: no news
    watcher.close()


def test_a_regrade_and_an_activation_are_told_as_touching_everyone(
    two: tuple[PostgresArchive, PostgresArchive], default_policy_text: str
) -> None:
    mine, theirs = two
    theirs.import_customers([_doc(f"C{n}") for n in range(60)], actor="ops")
    watcher = ChangeWatcher(mine)
    theirs.regrade(_grade, run={"as_of": "2026-11-01"}, actor="ops")
    (regraded,) = watcher.wait(5)
    assert "regrade_run" in regraded.kinds and regraded.customers is None
    assert regraded.touches("C59")
    theirs.regrade(_grade, run={"as_of": "2026-11-02"}, actor="ops")  # no grade changes
    (again,) = watcher.wait(5)
    assert again.kinds == ("regrade_run",) and again.touches("C1")
    theirs.activate_policy(
        default_policy_text, sha256="0" * 64, version="2026.1", path=None, actor="chen"
    )
    (activated,) = watcher.wait(5)
    assert activated.kinds == ("policy_activated",) and activated.customers is None
    watcher.close()


def test_a_file_archive_is_watched_by_its_stamp(tmp_path: Any) -> None:
    path = tmp_path / "archive.json"
    mine = Archive.open(path, create=True)
    watcher = ChangeWatcher(mine, poll=0.05)
    assert watcher.wait(0.2) == []
    Archive.open(path).save_customer(_doc("C1"), base_rev=None, actor="li")
    (changed,) = watcher.wait(5)
    assert changed.touches("C1")
    watcher.close()


def test_a_write_through_the_archive_watched_is_told_as_its_own(
    two: tuple[PostgresArchive, PostgresArchive],
) -> None:
    mine, theirs = two
    watcher = ChangeWatcher(mine)
    mine.save_customer(_doc("C1"), base_rev=None, actor="wang")
    (own,) = watcher.wait(5)
    assert own.own and own.customers == ("C1",)
    theirs.save_customer(_doc("C2"), base_rev=None, actor="li")
    (other,) = watcher.wait(5)
    assert not other.own and other.customers == ("C2",)
    watcher.close()
