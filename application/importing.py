"""Importing customers: read every record of every file, validate them all, decide per customer
(added, changed, unchanged, refused as stale), then write every change in one transaction or
none, graded in that same write.

An import updates: for a customer already in the archive only the fields the file carries
change (``document.merging``); ``replace`` stores each document whole instead. A file exported
from the archive carries each customer's revision; a row made on an older revision than the
archive holds, that would change the customer, refuses the whole import unless ``force``
(recorded on the customer's history event).

A row under an id merged into another customer (``creditfile merge``) lands on that customer,
and its outcome says so. Such a row from an export was exported before the merge: when it
would change the customer it is refused as stale like any older row (``force`` writes it).
Whether a credit code is another customer's is decided again under the store's lock, on the
records as stored then, so two imports at once cannot both give one code to two customers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol

from creditfile.application.batch import validate_all
from creditfile.application.customers import GradingDone, follow_grades, stamp_assessment
from creditfile.application.duplicates import codes_taken
from creditfile.application.lookup import kept_id
from creditfile.application.merging import merged_document
from creditfile.application.relations import group_parents, relation_problems, relations_named
from creditfile.document.merging import (
    REVISION_KEY,
    FieldChange,
    Merged,
    carried,
    field_changes,
    merge_customer,
    replace_customer,
)
from creditfile.engine.validation import (
    Problem,
    RecordProblem,
    also_the_id,
    said,
    validator_for,
)
from creditfile.policy import CreditfileError, Policy
from creditfile.policy.errors import phrase
from creditfile.store import (
    ArchiveStore,
    CustomerWrite,
    FollowedGrades,
    JSONObject,
    customer_document,
)

SHEET_SUFFIXES = {".xlsx", ".xlsm"}

Status = Literal["added", "changed", "unchanged", "refused"]


class ReadRecord(Protocol):
    """One customer as a reader found it: its file, its place there, and the parsed value."""

    @property
    def file(self) -> str:
        """The file it came from, as given."""

    @property
    def index(self) -> int:
        """Its 0-based position among the file's records."""

    @property
    def doc(self) -> Any:
        """The parsed value (validation says what is wrong with it)."""


@dataclass(frozen=True)
class Incoming:
    """One imported customer: its document (without the export's revision) and revision.

    Attributes:
        doc: The document, under the id it is stored under.
        revision: The revision the file was exported at (None: not from an export).
        written_as: The id the file gave, when that id was merged into ``doc``'s.
        combined: Ids merged into ``doc``'s whose rows in the file were combined into this
            one, as ``creditfile merge`` combined the customers.
        absorbed: This row was combined into another row of the file (see ``combined``);
            it is neither checked nor planned on its own.
    """

    doc: Any
    revision: int | None
    written_as: str | None = None
    combined: tuple[str, ...] = ()
    absorbed: bool = False


@dataclass(frozen=True)
class Stale:
    """A row exported before someone else changed the customer.

    Attributes:
        file_revision: The revision the file was exported at.
        archive_revision: The revision the archive holds.
        updated_by: Who made the archive's revision.
        updated_at: When.
    """

    file_revision: int
    archive_revision: int
    updated_by: str | None
    updated_at: str | None


