"""The engine graded side by side with the independent reference (reference_grading.py)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import yaml
from reference_grading import engine_reason_signature, reference

from creditfile.engine import grade_archive
from creditfile.policy import parse_policy


def graded_as_reference(
    docs: list[dict[str, Any]], text: str, as_of: date
) -> dict[str, dict[str, Any]]:
    """Grade ``docs`` under the policy ``text`` with the engine and with the reference; assert
    they agree field by field (reasons by signature) and return the engine's gradings."""
    ours = grade_archive(docs, parse_policy(text, "p.yaml"), as_of)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    theirs = reference(docs, yaml.safe_load(text), as_of, sha)
    for cid, expected in theirs.items():
        actual = dict(ours[cid], reasons=[engine_reason_signature(r) for r in ours[cid]["reasons"]])
        assert actual == expected, cid
    return ours
