"""``creditfile --actor NAME tui``: the UI works as NAME, as every other command does, so that
each save and event it records names who made it."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest

from creditfile.application.opening import open_archive
from creditfile.cli.program import main
from creditfile.demodata.customers import generate_customers


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _launched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> list[object]:
    db = tmp_path / "archive.json"
    open_archive(str(db), create=True).import_customers(
        generate_customers(3, 1, date(2026, 11, 29)), actor="seed"
    )
    monkeypatch.setattr(sys, "stdin", _Terminal())
    monkeypatch.setattr(sys, "stdout", _Terminal())
    launched: list[object] = []

    def open_ui(location: str, policy: str | None, lang: str | None, actor: str) -> int:
        launched.extend([location, actor])
        return 0

    assert main(["--db", str(db), *argv, "tui"], open_ui=open_ui) == 0
    return launched


def test_the_ui_works_as_the_actor_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _launched(tmp_path, monkeypatch, "--actor", "wang.li")[1] == "wang.li"


def test_without_an_actor_the_ui_works_as_the_os_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from creditfile.store import default_actor

    assert _launched(tmp_path, monkeypatch)[1] == str(default_actor())
