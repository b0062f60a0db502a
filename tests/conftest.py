"""Shared fixtures: the shipped policy and a few documents."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from creditfile.policy import Policy, default_policy_path, load_policy

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
ROOT = Path(__file__).resolve().parent.parent

# Mutation testing (scripts/mutation.py) judges each mutant by one test run: the same examples
# every time, and no example database carried from one mutant to the next.
settings.register_profile("mutation", derandomize=True, database=None, deadline=None)


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


@pytest.fixture(scope="session")
def default_policy() -> Policy:
    """The regime's policy as shipped."""
    return load_policy(default_policy_path())


@pytest.fixture(scope="session")
def default_policy_text() -> str:
    """The text of policy/default.yaml, for tests that edit it."""
    return default_policy_path().read_text("utf-8")
