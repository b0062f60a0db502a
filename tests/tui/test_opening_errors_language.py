"""An archive the UI cannot open is named on the list screen in the language of the UI, the
file first and what to do kept: the same wording as the command line's."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static

from creditfile.store import Archive
from creditfile.store.locking import lock_path
from creditfile.tui.app import create_app

CJK = re.compile(r"[\u3400-\u9fff]")


def _title(content: object) -> str:
    if isinstance(content, str):
        return content
    console = Console(width=400, file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text().replace("\n", "")


def _shown(db: Path, lang: str, folder: Path) -> str:
    app = create_app(db, None, lang, keymap_file=folder / "keys.toml", live=False)
    shown: list[str] = []

    async def main() -> None:
        async with app.run_test(size=(400, 40)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            shown.append(_title(pilot.app.screen.query_one("#list-title", Static).content))

    asyncio.run(main())
    return shown[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_lock_file_that_is_a_folder_is_named_in_the_language_of_the_ui(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "archive.json"
    Archive.open(db, create=True)
    lock = lock_path(db)
    lock.unlink()
    lock.mkdir()
    title = _shown(db, lang, tmp_path)
    if lang == "zh":
        assert f"无法打开档案:{db}: 锁文件 {lock} 是一个文件夹" in title, title
        assert f"(`rmdir {lock}`)" in title and "folder" not in title
    else:
        assert f"Cannot open the archive: {db}: the lock file {lock} is a folder" in title, title
        assert not CJK.search(title)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_archive_that_is_not_json_is_named_in_the_language_of_the_ui(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "notes.json"
    db.write_text("meeting notes\n")
    title = _shown(db, lang, tmp_path)
    if lang == "zh":
        assert f"无法打开档案:{db}: 不是有效的 JSON" in title and "可能被截断" in title, title
    else:
        assert f"Cannot open the archive: {db}: not valid JSON" in title, title
        assert not CJK.search(title)
