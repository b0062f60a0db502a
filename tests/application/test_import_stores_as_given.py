"""An import of many new customers stores, grades and records each one as the generic,
customer-by-customer reference says: the file's document (an assessment without who and when
stamped), the grading a regrade gives, and a history naming every field the customer holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import orjson

from creditfile.application.importing import ImportOptions, check_import, write_import
from creditfile.demodata.customers import generate_customers
from creditfile.engine import grade_archive
from creditfile.policy import Policy
from creditfile.store import Archive, customer_document
from creditfile.store.changes import changed_paths

AS_OF = date(2026, 11, 29)


def _file(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    docs = generate_customers(400, seed=16, as_of=AS_OF)
    for doc in docs[::3]:  # an assessment without who and when: the import stamps them
        if doc.get("assessment", {}).get("strength") is not None:
            kept = doc["assessment"].items()
            doc["assessment"] = {k: v for k, v in kept if k not in ("assessed_on", "assessed_by")}
    for doc in docs[1::7]:  # names repeated: each is said, and all are stored
        doc["name"] = docs[0]["name"]
    path = tmp_path / "new.jsonl"
    path.write_bytes(b"".join(orjson.dumps(doc) + b"\n" for doc in docs))
    return path, docs


def test_new_customers_are_stored_graded_and_recorded_as_the_reference_says(
    tmp_path: Path, default_policy: Policy
) -> None:
    path, docs = _file(tmp_path)
    options = ImportOptions(actor="clerk", today=AS_OF, describe_added=False)
    check = check_import([str(path)], default_policy, options=options)
    assert check.problems == []
    store = Archive.open(tmp_path / "archive.json", create=True)
    done = write_import(store, check, default_policy, as_of=AS_OF, options=options)
    assert done.plan.counts() == {"added": 400, "changed": 0, "unchanged": 0, "refused": 0}

    stamp = {"assessed_on": "2026-11-29", "assessed_by": "clerk"}
    expected = [
        {**doc, "assessment": {**doc["assessment"], **stamp}}
        if "assessment" in doc and "assessed_on" not in doc["assessment"]
        else doc
        for doc in docs
    ]
    records = store.records()
    assert [customer_document(records[doc["id"]]) for doc in expected] == expected
    gradings = grade_archive(expected, default_policy, AS_OF)
    assert {cid: record["_grading"] for cid, record in records.items()} == gradings

    for doc in expected:
        events = store.history(doc["id"])
        imported = [e for e in events if e["kind"] == "customer_imported"]
        assert len(imported) == 1
        assert imported[0]["fields"] == changed_paths({}, doc)
        assert imported[0]["created"] is True
        assert imported[0]["rev"] == 1
        graded = [e for e in events if e["kind"] == "grade_changed"]
        grade = gradings[doc["id"]]["grade"]  # a customer left ungraded has no grade to change
        assert [(e["from"], e["to"]) for e in graded] == ([(None, grade)] if grade else [])