@dataclass(frozen=True)
class Outcome:
    """What an import does (or, dry, would do) to one customer.

    Attributes:
        customer_id: The customer's id.
        name: Its name (as it will be stored).
        status: ``added``, ``changed``, ``unchanged`` or ``refused``.
        changes: Each value changed, old and new (personal values masked).
        doc: The document to store (for ``added`` and ``changed``).
        stale: Set when the file's row is older than the archive's revision.
        forced: A stale row written because ``force`` was given.
        index: Its record's position among the records read (``ImportCheck.records``).
        written_as: The id the file gave, when it was merged into ``customer_id``.
        combined: Ids merged into ``customer_id`` whose rows were combined into this one.
    """

    customer_id: str
    name: str
    status: Status
    changes: list[FieldChange] = field(default_factory=list)
    doc: dict[str, Any] = field(default_factory=dict)
    stale: Stale | None = None
    forced: bool = False
    index: int = 0
    written_as: str | None = None
    combined: tuple[str, ...] = ()

    def landed_notes(self) -> list[str]:
        """What became of the file's rows under merged ids, one line each (none for a row
        under its own id): ``C2 was merged into C1: its row lands on C1``."""
        cid = self.customer_id
        notes = []
        if self.written_as is not None:
            notes.append(f"{self.written_as} was merged into {cid}: its row lands on {cid}")
        notes += [
            f"{old} was merged into {cid}: its row is combined with {cid}'s as the merge "
            f"combined them ({cid}'s values stay; it adds what {cid} lacks)"
            for old in self.combined
        ]
        return notes

    def as_dict(self) -> dict[str, Any]:
        """The outcome as JSON data (``import --dry-run --json``)."""
        data: dict[str, Any] = {
            "id": self.customer_id,
            "name": self.name,
            "status": self.status,
            "changes": [c.as_dict() for c in self.changes],
        }
        if self.written_as is not None:
            data["id_in_file"] = self.written_as
        if self.combined:
            data["combined"] = list(self.combined)
        if self.stale is not None:
            data["stale"] = {
                "file_revision": self.stale.file_revision,
                "archive_revision": self.stale.archive_revision,
                "changed_by": self.stale.updated_by,
                "changed_at": self.stale.updated_at,
            }
            data["forced"] = self.forced
        return data


@dataclass(frozen=True)
class ImportPlan:
    """Every customer's outcome, in file order."""

    outcomes: list[Outcome]

    def count(self, status: Status) -> int:
        """How many customers have ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)

    def counts(self) -> dict[str, int]:
        """``{"added": n, "changed": n, "unchanged": n, "refused": n}``."""
        statuses: tuple[Status, ...] = ("added", "changed", "unchanged", "refused")
        return {status: self.count(status) for status in statuses}

    def added_by_index(self) -> dict[int, Outcome]:
        """The customers added, by their record's position."""
        return {o.index: o for o in self.outcomes if o.status == "added"}

    @property
    def refused(self) -> list[Outcome]:
        """The customers refused as stale."""
        return [o for o in self.outcomes if o.status == "refused"]

    @property
    def writes(self) -> list[CustomerWrite]:
        """The customers to store, with what their history events record."""
        return [
            CustomerWrite(o.customer_id, o.doc, _detail(o))
            for o in self.outcomes
            if o.status in ("added", "changed")
        ]


def _detail(outcome: Outcome) -> dict[str, Any]:
    detail: dict[str, Any] = {"kind": "customer_imported"}
    if outcome.written_as is not None:
        detail["id_in_file"] = outcome.written_as
    if outcome.combined:
        detail["combined"] = list(outcome.combined)
    if outcome.forced and outcome.stale is not None:
        detail.update(
            forced=True,
            file_revision=outcome.stale.file_revision,
            overrode_revision=outcome.stale.archive_revision,
        )
    return detail


@dataclass(frozen=True)
class ImportOptions:
    """How an import treats customers already in the archive.

    Attributes:
        replace: Store each document whole (``--replace``) instead of updating fields.
        force: Write rows exported before the archive's revision (``--force``).
        actor: Who imports (``assessed_by`` when the file changes a score but not it).
        today: The date stamped as ``assessed_on`` in that case.
        describe_added: List every field of a new customer as a change (a dry run shows
            them); a real import only writes new customers, and listing the fields of 100,000
            of them would take longer than the rest of the import.
        aliases: The ids merged into other customers (``ArchiveStore.aliases``): a row under
            one lands on the customer it was merged into.
    """

    replace: bool = False
    force: bool = False
    actor: str = ""
    today: date = field(default_factory=date.today)
    describe_added: bool = True
    aliases: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportCheck:
    """Every record read from the files, every problem found in them, and the plan.

    Attributes:
        records: The records, in file order.
        problems: The problems, in record order (empty: the import may be written).
        plan: What the import would do to each customer, judged on the archive as read.
    """

    records: Sequence[ReadRecord]
    problems: list[RecordProblem]
    plan: ImportPlan = field(default_factory=lambda: ImportPlan([]))
    incoming: Sequence[Incoming] = ()

    @property
    def documents(self) -> list[dict[str, Any]]:
        """The imported documents as they land (without revisions; rows under a merged id
        under the id they land on, rows combined into another row left out)."""
        return [item.doc for item in self.incoming if not item.absorbed]


