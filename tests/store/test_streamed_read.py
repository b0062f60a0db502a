"""The first read handed out batch by batch (``Archive.open(on_batch=…)``), for the list screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from creditfile.store import Archive, ArchiveDamagedError, ReadBatch
from creditfile.store import snapshot as snapshot_module


def _docs(count: int) -> list[dict[str, Any]]:
    return [{"id": f"C{i:05d}", "name": f"成都建工{i}", "nature": "developer",
             "note": "第一行\n第二行"} for i in range(count)]  # fmt: skip


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(snapshot_module, "BATCH_LINES", 7)
    return 7


def _archive(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "archive.json"
    Archive.open(path, create=True).import_customers(_docs(count), actor="a")
    return path


def test_batches_arrive_in_file_order_and_add_up_to_the_whole_read(
    tmp_path: Path, small_batches: int
) -> None:
    path = _archive(tmp_path, 30)
    batches: list[ReadBatch] = []
    streamed = Archive.open(path, on_batch=batches.append)
    assert [b.done for b in batches] == [7, 14, 21, 28, 30]
    assert {b.total for b in batches} == {30}
    assert {b.meta["format"] for b in batches} == {"creditfile-archive"}
    read = [record["id"] for b in batches for record in b.records]
    assert read == [f"C{i:05d}" for i in range(30)]
    assert streamed.records() == Archive.open(path).records()
    assert streamed.history() == Archive.open(path).history()


def test_an_archive_read_in_batches_saves_like_any_other(
    tmp_path: Path, small_batches: int
) -> None:
    path = _archive(tmp_path, 20)
    streamed = Archive.open(path, on_batch=lambda _b: None)
    record = streamed.get("C00003")
    assert record is not None
    streamed.save_customer({**record, "name": "改名"}, base_rev=record["_meta"]["rev"], actor="b")
    again = Archive.open(path)
    assert again.get("C00003")["name"] == "改名"  # type: ignore[index]
    assert len(again.records()) == 20


def test_an_empty_archive_gives_one_empty_batch_or_none(tmp_path: Path) -> None:
    path = tmp_path / "archive.json"
    Archive.open(path, create=True)
    batches: list[ReadBatch] = []
    assert Archive.open(path, on_batch=batches.append).records() == {}
    assert sum(len(b.records) for b in batches) == 0


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param(lambda data: json.dumps(data, ensure_ascii=False), id="one-line"),
        pytest.param(lambda data: json.dumps(data, indent=2), id="indented-ascii"),
        pytest.param(lambda data: json.dumps({"meta": data["meta"], **data}), id="meta-first"),
    ],
)
def test_a_file_laid_out_by_another_tool_shows_its_first_records_then_the_rest(
    tmp_path: Path, small_batches: int, layout: Any
) -> None:
    path = _archive(tmp_path, 30)
    expected = Archive.open(path).records()
    path.write_text(layout(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")
    batches: list[ReadBatch] = []
    archive = Archive.open(path, on_batch=batches.append)
    assert [(len(b.records), b.done, b.restart) for b in batches] == [
        (7, 7, False),
        (23, 30, False),
    ]
    assert 7 < batches[0].total <= 60  # estimated from the first records' share of the file
    assert batches[-1].total == 30
    assert [r["id"] for b in batches for r in b.records] == list(expected)
    assert archive.records() == expected


def test_a_preview_the_whole_read_contradicts_is_withdrawn(tmp_path: Path) -> None:
    path = _archive(tmp_path, 3)
    data = json.loads(path.read_text(encoding="utf-8"))
    first = json.dumps(data["customers"]["1"], ensure_ascii=False)
    changed = json.dumps({**data["customers"]["1"], "name": "后来的记录"}, ensure_ascii=False)
    text = json.dumps(data, ensure_ascii=False).replace(first, f'{first}, "1": {changed}', 1)
    path.write_text(text, encoding="utf-8")  # the key "1" twice: the later record wins
    batches: list[ReadBatch] = []
    archive = Archive.open(path, on_batch=batches.append)
    assert batches[-1].restart
    assert [r["name"] for r in batches[-1].records] == [
        r["name"] for r in archive.records().values()
    ]
    assert archive.records()["C00000"]["name"] == "后来的记录"


def test_a_foreign_file_is_refused_before_any_record_is_handed_out(tmp_path: Path) -> None:
    path = _archive(tmp_path, 5)
    raw = path.read_bytes().replace(b'"creditfile-archive"', b'"something-else"')
    path.write_bytes(raw)
    batches: list[ReadBatch] = []
    with pytest.raises(ArchiveDamagedError, match="not a creditfile archive"):
        Archive.open(path, on_batch=batches.append)
    assert batches == []
    assert path.read_bytes() == raw


def _line(raw: bytes, number: int, change: Any) -> bytes:
    lines = raw.split(b"\n")
    lines[number] = change(lines[number])
    return b"\n".join(lines)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: raw.replace(b"},\n", b"},,\n", 1), id="double-comma"),
        pytest.param(lambda raw: raw.replace(b'"name"', b'"name', 1), id="broken-string"),
        # Line 7 ends the first batch of 7: its separator is the one between two batches.
        pytest.param(lambda raw: _line(raw, 7, lambda b: b.rstrip(b",")), id="comma-missing"),
        pytest.param(lambda raw: _line(raw, 20, lambda b: b + b","), id="comma-before-end"),
    ],
)
def test_a_damaged_file_is_refused_as_by_the_whole_read(
    tmp_path: Path, small_batches: int, damage: Any
) -> None:
    path = _archive(tmp_path, 20)
    raw = damage(path.read_bytes())
    path.write_bytes(raw)
    with pytest.raises(ArchiveDamagedError) as whole:
        Archive.open(path)
    with pytest.raises(ArchiveDamagedError) as streamed:
        Archive.open(path, on_batch=lambda _b: None)
    assert str(streamed.value) == str(whole.value)
    assert str(path) in str(streamed.value)
    assert path.read_bytes() == raw


def test_a_record_nested_too_deep_to_preview_is_refused_as_by_the_whole_read(
    tmp_path: Path,
) -> None:
    path = _archive(tmp_path, 3)
    data = json.loads(path.read_text(encoding="utf-8"))
    deep = '{"id":"C2","x":' + "[" * 5000 + "]" * 5000 + "}"
    text = json.dumps(data).replace('"customers": {', '"customers": {"9": ' + deep + ", ", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ArchiveDamagedError) as whole:
        Archive.open(path)
    with pytest.raises(ArchiveDamagedError) as streamed:
        Archive.open(path, on_batch=lambda _b: None)
    assert str(streamed.value) == str(whole.value)


@pytest.mark.parametrize("tail_bytes", [1 << 20, 40])
def test_the_meta_of_an_unread_archive_comes_from_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail_bytes: int
) -> None:
    path = _archive(tmp_path, 20)
    read = Archive.open(path)
    read.activate_policy("version: '9'\n", sha256="ab" * 32, version="9", path=None, actor="c")
    monkeypatch.setattr(snapshot_module, "TAIL_BYTES", tail_bytes)  # 40: too short, read all
    unread = Archive.open(path, read=False)
    assert unread.active_policy() == Archive.open(path).active_policy()
    assert unread.history() == Archive.open(path).history()
