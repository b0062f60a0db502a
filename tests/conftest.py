"""Shared fixtures: the shipped policy and a few documents."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from creditfile.policy import Policy, default_policy_path, load_policy

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
ROOT = Path(__file__).resolve().parent.parent

# Mutation testing (scripts/mutation.py) judges each mutant by one test run: the same examples
# every time, and no example database carried from one mutant to the next.
settings.register_profile("mutation", derandomize=True, database=None, deadline=None)
# Hypothesis' per-example deadline times the machine, not the code: on a shared two-core machine
# under load one grading can take 300 ms that takes 2 ms idle. The benchmarks time the code.
# (``--hypothesis-profile=NAME`` still chooses another profile: the plugin loads it after this.)
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")


@pytest.fixture(autouse=True)
def _cold_caches() -> Iterator[None]:
    """Every test starts with the engine's and the policy's caches empty.

    mutmut forks each mutant's run from a process that already ran the suite: a warm cache would
    answer from the unmutated code and hide the mutant. And it learns which tests reach which
    function by running the suite once: a cache warmed by an earlier test would hide the calls.
    """
    for name, module in list(sys.modules.items()):
        if not name.startswith("creditfile.") or module is None:
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                value.cache_clear()
    yield


@pytest.fixture(autouse=True)
def _english_first() -> Iterator[None]:
    """Every test starts in English, whatever the one before it put in force.

    Many tests call ``set_language("zh")`` to read a screen or a message in Chinese and leave
    it so; on a shared worker the next test then read Chinese messages where it expected
    English, and failed only in that order.
    """
    from creditfile.presentation.translation import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def speak() -> Iterator[Callable[[str], str]]:
    """``speak("zh")`` puts a language in force for the test; English is back after it."""
    from creditfile.presentation.translation import set_language

    yield set_language
    set_language("en")


@pytest.fixture(scope="session")
def default_policy() -> Policy:
    """The regime's policy as shipped."""
    return load_policy(default_policy_path())


@pytest.fixture(scope="session")
def default_policy_text() -> str:
    """The text of policy/default.yaml, for tests that edit it."""
    return default_policy_path().read_text("utf-8")


# PostgreSQL: one throwaway server per test process (each pytest-xdist worker starts its own),
# and a fresh database per test that asks for one.
sys.path.insert(0, str(Path(__file__).parent))
from pgcluster import Cluster, start_cluster  # noqa: E402


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A running PostgreSQL server of this test process, stopped at the end of the session.

    Fails (never skips) when the machine has no PostgreSQL server or it does not start.
    """
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a new, empty database on the test server, dropped after the test."""
    import psycopg

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"t_{worker}_{len(pg_cluster.databases)}"
    pg_cluster.databases.append(name)
    with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_cluster.url(name)
    finally:
        with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
