"""Grading in forked workers gives exactly the gradings of the serial engine."""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

from creditfile.batch import _grade_forked, grade_all
from engine import grade_archive

sys.path.insert(0, str(Path(__file__).parents[1] / "engine"))
from test_grading_properties import _doc


def test_forked_grading_equals_serial(default_policy) -> None:
    rng = random.Random(11)
    weights = {i.key: i.weight for i in default_policy.scoring}
    docs = [_doc(rng, i, weights) for i in range(900)]
    as_of = date(2026, 11, 29)
    expected = grade_archive(docs, default_policy, as_of)
    assert _grade_forked(docs, default_policy, as_of, 3) == expected
    assert grade_all(docs, default_policy, as_of) == expected
