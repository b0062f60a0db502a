"""Running the real ``creditfile`` program in a subprocess, on archives in temp folders."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from creditfile.store import Archive

sys.path.insert(0, str(Path(__file__).parents[1] / "engine"))
sys.path.insert(0, str(Path(__file__).parent))
from cli_support import Run
from test_grading_properties import _doc

ROOT = Path(__file__).parents[2]
WEIGHTS = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """``run("regrade", "--json")`` → the finished process (text output, never raises)."""

    def _run(
        *args: str, env: dict[str, str] | None = None, input_text: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {
            **os.environ,
            "CREDITFILE_DB": str(tmp_path / "archive.json"),
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        }
        full_env.pop("CREDITFILE_POLICY", None)
        return subprocess.run(
            [sys.executable, "-m", "creditfile", *args],
            capture_output=True,
            text=True,
            env=full_env,
            cwd=tmp_path,
            input=input_text,
            timeout=120,
            check=False,
        )

    return _run


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    """An archive of 200 generated customers, not yet graded."""
    rng = random.Random(5)
    docs: list[dict[str, Any]] = [_doc(rng, i, WEIGHTS) for i in range(200)]
    docs[0]["profile"] = {**docs[0].get("profile", {}), "person": {"age": 45, "family": "已婚"}}
    path = tmp_path / "archive.json"
    Archive.open(path, create=True).import_customers(docs, actor="setup")
    return path
