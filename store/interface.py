"""What the application needs from an archive store, whatever keeps the archive.

``ArchiveStore`` is the whole of it: reading customers, their history and the regrade runs,
the active policy, and the writes — a save with its side records, a delete, an import, a
regrade, a policy activation, an audit event — each one transaction. ``store.Archive`` (one
JSON file) implements it; another store (a database) implements the same Protocol, and the
application and both front ends work with either.

``LineRegradingStore`` is an optional fast path a store may offer beside it: a regrade whose
grading runs in worker processes over the store's own encoded customers (``store.lines``),
never parsed whole in the process that holds the lock. The application uses it when the store
has it, and the plain ``regrade`` otherwise.

``StreamRegradingStore`` is the same for a store that cannot hold its archive in one process
(a database of a million customers): the store reads its customers twice in batches and hands
each batch to a ``StreamGrader`` (first their facts, for the archive-wide tops, then their
gradings), writing the gradings as they come; no batch is kept after it is done.

Records are plain JSON objects: the customer document plus the store's ``_meta`` (revision,
created/updated by and at) and ``_grading`` (the latest grading); ``store.customer_document`` strips
those.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Protocol, runtime_checkable

from creditfile.store.bookkeeping import (
    CustomerWrite,
    FollowedGrades,
    GeneratedOutcome,
    GradeFollow,
    Gradings,
    ImportResult,
    RegradeOutcome,
    RegradeTally,
)
from creditfile.store.lines import CustomerLines, LinesRegrade
from creditfile.store.pg_list import ListView, PageStart

JSONObject = dict[str, Any]
"""A JSON object as parsed: a customer document, a record, a grading or a history event."""

GradeFn = Callable[[list[JSONObject]], Gradings]
"""``documents -> {customer id: grading}``: the whole archive graded in one call."""

GradeAfter = Callable[[Mapping[str, JSONObject], Sequence[str]], GradeFollow]
"""``(records, changed ids) -> GradeFollow``: called inside a save or an import, under the lock,
with every record as it is about to be written (read-only) and the ids just changed. It grades
the changed customers, or every customer when the change moved the archive-wide top; the store
writes those gradings in the same transaction. An exception from it abandons the write, so it is
also where a check of the records as stored (a credit code another customer took meanwhile)
is made: under the lock, where no other writer can pass the same check at the same time."""

AmendFn = Callable[[list[JSONObject]], list[tuple[JSONObject, JSONObject]]]
"""``documents -> [(changed document, its history event)]``: changes made with an activation."""


@runtime_checkable
class ArchiveStore(Protocol):
    """One customer archive: records with revisions, history, runs and the active policy.

    Every write is one transaction under the store's lock: whole or absent, and refused when
    it was made on a revision someone else has changed meanwhile.
    """

    @property
    def location(self) -> str:
        """Where the archive is (a file path, a database URL), for messages."""

    def records(self) -> Mapping[str, JSONObject]:
        """Every record by customer id, in stored order (read-only: save to change one)."""

    def documents(self) -> list[JSONObject]:
        """Every customer document, without the store's ``_`` fields (read-only)."""

    def get(self, customer_id: str) -> JSONObject | None:
        """A private copy of one record, or None when there is no such customer."""

    def history(
        self, customer_id: str | None = None, *, kind: str | None = None
    ) -> list[JSONObject]:
        """Committed history events, oldest first, of one customer or kind, or all."""

    def runs(self) -> list[JSONObject]:
        """Every recorded regrade run, oldest first."""

    def active_policy(self) -> JSONObject | None:
        """The activated policy (text, sha256, version, path, activated_by/at), or None."""

    def stamp(self) -> object:
        """A cheap token that differs whenever anyone has written the archive since."""

    def save_customer(
        self,
        doc: Mapping[str, Any],
        *,
        base_rev: int | None,
        actor: str,
        events: Sequence[Mapping[str, Any]] = (),
        grade: GradeAfter | None = None,
    ) -> JSONObject:
        """Create (``base_rev=None``) or change one customer, refusing a stale revision.

        Args:
            doc: The customer document (store fields in it are ignored).
            base_rev: The revision the edit started from, or None to create.
            actor: Who saves.
            events: Side records of the save (``{"kind": …, …}``, e.g. a source marked
                verified), written to the history in the same transaction.
            grade: Grades what the save changed, in the same transaction.

        Returns:
            A copy of the stored record with its new revision.

        Raises:
            StaleRevisionError: someone saved the customer after ``base_rev``.
            DuplicateCustomerError: creating an id that exists.
            CustomerMissingError: changing a customer that no longer exists.
        """

    def aliases(self) -> dict[str, str]:
        """Ids of customers merged into others: ``{dropped id: the id kept}``."""

    def merge_customers(
        self,
        keep: Mapping[str, Any],
        *,
        keep_rev: int,
        drop_id: str,
        drop_rev: int,
        actor: str,
        grade: GradeAfter | None = None,
    ) -> JSONObject:
        """Store ``keep`` and remove ``drop_id`` in one transaction; ``drop_id`` becomes an
        alias of the kept customer, and ``grade`` grades it (or, when the archive-wide top
        moved, every customer) in the same transaction. The merge's history event records the
        kept customer's grade before and after under ``grade``.

        Raises:
            StaleRevisionError: someone saved either customer after the revision given.
            CustomerMissingError: either customer is not in the archive.
        """

    def delete_customer(self, customer_id: str, *, base_rev: int, actor: str) -> None:
        """Remove one customer, refusing a stale revision; the history keeps its past."""

    def import_customers(self, docs: Sequence[Mapping[str, Any]], *, actor: str) -> ImportResult:
        """Add or replace many customers in one transaction: all of them or none."""

    def write_customers(
        self,
        plan: Callable[[Mapping[str, JSONObject]], Sequence[CustomerWrite]],
        *,
        actor: str,
        grade: GradeAfter | None = None,
    ) -> FollowedGrades:
        """Store the customers ``plan`` decides on, reading the records under the lock, in
        one transaction (none when it decides none); ``grade`` grades them in it.

        Raises:
            Whatever ``plan`` raises; the archive is then unchanged.
        """

    def regrade(
        self,
        grade_fn: GradeFn,
        *,
        run: Mapping[str, Any],
        actor: str,
        dry_run: bool = False,
        cancelled: Callable[[], bool] | None = None,
    ) -> RegradeOutcome:
        """Grade every document as stored under the lock with ``grade_fn``; store it at once.

        Raises:
            RegradeCancelledError: ``cancelled()`` was true before the write; nothing changed.
        """

    def refresh_generated(
        self,
        docs: Sequence[Mapping[str, Any]],
        grade_fn: GradeFn,
        *,
        origin: str,
        run: Mapping[str, Any],
        actor: str,
        force: bool = False,
    ) -> GeneratedOutcome:
        """Store generated customers (marked ``_meta.origin``) and grade the whole archive in
        one transaction, refusing an archive holding unmarked customers unless ``force``.

        Raises:
            ForeignCustomersError: unmarked customers, and not ``force``; nothing changed.
        """

    def activate_policy(
        self,
        text: str,
        *,
        sha256: str,
        version: str,
        path: str | None,
        actor: str,
        detail: Mapping[str, Any] | None = None,
        amend: AmendFn | None = None,
    ) -> None:
        """Make ``text`` the archive's active policy and record it, full text, in the history.

        Args:
            text: The policy file's text.
            sha256: Its hash.
            version: Its ``policy_version``.
            path: The file it was read from.
            actor: Who activates it.
            detail: More to record on the activation event (checks run, forced…).
            amend: Called under the lock with every document as stored; the documents it
                returns, each with its history event, are stored in the same transaction
                (e.g. entries rescaled to new weights). It may raise to write nothing.
        """

    def record_event(
        self,
        customer_id: str | None,
        kind: str,
        actor: str,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Append an audit event (e.g. ``personal_data_revealed``) to the history."""


@runtime_checkable
class LineRegradingStore(ArchiveStore, Protocol):
    """A store that can also regrade its customers share by share, in worker processes."""

    def regrade_lines(
        self,
        grade_lines: Callable[[CustomerLines], LinesRegrade],
        *,
        run: Mapping[str, Any],
        actor: str,
    ) -> RegradeOutcome | None:
        """Regrade with ``grade_lines`` over the stored customers, or None (nothing written)
        when the store cannot: the caller then uses ``regrade``."""


DocumentTexts = Sequence[tuple[str, bytes]]
"""A batch of customers as a store reads them: each id with its document as JSON text (UTF-8),
in stored order; decoded by the grader (in its workers when it has them)."""

Encoder = Callable[[Sequence[tuple[str, Mapping[str, Any], bytes]]], bytes]
"""``[(id, grading, grading as JSON text)] -> bytes``: a batch's gradings in the store's own
form (for PostgreSQL, rows of ``COPY`` with the list's keys beside each grading), made where
they are graded."""


class GradedBatch(NamedTuple):
    """One batch graded by a ``StreamGrader``: its gradings encoded by the store's ``Encoder``,
    and each customer's id with its new ``status``, ``grade`` and ``total``."""

    encoded: bytes
    gradings: list[tuple[str, JSONObject]]


class StreamGrader(Protocol):
    """Grades an archive read in batches, twice, for ``StreamRegradingStore.regrade_streamed``.

    The store calls ``begin`` once, then ``measure_texts`` with every batch (unless the grader
    ``assume``s the stored tops), then ``grade_texts`` with every batch again (in the same
    order, from the same snapshot; once more when it is not ``settled``), then ``check``
    before the transaction ends. The store may write each batch's gradings as they come
    back, inside that transaction; any of the calls may raise: nothing is written then (what
    was stored is undone). The batches
    come as an iterable that reads the next batch when asked, so that a grader with workers
    reads one batch while they grade others; it never holds more than one batch per worker.
    """

    def begin(self, customers: int) -> None:
        """The number of customers about to be read (for progress)."""

    def assume(self, tops: Mapping[str, Any] | None) -> bool:
        """The archive-wide tops stored with the customers' gradings (None: none stored).
        True: the grader grades with them and skips ``measure_texts``, checking them as it
        grades (see ``settled``)."""

    def settled(self) -> bool:
        """After ``grade_texts``: whether the tops graded with were the archive's. False when
        an assumed top has moved: the grader now holds the archive's tops, and the store
        discards the gradings and calls ``grade_texts`` again."""

    def measure_texts(self, batches: Iterable[DocumentTexts]) -> None:
        """The first pass: take in every batch's facts (the archive-wide tops)."""

    def grade_texts(
        self, batches: Iterable[DocumentTexts], encode: Encoder
    ) -> Iterator[GradedBatch]:
        """The second pass: each batch's gradings, in the batches' order, each handed out
        before the next batch is asked for beyond those being graded."""

    def check(self, tally: RegradeTally) -> None:
        """Called before the regrade's transaction ends, with the run's counts (customers,
        changes, ungraded before and after, customers per grade); raises to refuse (the
        gradings stored so far are undone)."""


@runtime_checkable
class StreamRegradingStore(ArchiveStore, Protocol):
    """A store that regrades its customers batch by batch, in memory bounded by a batch."""

    def regrade_streamed(
        self,
        grader: StreamGrader,
        *,
        run: Mapping[str, Any],
        actor: str,
        cancelled: Callable[[], bool] | None = None,
    ) -> RegradeOutcome:
        """Grade every customer as stored, under the write lock, batch by batch with
        ``grader``, and store the gradings, the run and the grade changes in one transaction.

        Returns:
            The run id, the run's counts (``tally``; no grading is kept) and the grade changes,
            read back from the store as they are iterated.

        Raises:
            RegradeCancelledError: ``cancelled()`` was true before the write; nothing changed.
        """


class Changes(Protocol):
    """A feed of the writes committed to an archive (see ``ListeningStore.listen``)."""

    def wait(self, timeout: float) -> list[JSONObject]:
        """The writes committed since the last call (``{"txn", "kinds", "customers",
        "events", "own"}``; ``customers`` None when too many to list; ``own`` True for a
        write through the archive object listened to), waiting up to ``timeout`` seconds for
        the first; empty when there was none."""

    def close(self) -> None:
        """Stop listening."""


@runtime_checkable
class ListeningStore(ArchiveStore, Protocol):
    """A store that tells of other people's writes as they commit (PostgreSQL's NOTIFY)."""

    def listen(self) -> Changes:
        """A feed of the writes anyone commits from now on."""


@runtime_checkable
class DutyCheckingStore(ArchiveStore, Protocol):
    """A store whose server allows each kind of write only to the users holding a duty
    (PostgreSQL's roles), and can say so before a long preview rather than at its end."""

    def require_duty(self, action: str) -> None:
        """Refuse ``action`` now (``"activate"`` a policy) when this user may not do it.

        Raises:
            PrivilegeRefusedError: the user lacks the duty; the message names it.
        """


@runtime_checkable
class RelationsStore(ArchiveStore, Protocol):
    """A store that reads the customers related to one without reading every record (the
    PostgreSQL archive): ``creditfile show`` and a card's related customers ask it."""

    def records_of(self, customer_ids: Collection[str]) -> dict[str, JSONObject]:
        """The records of those of ``customer_ids`` on file, by id."""

    def naming_records(self, customer_id: str) -> dict[str, JSONObject]:
        """At least every record whose ``related`` names ``customer_id``, by id in stored
        order; perhaps a few others besides, which the caller leaves out."""


@runtime_checkable
class LoginRecordingStore(ArchiveStore, Protocol):
    """A store that records, beside every history event, the database login that wrote it
    (PostgreSQL's ``session_user``, which no client can set)."""

    def history_with_logins(
        self, customer_id: str | None = None, *, kind: str | None = None
    ) -> list[JSONObject]:
        """``history(customer_id, kind=kind)``, each event with the login as ``db_user``."""


@runtime_checkable
class RevealingStore(ArchiveStore, Protocol):
    """A store whose readers get customers without personal data, and the whole records only
    through a reveal the store itself records (the PostgreSQL archive)."""

    def reveal(
        self,
        customer_ids: Sequence[str] | None,
        *,
        actor: str,
        kind: str,
        detail: Mapping[str, Any] | None = None,
    ) -> dict[str, JSONObject]:
        """The whole records of ``customer_ids`` (every customer: None), the reveal recorded
        as ``kind`` with ``detail`` in the same transaction as the read.

        Raises:
            PrivilegeRefusedError: the user may not reveal personal data.
        """


@runtime_checkable
class SearchingStore(ArchiveStore, Protocol):
    """A store that finds customers by search words itself, over search keys it keeps and
    indexes (the PostgreSQL archive): a keystroke asks it instead of scanning every row."""

    def search(self, words: Sequence[str]) -> list[str]:
        """The ids of the customers whose search text (``document.pinyin.search_text``)
        holds every one of ``words`` (lowercase), in no given order.

        Raises:
            StoreError: the store could not be read.
        """


@runtime_checkable
class ListingStore(ArchiveStore, Protocol):
    """A store that answers the customer list a page at a time, searched, filtered and sorted
    by itself (the PostgreSQL archive): the list then holds a page, never the archive."""

    def list_page(
        self, view: ListView, after: PageStart | None, limit: int, *, backward: bool = False
    ) -> list[dict[str, Any]]:
        """The records of one page of ``view``, in its order (see ``store.pg_list.page``).

        Raises:
            StoreError: the store could not be read.
        """

    def list_count(self, view: ListView) -> int:
        """How many customers ``view`` shows.

        Raises:
            StoreError: the store could not be read.
        """


@runtime_checkable
class BatchReadingStore(ArchiveStore, Protocol):
    """A store that hands its records out a batch at a time, so that a report over every
    customer (the portfolio, the review list, a regrade preview) holds one batch, never the
    archive (both stores have it; a database reads them from a cursor of its own)."""

    def record_batches(self, size: int) -> Iterator[list[JSONObject]]:
        """Every record (document, ``_meta``, ``_grading``), in stored order, in lists of at
        most ``size``, all from one state of the archive (read-only).

        Raises:
            StoreError: the store could not be read.
        """

    def grade_changes(self, customer_ids: Sequence[str]) -> dict[str, list[JSONObject]]:
        """The ``grade_changed`` history events of these customers, each one's oldest first,
        by customer id (one with none is absent).

        Raises:
            StoreError: the store could not be read.
        """

    def stored_tops(self) -> JSONObject | None:
        """The archive-wide tops stored with the gradings of the last whole regrade (the
        first stored grading holding ``tops``, in stored order, with its ``as_of``), as
        ``{"tops": {…}, "as_of": …}``; None when no grading holds them.

        Raises:
            StoreError: the store could not be read.
        """


@runtime_checkable
class DemandStore(ArchiveStore, Protocol):
    """A store that also keeps demand requests for priority supply (``store.Archive`` does).

    A request is ``{customer_id, item, quantity, wanted_on, requested_on, note}``; the store
    adds ``id`` (``R000001`` …, never reused), ``added_by`` and ``added_at``.
    """

    def demands(self) -> list[JSONObject]:
        """Every demand request kept, oldest first (private copies)."""

    def add_demands(self, demands: Sequence[Mapping[str, Any]], *, actor: str) -> list[JSONObject]:
        """Keep demand requests, all or none, in one transaction; each gets the next id and a
        ``demand_added`` history event on its customer.

        Raises:
            CustomerMissingError: a request names a customer not in the archive; nothing is
                written.
        """