class ImportStaleError(CreditfileError):
    """Rows exported before someone else changed their customers; nothing was imported.

    Attributes:
        refused: The outcomes refused, each with its ``stale`` revisions.
    """

    def __init__(self, location: str, refused: Sequence[Outcome]) -> None:
        self.refused = list(refused)
        names = ", ".join(o.customer_id for o in self.refused[:5])
        more = f" and {len(self.refused) - 5} more" if len(self.refused) > 5 else ""
        super().__init__(
            f"{location}: {names}{more} changed in the archive after the file was exported; "
            "nothing was imported. Export again and redo the edits, or import with --force "
            "to overwrite them"
        )


class ImportDuplicateCodeError(CreditfileError):
    """Credit codes other customers have, found under the lock; nothing was imported.

    Attributes:
        messages: One per customer refused, naming the customer that has the code.
    """

    def __init__(self, location: str, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        shown = "; ".join(self.messages[:5])
        more = f" (and {len(self.messages) - 5} more)" if len(self.messages) > 5 else ""
        super().__init__(f"{location}: {shown}{more}; nothing was imported")


def read_files(paths: Sequence[str], policy: Policy) -> list[ReadRecord]:
    """Every record of every file, each knowing its file, index and line.

    Raises:
        FormatError: a JSON, JSON Lines or CSV file that cannot be read as customers at all.
        SpreadsheetError: a workbook or Chinese-headed CSV that cannot be read as customers.
    """
    from creditfile.formats import interchange as formats
    from creditfile.spreadsheets.reading import is_sheet_csv, read_csv_tables, read_xlsx

    records: list[ReadRecord] = []
    # CSV files with Chinese (spreadsheet) headers are read together: a lease or source file
    # joins the customers of another file by id.
    sheets = [p for p in paths if Path(p).suffix.lower() == ".csv" and is_sheet_csv(p)]
    for path in paths:
        if Path(path).suffix.lower() in SHEET_SUFFIXES:
            records.extend(read_xlsx(path, policy))
        elif path not in sheets:
            records.extend(formats.read_records(path))
    if sheets:
        records.extend(read_csv_tables(sheets, policy))
    return records


def check_import(
    paths: Sequence[str],
    policy: Policy,
    phase: Callable[[str], None] | None = None,
    *,
    stored: Mapping[str, Mapping[str, Any]] | None = None,
    options: ImportOptions | None = None,
) -> ImportCheck:
    """Read every file, validate every record under ``policy`` and plan the import against
    the ``stored`` records; nothing is written.

    Args:
        paths: The files to import.
        policy: The policy in force (natures, assessment ranges).
        phase: Told ``reading`` and then ``validating``.
        stored: The archive's records by id (none: every customer is new).
        options: Replace or update, force, who and when.

    Raises:
        FormatError, SpreadsheetError: a file cannot be read as customers (see ``read_files``).
    """
    tell = phase or (lambda _phase: None)
    options = options or ImportOptions()
    stored = stored or {}
    tell("reading")
    records = read_files(paths, policy)
    tell("validating")
    incoming, problems = _split_revisions(records)
    incoming = landed(incoming, options.aliases, stored)
    problems += _problems(incoming, stored, policy, options)
    said = {(p.index, p.path) for p in problems}  # an id refused as written is not looked up
    problems += [
        p for p in _relation_problems(incoming, stored, options) if (p.index, p.path) not in said
    ]
    problems.sort(key=lambda p: p.index)
    plan = plan_import(stored, incoming, policy, options) if not problems else ImportPlan([])
    return ImportCheck(records, problems, plan, incoming)


def _split_revisions(records: Sequence[ReadRecord]) -> tuple[list[Incoming], list[RecordProblem]]:
    incoming, problems = [], []
    for index, record in enumerate(records):
        doc, revision = record.doc, None
        if isinstance(doc, dict) and REVISION_KEY in doc:
            doc = {k: v for k, v in doc.items() if k != REVISION_KEY}
            raw = record.doc[REVISION_KEY]
            if type(raw) is int and raw >= 1:
                revision = raw
            elif raw is not None:
                message = phrase(
                    "{value} is not a revision an export writes (a whole number from 1); "
                    "leave it as exported, or empty for a customer not from an export",
                    value=repr(raw),
                )
                cid = doc.get("id") if isinstance(doc.get("id"), str) else None
                problems.append(said(REVISION_KEY, message).of_record(index, cid))
        incoming.append(Incoming(doc, revision))
    return incoming, problems


def landed(
    incoming: Sequence[Incoming],
    aliases: Mapping[str, str],
    stored: Mapping[str, Mapping[str, Any]],
) -> list[Incoming]:
    """``incoming`` with every row under a merged id moved to the customer it was merged into
    (followed to the end of a chain of merges); the id the file gave is kept.

    When the file also has a row for that customer (an export made before the merge has
    both), the row under the merged id is combined into it as ``creditfile merge`` combined
    the customers (``merged_document``: the customer's own row's values stay), and is marked
    ``absorbed``. Every row keeps its place, so problems and outcomes keep their line. A
    related customer a row names under a merged id is named by the id kept, likewise.
    """
    if not aliases:
        return list(incoming)
    return _rows_landed(
        [_relations_landed(item, aliases, stored) for item in incoming], aliases, stored
    )


def _relations_landed(
    item: Incoming, aliases: Mapping[str, str], stored: Mapping[str, Mapping[str, Any]]
) -> Incoming:
    """``item`` with every related customer it names under a merged id named by the id kept
    (an export made before the merge names the old id)."""
    doc = item.doc
    named = relations_named(doc) if isinstance(doc, dict) else []
    if not any(r.get("id") in aliases and r.get("id") not in stored for r in named):
        return item
    kept: list[dict[str, Any]] = []
    for relation in named:
        if relation.get("id") in aliases and relation.get("id") not in stored:
            relation["id"] = kept_id(aliases, str(relation["id"]))
        if not any(
            k["id"] == relation["id"] and k.get("relation") == relation.get("relation")
            for k in kept
        ):
            kept.append(relation)  # the old id and the kept one both named: one relation
    doc = {**doc, "related": kept}
    return Incoming(doc, item.revision, item.written_as, item.combined, item.absorbed)


def _rows_landed(
    incoming: Sequence[Incoming],
    aliases: Mapping[str, str],
    stored: Mapping[str, Mapping[str, Any]],
) -> list[Incoming]:
    moved = {}
    for at, item in enumerate(incoming):
        cid = _id_of(item.doc)
        if cid is not None and cid in aliases and cid not in stored:
            moved[at] = kept_id(aliases, cid)
    if not moved:
        return list(incoming)
    out = list(incoming)
    owner: dict[str, int] = {}  # kept id -> the row that stands for it
    for at, item in enumerate(incoming):
        cid = _id_of(item.doc)
        if at not in moved and cid is not None:
            owner.setdefault(cid, at)
    for at, kept in moved.items():
        item = incoming[at]
        doc = {**item.doc, "id": kept}
        if kept not in owner:
            owner[kept] = at
            out[at] = Incoming(doc, item.revision, _id_of(item.doc))
            continue
        host = out[owner[kept]]
        united = merged_document(host.doc, doc) if isinstance(host.doc, dict) else host.doc
        combined = (*host.combined, str(_id_of(item.doc)))
        out[owner[kept]] = Incoming(united, host.revision, host.written_as, combined)
        out[at] = Incoming(doc, item.revision, _id_of(item.doc), absorbed=True)
    return out


def _id_of(doc: Any) -> str | None:
    cid = doc.get("id") if isinstance(doc, dict) else None
    return cid if isinstance(cid, str) else None


def _problems(
    incoming: Sequence[Incoming],
    stored: Mapping[str, Mapping[str, Any]],
    policy: Policy,
    options: ImportOptions,
) -> list[RecordProblem]:
    """Every problem of what would be stored, located in the file; the ids used twice."""
    docs = [item.doc for item in incoming]
    if not any(isinstance(d, dict) and d.get("id") in stored for d in docs):
        return validate_all(docs, policy)  # all new: checked as given, on every core if large
    validator = validator_for(policy)
    first: dict[str, int] = {}
    found: list[RecordProblem] = []
    for index, item in enumerate(incoming):
        if item.absorbed:
            continue  # combined into another row, checked there
        doc = item.doc
        cid = doc.get("id") if isinstance(doc, dict) else None
        cid = cid if isinstance(cid, str) else None
        problems: list[Problem] = []
        if cid is not None and cid in first:
            problems.append(said("id", also_the_id(cid, first[cid])))
        elif cid is not None:
            first[cid] = index
        current = stored.get(cid) if cid is not None else None
        if current is None or not isinstance(doc, dict):
            problems += validator.problems(doc)
        else:
            merged = _merged(customer_document(current), doc, options, policy)
            problems += _located(validator.problems(merged.doc), merged, doc)
        found += [p.of_record(index, cid) for p in problems]
    return found


def _relation_problems(
    incoming: Sequence[Incoming],
    stored: Mapping[str, Mapping[str, Any]],
    options: ImportOptions,
) -> list[RecordProblem]:
    """A problem for every related customer a record names that neither the archive nor the
    import holds (the import's own customers may name each other, in any order), and for a
    loop of group parents in the archive as the import would leave it."""
    docs = [i.doc for i in incoming if isinstance(i.doc, dict) and not i.absorbed]
    if not any(d.get("related") for d in docs):
        return []
    known = set(stored) | {str(d.get("id")) for d in docs}
    parents = _parents_after(docs, stored, replace=options.replace)
    found = []
    for index, item in enumerate(incoming):
        if item.absorbed or not isinstance(item.doc, dict):
            continue
        cid = item.doc.get("id")
        found += [
            p.of_record(index, cid if isinstance(cid, str) else None)
            for p in relation_problems(item.doc, known, options.aliases, _parents_of(parents))
        ]
    return found


def _parents_of(parents: Mapping[str, list[str]]) -> Callable[[str], Sequence[str]]:
    return lambda customer_id: parents.get(customer_id, ())


def _parents_after(
    docs: Sequence[Mapping[str, Any]], stored: Mapping[str, Mapping[str, Any]], *, replace: bool
) -> dict[str, list[str]]:
    """The group parents every customer would name after the import: a row carrying
    ``related`` (or any row, with ``--replace``) sets its customer's list."""
    parents = group_parents(stored)
    for doc in docs:
        if replace or "related" in doc:
            cid = str(doc.get("id"))
            parents.pop(cid, None)
            parents.update(group_parents({cid: doc}))
    return parents


def _merged(
    current: Mapping[str, Any], doc: Mapping[str, Any], options: ImportOptions, policy: Policy
) -> Merged:
    if options.replace:
        return replace_customer(current, doc, policy.personal_natures)
    return merge_customer(current, doc)


def _located(problems: Sequence[Problem], merged: Merged, doc: Mapping[str, Any]) -> list[Problem]:
    """The problems of a merged document that lie in what the file carries, at the file's
    places (a stored lease 3 updated by the file's lease 0 is ``leases[0]``)."""
    out = []
    for problem in problems:
        path = problem.path
        candidates, added = [path], False
        for stored_place, file_places in merged.places.items():
            if path == stored_place or path.startswith((stored_place + ".", stored_place + "[")):
                candidates = [place + path[len(stored_place) :] for place in file_places]
                added = stored_place in merged.added
                break
        # A record the file names on two rows is shown at the row carrying the bad value; a
        # problem no row carries is the stored data's, unless the file added the record whole.
        located = next((c for c in candidates if not c or added or carried(doc, c)), None)
        if located is not None:
            out.append(Problem(located, problem.message, problem.said))
    return out


def plan_import(
    stored: Mapping[str, Mapping[str, Any]],
    incoming: Sequence[Incoming],
    policy: Policy,
    options: ImportOptions,
    earlier: ImportPlan | None = None,
) -> ImportPlan:
    """What importing ``incoming`` does to each customer of ``stored`` (pure).

    Args:
        stored: The archive's records by id.
        incoming: The validated imported documents with their revisions.
        policy: Its manual items decide when an assessment is stamped.
        options: Replace or update, force, who and when.
        earlier: The plan of the same ``incoming`` and ``options`` against an earlier state
            of the archive: a customer it added that is still not stored is added the same
            way (it depends on nothing stored), so it is not worked out twice.
    """
    added_before = {} if earlier is None else earlier.added_by_index()
    outcomes = []
    for index, item in enumerate(incoming):
        if item.absorbed:
            continue
        doc: Mapping[str, Any] = item.doc
        cid = str(doc["id"])
        record = stored.get(cid)
        if record is None and index in added_before:
            outcomes.append(added_before[index])
            continue
        current = customer_document(record) if record is not None else None
        # A new customer is stored as the file gives it. The readers give plain JSON data that
        # nothing else changes, so its sections are shared with the store, not copied (the
        # stamp gives a new document either way).
        new = doc if current is None else _merged(current, doc, options, policy).doc
        new = stamp_assessment(current, new, policy, options.actor, options.today)
        name = str(new.get("name", ""))
        landing = (item.written_as, item.combined)
        if current is None:
            described = (
                field_changes({}, new, policy.personal_natures) if options.describe_added else []
            )
            outcomes.append(
                Outcome(cid, name, "added", described, new, None, False, index, *landing)
            )
            continue
        changes = field_changes(current, new, policy.personal_natures)
        if not changes:
            outcomes.append(Outcome(cid, name, "unchanged", [], {}, None, False, index, *landing))
            continue
        stale = _stale(record, item.revision, merged=item.written_as is not None)
        status: Status = "refused" if stale is not None and not options.force else "changed"
        forced = stale is not None and options.force
        outcomes.append(Outcome(cid, name, status, changes, new, stale, forced, index, *landing))
    return ImportPlan(outcomes)


def _stale(
    record: Mapping[str, Any] | None, revision: int | None, *, merged: bool = False
) -> Stale | None:
    """Whether a row exported at ``revision`` is older than ``record``. A row under an id
    merged into ``record`` was exported before the merge (the id has no customer since), so
    its revision, of the other customer, is older whatever its number."""
    meta = (record or {}).get("_meta") or {}
    rev = meta.get("rev")
    if revision is None or not isinstance(rev, int) or (revision >= rev and not merged):
        return None
    return Stale(revision, rev, meta.get("updated_by"), meta.get("updated_at"))


@dataclass(frozen=True)
class ImportDone:
    """What an import wrote.

    Attributes:
        plan: Every customer's outcome, as decided under the lock.
        grades: The grade changes made in the same write (and the run id, when the import
            moved the archive-wide top and every customer was graded).
        whole: Whether every customer was graded.
    """

    plan: ImportPlan
    grades: FollowedGrades
    whole: bool


def write_import(
    store: ArchiveStore,
    check: ImportCheck,
    policy: Policy,
    *,
    as_of: date,
    options: ImportOptions,
) -> ImportDone:
    """Write the checked import in one transaction, graded in it; decided again under the
    lock on the archive as it is then (someone may have saved meanwhile).

    Args:
        store: The archive.
        check: A check without problems.
        policy: The policy the changed customers are graded under.
        as_of: The grading date when the archive holds no grading yet.
        options: Replace or update, force, who and when.

    Raises:
        ValueError: ``check`` found problems (nothing is written).
        ImportStaleError: rows older than the archive's revisions, without ``force``.
        ImportDuplicateCodeError: a credit code another customer has (perhaps saved by
            someone else after the check); nothing is written.
        StoreError: the write failed; the archive is unchanged.
    """
    if check.problems:
        raise ValueError("an import with problems is never written; show check.problems")
    decided: list[ImportPlan] = []

    def plan(records: Mapping[str, JSONObject]) -> list[CustomerWrite]:
        # Under the lock: merges and codes as stored now, whatever the check saw before it.
        incoming = landed(check.incoming, store.aliases(), records)
        found = plan_import(records, incoming, policy, options, earlier=check.plan)
        if found.refused:
            raise ImportStaleError(store.location, found.refused)
        writes = found.writes
        taken = codes_taken(records, [write.doc for write in writes])
        if taken:
            raise ImportDuplicateCodeError(store.location, taken)
        decided.append(found)
        return writes

    done = GradingDone()
    grades = store.write_customers(
        plan, actor=options.actor, grade=follow_grades(policy, as_of, "import", done)
    )
    return ImportDone(decided[-1], grades, done.whole)


def changed_since(store: ArchiveStore, outcome: Outcome) -> list[JSONObject]:
    """The history events of the edits a stale row would overwrite (after its revision; for
    a row under a merged id, the merge)."""
    if outcome.stale is None:
        return []
    if outcome.written_as is not None:
        return [
            event
            for event in store.history(outcome.customer_id, kind="customer_merged")
            if event.get("merged_from") == outcome.written_as
        ]
    since = outcome.stale.file_revision
    return [
        event
        for event in store.history(outcome.customer_id)
        if isinstance(event.get("rev"), int)
        and event["rev"] > since
        and event.get("kind") in ("customer_changed", "customer_imported", "customer_created")
    ]
