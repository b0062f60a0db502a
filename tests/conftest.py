"""Shared fixtures: the shipped policy and a few documents."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from creditfile.policy import Policy, default_policy_path, load_policy

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def default_policy() -> Policy:
    """The regime's policy as shipped."""
    return load_policy(default_policy_path())


@pytest.fixture(scope="session")
def default_policy_text() -> str:
    """The text of policy/default.yaml, for tests that edit it."""
    return default_policy_path().read_text("utf-8")
