"""The file layout that lets a save reuse the bytes of every customer it did not change."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditfile.store import Archive, framing


def _doc(cid: str, name: str = "上海建工", **extra: Any) -> dict[str, Any]:
    return {"id": cid, "name": name, "nature": "developer", **extra}


def test_each_customer_is_one_line_of_ordinary_json(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a.json", create=True)
    archive.import_customers([_doc(f"C{i}", note="第一行\n第二行") for i in range(3)], actor="a")
    lines = archive.path.read_bytes().split(b"\n")
    assert lines[0] == b'{"customers":{'
    assert [json.loads(b"{" + line.rstrip(b",") + b"}") for line in lines[1:4]] == [
        {str(i + 1): archive.records()[f"C{i}"]} for i in range(3)
    ]
    assert json.loads(archive.path.read_bytes())["customers"]["3"]["note"] == "第一行\n第二行"


def test_a_save_encodes_only_the_customer_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.json"
    Archive.open(path, create=True).import_customers([_doc(f"C{i}") for i in range(200)], actor="a")
    archive = Archive.open(path)  # a fresh process would start here
    encoded: list[Any] = []

    def dumps(value: Any) -> bytes:
        encoded.append(value)
        return orjson.dumps(value)

    monkeypatch.setattr(framing, "orjson", SimpleNamespace(dumps=dumps))
    archive.save_customer(_doc("C5", "改名"), base_rev=1, actor="b")
    archive.save_customer(_doc("C9", "改名"), base_rev=1, actor="b")
    archive.save_customer(_doc("C5", "又改"), base_rev=2, actor="b")
    assert [v["id"] for v in encoded if isinstance(v, dict) and "id" in v] == ["C5", "C9", "C5"]
    assert Archive.open(path).get("C5")["name"] == "又改"  # type: ignore[index]
    assert len(Archive.open(path).records()) == 200


def test_a_file_laid_out_by_another_tool_is_read_and_laid_out_again(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    Archive.open(path, create=True).import_customers([_doc("C1"), _doc("C2")], actor="a")
    data = json.loads(path.read_bytes())
    path.write_text(json.dumps(data, indent=2), "utf-8")  # \\u escapes, one key per line
    archive = Archive.open(path)
    assert archive.documents() == [_doc("C1"), _doc("C2")]
    archive.save_customer(_doc("C2", "改"), base_rev=1, actor="b")
    assert path.read_bytes().startswith(b'{"customers":{\n"1":{"id":"C1"')
    assert Archive.open(path).documents() == [_doc("C1"), _doc("C2", "改")]


@pytest.mark.parametrize("removed", ["C0", "C1", "C2"])
def test_removing_any_customer_keeps_the_file_valid(tmp_path: Path, removed: str) -> None:
    path = tmp_path / "a.json"
    archive = Archive.open(path, create=True)
    archive.import_customers([_doc(f"C{i}") for i in range(3)], actor="a")
    archive.delete_customer(removed, base_rev=1, actor="a")
    kept = [cid for cid in ("C0", "C1", "C2") if cid != removed]
    assert [r["id"] for r in json.loads(path.read_bytes())["customers"].values()] == kept
    assert list(Archive.open(path).records()) == kept


# Text chosen to look like the layout's own markers: quotes, newlines, keys, braces.
TEXT = st.text(alphabet=st.sampled_from(['"', "\n", ":", ",", "}", "{", "1", "\\", "客", "a"]))
EDITS = st.lists(
    st.tuples(st.sampled_from(["save", "delete", "import"]), st.integers(0, 5), TEXT),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=EDITS)
def test_any_sequence_of_changes_reads_back_exactly(edits: list[tuple[str, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.json"
        archive = Archive.open(path, create=True)
        expected: dict[str, dict[str, Any]] = {}
        for action, number, text in edits:
            cid = f"C{number}"
            doc = _doc(cid, text, note={text: [text, 1.5, None]})
            current = archive.records().get(cid)
            if action == "delete" and current is not None:
                archive.delete_customer(cid, base_rev=current["_meta"]["rev"], actor="a")
                del expected[cid]
            elif action == "import":
                archive.import_customers([doc], actor="a")
                expected[cid] = doc
            elif action == "save":
                rev = None if current is None else current["_meta"]["rev"]
                archive.save_customer(doc, base_rev=rev, actor="a")
                expected[cid] = doc
            reopened = Archive.open(path)
            assert {d["id"]: d for d in reopened.documents()} == expected
            assert {d["id"]: d for d in archive.documents()} == expected
