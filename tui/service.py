"""The UI's adapter over the application layer: the one object every screen works through.

Screens never open the store or call the engine themselves. ``ArchiveService.load`` reads the
archive once (call it from a worker); afterwards the service holds every record and its stored
grading in memory for the list (generations tell screens what changed). A database that answers
the list a page at a time (``store.ListingStore``) is not read whole: the list asks it for
pages (``list_rows``), a record is read when a screen asks for it, and the screens that need
every record (Portfolio, Review, the regrade preview) read them when they are shown. It answers
the customer card (it satisfies ``tui.card.backend.CardBackend``), and hands every use case to
``creditfile.application``: the policy in force, saving, the regrade preview and the regrade
itself, the portfolio and review reports — the same code the command line runs.

Every public method may be called from a worker thread; state changes happen under one lock.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from creditfile.application.allocation import DemandInput, add_demands
from creditfile.application.card import Problem, attention_reasons, draft_problems
from creditfile.application.customer_index import ListRow, ServerSearch
from creditfile.application.customer_list import export_list, list_table, server_search
from creditfile.application.customers import GradingDone, save_customer
from creditfile.application.form_audit import (
    AuditDone,
    PendingValue,
    audit_declared,
    pending_values,
)
from creditfile.application.history import HistoryQuery, read_history
from creditfile.application.list_window import RowSource, ServerRows
from creditfile.application.lookup import MergedId, resolve_id, reveal_record
from creditfile.application.opening import open_archive
from creditfile.application.policy_choice import (
    PolicySource,
    PolicyStatus,
    check_disk,
    resolve_policy,
)
from creditfile.application.quotes import issue_quote, price_for_customer, quote_request
from creditfile.application.regrade import RegradeResult, regrade
from creditfile.application.regrade_preview import RegradePreview, preview_in_batches
from creditfile.application.relations import (
    customer_relations,
    related_problems,
)
from creditfile.application.report_batches import (
    Counted,
    DueList,
    archive_tops,
    compositions,
    due_list,
)
from creditfile.application.trend import trend_in_batches
from creditfile.application.watching import ArchiveChange, ChangeWatcher
from creditfile.engine.quotes import Quote
from creditfile.policy import Policy
from creditfile.presentation.translation import set_language
from creditfile.store import (
    ArchiveStore,
    ListingStore,
    ReadBatch,
    RegradeCancelledError,
    customer_document,
    is_database_url,
    shown_location,
)

Progress = Callable[[float, str], None]
"""A progress callback: fraction done (0–1) and the phase's name (``grading``, ``writing``)."""


_GC_LOCK = threading.Lock()
_GC_PAUSES = 0


@contextmanager
def gc_paused_then_frozen() -> Iterator[None]:
    """Pause the cyclic garbage collector while bulk data is built, then freeze what was built.

    Loading 100,000 records creates tens of millions of objects; every full collection walks
    all of them (seconds each, several per load). Records and rows hold no reference cycles,
    so plain reference counting frees them; freezing them keeps later collections short too
    (a keystroke would otherwise pay for a walk over the whole archive now and then).
    """
    global _GC_PAUSES  # noqa: PLW0603 - one process-wide switch, counted across workers
    with _GC_LOCK:
        _GC_PAUSES += 1
        gc.disable()
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES -= 1
            if _GC_PAUSES == 0:
                gc.freeze()
                gc.enable()


@dataclass(frozen=True)
class LoadingBatch:
    """Records read so far by the first ``load``, for showing before the rest is read.

    Attributes:
        records: This batch's records (the store's objects: read-only).
        done: Records read so far, this batch included.
        total: Records in the archive (estimated while a file laid out by another tool is
            read).
        policy: The policy in force (resolved from the archive's meta before any record).
        restart: Forget the records handed out before (they were a preview); start over.
    """

    records: list[dict[str, Any]]
    done: int
    total: int
    policy: PolicyStatus
    restart: bool = False


@dataclass
class LoadResult:
    """What ``ArchiveService.load`` read: counts and timings for the status line."""

    customers: int
    seconds: float
    policy: PolicyStatus
    changed_ids: list[str] = field(default_factory=list)
    paged: bool = False
    """The archive was not read whole: the list asks it for pages (``customers`` is 0)."""


class ArchiveService:
    """The archive, the active policy and the engine, for every screen of the terminal UI.

    Args:
        db_path: The archive file, or a ``postgresql://`` URL.
        policy_path: ``--policy``; None resolves as the command line does
            (``$CREDITFILE_POLICY``, else the archive's active policy, else the default).
        lang: ``zh`` or ``en``: the language put in force for the interface's messages
            (``presentation.translation``) and the one policy and field labels are shown in.
        actor: Who is working (default: the OS user, as the store names it).
        as_of: The grading date (default: today).
    """

    def __init__(
        self,
        db_path: str | Path,
        policy_path: str | Path | None = None,
        *,
        lang: str = "en",
        actor: str | None = None,
        as_of: date | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        """The archive file (of a database URL, only for messages: see ``archive_name``)."""
        self._location: str | Path = db_path if is_database_url(db_path) else self.db_path
        self.archive_name = shown_location(self._location)
        """The archive as the screens name it: the file, or the database URL (no password)."""
        self._policy_option = str(policy_path) if policy_path else None
        self._lang = set_language(lang)
        self._actor = actor
        self._as_of = as_of or date.today()
        self._lock = threading.RLock()
        self._archive: ArchiveStore | None = None
        self._records: dict[str, dict[str, Any]] = {}
        self._policy: Policy | None = None
        self._status: PolicyStatus | None = None
        self._tops: Mapping[str, Decimal] | None = None
        self.generation = 0
        """Bumped on every change of the records held; screens compare it to redraw."""
        self._changes: list[tuple[int, str | None]] = []
        # Held by this program's writes and by taking in others' (``follow``): a record read
        # for the list is never older than a write made here.
        self._writes = threading.RLock()
        self._disk_stamp: object = None

    # -- what the card reads (tui.card.backend.CardBackend) -----------------------------------

    @property
    def policy(self) -> Policy:
        """The active policy (``load`` must have run)."""
        if self._policy is None:
            raise RuntimeError("the archive is not loaded yet; call ArchiveService.load first")
        return self._policy

    @property
    def as_of(self) -> date:
        """The date gradings and previews are for."""
        return self._as_of

    @property
    def actor(self) -> str:
        """Who is working: recorded on saves, events and regrades."""
        if self._actor is None:
            from creditfile.store import default_actor

            self._actor = str(default_actor())
        return self._actor

    @property
    def lang(self) -> str:
        """The interface language, ``zh`` or ``en``."""
        return self._lang

    def switch_language(self, lang: str) -> str:
        """Speak ``lang`` (``zh`` or ``en``) from now on; screens drawn later show it."""
        self._lang = set_language(lang)
        return self._lang

    @property
    def loaded(self) -> bool:
        """Whether ``load`` has finished."""
        return self._policy is not None

    def record(self, customer_id: str, *, fresh: bool = False) -> dict[str, Any] | None:
        """The store record of a customer (document + ``_meta`` + ``_grading``), or None.

        Args:
            customer_id: The customer's id.
            fresh: Re-read it from the file (someone else may have saved it meanwhile).
        """
        if fresh and self.windowed:
            found = self._open().get(customer_id)
            with self._lock:
                self._changed(customer_id)
            return dict(found) if found is not None else None
        if fresh:
            found = self._open().get(customer_id)
            with self._lock:
                if found is None:
                    if self._records.pop(customer_id, None) is not None:
                        self._changed(None)
                    return None
                self._records[customer_id] = dict(found)
                self._changed(customer_id)
        with self._lock:
            held = self._records.get(customer_id)
            if held is not None or not self.windowed:
                return dict(held) if held is not None else None
        found = self._open().get(customer_id)
        return dict(found) if found is not None else None

    @property
    def windowed(self) -> bool:
        """Whether the archive answers the list a page at a time and is never read whole here
        (a database): ``records`` then reads every record when asked, and keeps none."""
        with self._lock:
            return isinstance(self._archive, ListingStore)

    def list_rows(self) -> RowSource | None:
        """The list's row source of an archive read a page at a time (``windowed``), else None
        (the list indexes every record held)."""
        with self._lock:
            archive, policy = self._archive, self._policy
        if not isinstance(archive, ListingStore) or policy is None:
            return None
        return ServerRows(archive, policy, self._as_of)

    def save(
        self,
        doc: Mapping[str, Any],
        base_rev: int | None,
        verified: Sequence[Mapping[str, Any]] = (),
    ) -> dict[str, Any]:
        """Save a customer through the store's revision check, graded in the same write
        (every customer, re-read here, when the save moved the archive-wide top).

        Args:
            doc: The customer document.
            base_rev: The revision the edit started from; None for a new customer.
            verified: The sources the edit marked verified, recorded in the same transaction.

        Returns:
            The saved record.

        Raises:
            store.StaleRevisionError: Someone else saved the customer since ``base_rev``.
            store.DuplicateCustomerError: A new customer's id is taken.
        """
        with self._writes:
            return self._save(doc, base_rev, verified)

    def _save(
        self,
        doc: Mapping[str, Any],
        base_rev: int | None,
        verified: Sequence[Mapping[str, Any]],
    ) -> dict[str, Any]:
        store = self._open()
        done = GradingDone()
        saved = save_customer(
            store,
            doc,
            base_rev=base_rev,
            actor=self.actor,
            policy=self.policy,
            as_of=self._as_of,
            verified_sources=verified,
            done=done,
        )
        if done.whole:  # the archive-wide top moved: every customer was graded again
            self.load()
            return saved
        with self._lock:
            customer_id = str(saved.get("id", doc.get("id")))
            if not self.windowed:
                self._records[customer_id] = saved
            self._tops = None
            self._changed(customer_id)
            self._disk_stamp = store.stamp()
        return saved

    def resolve(self, customer_id: str) -> tuple[str, MergedId | None]:
        """The id to open for ``customer_id``, and the merge that moved it there (or None)."""
        return resolve_id(self._open(), customer_id)

    def history(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's history events (edits, grade changes, reveals), oldest first, with
        those of every id merged into it; personal values masked under the policy in force."""
        query = HistoryQuery(customer_id=customer_id)
        natures = self.policy.personal_natures
        return [dict(e) for e in read_history(self._open(), query, personal_natures=natures)]

    def record_event(self, customer_id: str, kind: str, detail: Mapping[str, Any]) -> None:
        """Append an audit event (e.g. ``personal_data_revealed``) to the customer's history."""
        with self._own_write() as store:
            store.record_event(customer_id, kind, self.actor, dict(detail))

    def reveal_personal(self, customer_id: str) -> dict[str, Any] | None:
        """Record that the card shows the customer's personal data; the whole record when the
        store reads it only through a reveal it records itself (a database), else None.

        Raises:
            store.StoreError: the reveal was refused (the user may not reveal personal data).
        """
        detail = {"via": "creditfile tui", "section": "profile.person"}
        with self._own_write() as store:
            found = reveal_record(store, customer_id, actor=self.actor, detail=detail)
        return dict(found) if found is not None else None

    def validate(self, doc: Mapping[str, Any]) -> list[Problem]:
        """The problems of a document under the active policy, exactly as the command line
        reports them (each with ``path`` and ``message``)."""
        problems = draft_problems(doc, self.policy)
        if doc.get("related"):
            said = {p.path for p in problems}  # an id refused as written is not looked up
            found = related_problems(self._open(), doc)
            problems += [p for p in found if p.path not in said]
        return problems

    def relations(
        self, customer_id: str, doc: Mapping[str, Any]
    ) -> Mapping[str, list[dict[str, Any]]]:
        """Both directions of a customer's relations, ``doc`` (the card's draft) standing for
        the stored customer, as ``creditfile show`` gives them."""
        return customer_relations(self._open(), customer_id, doc)

    def tops(self) -> Mapping[str, Decimal]:
        """The archive-wide top of each relative item, worked out once per change of the
        archive: the stored gradings' when they are this policy's and date's (one row of a
        database), else from every customer a batch at a time."""
        with self._lock:
            if self._tops is not None:
                return self._tops
            generation, policy = self.generation, self.policy
        # Worked out outside the lock: other screens go on meanwhile.
        tops = archive_tops(self._open(), policy, self._as_of)
        with self._lock:
            if self.generation == generation and self._policy is policy:
                self._tops = tops
        return tops

    def price_quote(
        self, customer_id: str, item: str, list_price: str, quantity: int, months: int
    ) -> Quote:
        """The quote under the customer's stored grading; nothing is recorded."""
        request = quote_request(self.policy, item, list_price, quantity, months)
        return price_for_customer(self._open(), customer_id, request, self.policy)

    def issue_quote(
        self,
        customer_id: str,
        item: str,
        list_price: str,
        quantity: int,
        months: int,
        *,
        allow_over_limit: bool,
    ) -> Quote:
        """Price the quote and record it in the customer's history (``quote_issued``)."""
        request = quote_request(self.policy, item, list_price, quantity, months)
        with self._own_write() as store:
            return issue_quote(
                store,
                customer_id,
                request,
                self.policy,
                actor=self.actor,
                allow_over_limit=allow_over_limit,
                via="creditfile tui",
            )

    def pending_values(self, customer_id: str) -> list[PendingValue]:
        """The declared values of the customer's forms awaiting audit, as on file now."""
        record = self._open().get(customer_id)
        return pending_values(customer_document(record)) if record is not None else []

    def audit_declared(
        self, customer_id: str, field: str, decision: str, typed: str, source: int | None = None
    ) -> AuditDone:
        """Take one audit decision on one form's value and save it, graded and recorded as
        every save is."""
        store = self._open()
        done = GradingDone()
        result = audit_declared(
            store,
            customer_id,
            field,
            decision,
            self.policy,
            actor=self.actor,
            as_of=self._as_of,
            typed=typed,
            source=source,
            done=done,
        )
        if done.whole:  # the archive-wide top moved: every customer was graded again
            self.load()
            return result
        with self._lock:
            if not self.windowed:
                self._records[customer_id] = dict(result.record)
            self._tops = None
            self._changed(customer_id)
            self._disk_stamp = store.stamp()
        return result

    def add_demand(
        self, customer_id: str, item: str, quantity: str, wanted: str, note: str
    ) -> dict[str, Any]:
        """Check and keep one demand request, as ``creditfile demand add`` does."""
        entry = DemandInput(customer_id, item, quantity, wanted, "", note, "")
        store = self._open()
        [kept] = add_demands(store, [entry], self.policy, actor=self.actor, today=date.today())
        with self._lock:
            self._disk_stamp = store.stamp()  # our own write, not one from elsewhere
        return dict(kept)

    def new_id(self) -> str:
        """An unused id to propose for a new customer: the one after the highest."""
        from creditfile.tui.card.backend import next_free_id

        source = self.list_rows()
        if source is not None:  # the highest id is the last by id: one row from the server
            from creditfile.application.customer_index import ListQuery

            return next_free_id(
                [row.id for row in source.page(ListQuery(), None, 1, backward=True)]
            )
        with self._lock:
            return next_free_id(list(self._records))

    # -- the archive as a whole ---------------------------------------------------------------

    def load(self, on_batch: Callable[[LoadingBatch], None] | None = None) -> LoadResult:
        """Open the archive, read every record once and resolve the policy (blocking).

        Args:
            on_batch: On the first load, called with the records batch by batch as the file
                is parsed (the policy is resolved before the first), so the list can show
                rows long before 100,000 customers are read. Later loads re-read whole.

        Returns:
            How many customers were read, and the policy status.

        Raises:
            store.StoreError: The file is missing, damaged or not an archive.
            policy.PolicyError: The policy cannot be loaded.
        """
        import time

        started = time.perf_counter()
        early: PolicyStatus | None = None

        def batch(read: ReadBatch) -> None:
            nonlocal early
            if early is None:
                active = read.meta.get("active_policy")
                early = resolve_policy(
                    dict(active) if active else None, self.archive_name, self._policy_option
                )
            if on_batch is not None:
                on_batch(LoadingBatch(read.records, read.done, read.total, early, read.restart))

        with gc_paused_then_frozen():
            # A database is read a page at a time: never whole, so no batches either.
            streamed = on_batch is not None and not is_database_url(self._location)
            archive = self._open(batch if streamed else None)
            stamp = archive.stamp()
            # The store's own record objects, not copies: nothing here changes them, and
            # copying 100,000 records would cost time and memory for nothing. An archive
            # that answers the list a page at a time is not read whole.
            paged = isinstance(archive, ListingStore)
            records = {} if paged else dict(archive.records())
        status = early if early is not None else self._resolve_policy(archive)
        with self._lock:
            self._records = records
            self._policy = status.policy
            self._status = status
            self._tops = None
            self._disk_stamp = stamp
            self._changed(None)
        return LoadResult(len(records), time.perf_counter() - started, status, paged=paged)

    def server_search(self) -> ServerSearch | None:
        """The archive's own search over keys it keeps and indexes (a database), for the
        list's index; None for a file archive or before it is open."""
        with self._lock:
            archive = self._archive
        return None if archive is None else server_search(archive)

    def records(self) -> Mapping[str, Mapping[str, Any]]:
        """Every record held, by id (do not change them; save instead); of an archive read a
        page at a time, every record read now (nothing is kept here)."""
        with self._lock:
            if not self.windowed:
                return dict(self._records)
        return dict(self._open().records())

    def documents(self) -> list[dict[str, Any]]:
        """Every customer document held (without the store's ``_`` fields)."""
        return [customer_document(r) for r in self.records().values()]

    def gradings(self) -> dict[str, Mapping[str, Any]]:
        """The stored grading of every customer that has one, by id."""
        return {cid: r["_grading"] for cid, r in self.records().items() if r.get("_grading")}

    def export_list(self, rows: Sequence[ListRow], target: Path) -> Path:
        """Write list rows to ``target`` (XLSX or CSV by its extension), never the archive.

        Returns:
            The file written.
        """
        table = list_table(rows, self.policy, self.lang)
        return export_list(table, target, archive=self.db_path, option="export")

    def attention(self, record: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Why a customer needs attention (the shared review list's reasons); empty if not."""
        return list(attention_reasons(record, self.policy, self._as_of))

    # -- regrade ------------------------------------------------------------------------------

    def preview_regrade(self, progress: Progress | None = None) -> RegradePreview:
        """What a regrade would change, from every customer read a batch at a time;
        writes nothing.

        Args:
            progress: Called with the fraction graded.

        Returns:
            Counts per grade before and after, the from→to matrix, how many change and the
            first changes by id.
        """
        return preview_in_batches(self._open(), self.policy, self._as_of, progress)

    def apply_regrade(
        self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
    ) -> RegradeResult:
        """Regrade the whole archive under the lock, in one write, then re-read the records.

        The documents are graded as they are in the file at that moment (someone may have
        saved since the preview). ``cancelled`` is asked between chunks until the write starts;
        when it answers True nothing is written and the file stays byte-identical.

        Args:
            progress: Called with the fraction done and the phase.
            cancelled: Asked whether to stop before writing.

        Returns:
            What the regrade did (``gradings``, ``changes``, ``run_id``, the run record).

        Raises:
            RegradeCancelledError: Cancelled before the write; nothing was written.
        """
        report = progress or (lambda _f, _p: None)
        with self._writes:
            result = regrade(
                self._open(),
                self.policy,
                self._as_of,
                self.actor,
                progress=report,
                # Always cancellable: graded in chunks here, so the bar moves and Esc can stop.
                cancelled=cancelled or (lambda: False),
            )
            self.load()
        report(1.0, "done")
        return result

    # -- portfolio ----------------------------------------------------------------------------

    def portfolio(
        self, dimensions: Sequence[str], counted: Counted | None = None
    ) -> dict[str, dict[str, Any]]:
        """Shares of customers and lease amount per group, for each of ``dimensions``, as
        ``creditfile report composition`` computes them, from every customer a batch at a
        time (``application.report_batches``).

        Args:
            dimensions: ``grade``, ``nature``, ``tier``, ``lifecycle``, ``stage``, or ``item``
                (leased-item categories: lease count and amount).
            counted: Told the customers counted so far and the customers in the archive.

        Returns:
            ``{dimension: report}`` from ``engine.reports.composition`` / ``item_composition``.
        """
        policy = self.policy.in_language(self.lang)
        return compositions(self._open(), policy, self._as_of, dimensions, counted)

    def trend(
        self, by: str = "grade", kind: str = "year", counted: Counted | None = None
    ) -> dict[str, Any]:
        """The lease amount booked per year (or quarter) by ``by``, as ``creditfile report
        trend`` computes it: by grade, the grades the history held at each period's end; read
        a batch at a time, ``counted`` told the progress."""
        policy = self.policy.in_language(self.lang)
        return trend_in_batches(self._open(), policy, self._as_of, by, kind, counted)

    def due_for_review(self, keep: int = 2000, counted: Counted | None = None) -> DueList:
        """How many customers are due for review, and the ``keep`` most urgent with their
        reasons, most urgent first (the CLI's first rows), from every customer a batch at a
        time; ``counted`` is told the progress."""
        policy = self.policy.in_language(self.lang)
        return due_list(self._open(), policy, self._as_of, keep, counted)

    # -- policy -------------------------------------------------------------------------------

    def policy_status(self) -> PolicyStatus:
        """The policy in force and whether its file on disk still validates (re-checked now)."""
        status = self._status
        if status is None:
            raise RuntimeError("the archive is not loaded yet; call ArchiveService.load first")
        return check_disk(status.policy, status.source)

    def reload_policy(self) -> PolicyStatus:
        """Load the policy again from where it came from; keep the old one if it no longer loads.

        Returns:
            The new status; ``disk_problems`` lists why the file was refused, if it was.
        """
        status = self._resolve_policy(self._open(), keep_on_error=True)
        with self._lock:
            self._policy = status.policy
            self._status = status
            self._tops = None
            self._changed(None)
        return status

    def changed_on_disk(self) -> bool:
        """Whether someone else wrote the archive file since it was read (or saved from here).

        Cheap (one ``stat``): the app asks every few seconds and offers to reload.
        """
        store = self._archive
        return (
            store is not None and self._disk_stamp is not None and store.stamp() != self._disk_stamp
        )

    def changed_since(self, generation: int) -> list[str] | None:
        """The ids of the customers changed after ``generation``; None: reload everything
        (the archive was re-read, regraded or the policy changed)."""
        with self._lock:
            ids: list[str] = []
            for gen, cid in self._changes:
                if gen > generation:
                    if cid is None:
                        return None
                    if cid not in ids:
                        ids.append(cid)
            return ids

    # -- other people's writes ----------------------------------------------------------------

    def watcher(self) -> ChangeWatcher:
        """A watcher of the writes anyone commits to the archive from now on (close it when
        done): a database tells them as they commit, a file is watched by its change stamp.

        Raises:
            store.StoreError: the database cannot be reached.
        """
        return ChangeWatcher(self._open())

    def follow(self, changes: Sequence[ArchiveChange]) -> list[str] | None:
        """Take in writes others committed: re-read the customers they touched, or the whole
        archive (and the policy in force) after a regrade, an activation, a large import or
        any change of a file.

        Args:
            changes: What a ``watcher`` told.

        Returns:
            The ids whose records changed; None when everything was read again; empty when
            nothing held changed (this program's own writes, known already).

        Raises:
            store.StoreError: the archive cannot be read.
        """
        theirs = [change for change in changes if not change.own]
        if not theirs or not self.loaded:
            return []
        with self._writes:
            store = self._open()
            if any(change.customers is None for change in theirs):
                if store.stamp() == self._disk_stamp:  # a file written from here, and read
                    return []
                self.load()
                return None
            changed: list[str] = []
            for cid in sorted({cid for change in theirs for cid in change.customers or ()}):
                if self.windowed:  # nothing held to compare: the list reads its rows again
                    with self._lock:
                        self._tops = None
                        self._changed(cid)
                    changed.append(cid)
                    continue
                found = store.get(cid)
                with self._lock:
                    if found == self._records.get(cid):
                        continue
                    if found is None:
                        del self._records[cid]
                    else:
                        self._records[cid] = found
                    self._tops = None
                    self._changed(cid)
                changed.append(cid)
            return changed

    # -- internals ----------------------------------------------------------------------------

    @contextmanager
    def _own_write(self) -> Iterator[ArchiveStore]:
        """A write from here that changes no record held (an audit event): the archive as it
        was read stays current, so that it is not read again as if someone else wrote."""
        with self._writes:
            store = self._open()
            current = store.stamp() == self._disk_stamp
            yield store
            if current:
                self._disk_stamp = store.stamp()

    def _changed(self, customer_id: str | None) -> None:
        """Record a change (None: everything) under a new generation; the lock is held."""
        self.generation += 1
        if customer_id is None:
            self._changes = []
        self._changes.append((self.generation, customer_id))

    def _open(self, on_batch: Callable[[ReadBatch], None] | None = None) -> ArchiveStore:
        with self._lock:
            if self._archive is not None:
                return self._archive
        # Opened outside the lock: ``on_batch`` hands rows to the screen thread and waits
        # for it, and the screen thread may need the lock meanwhile.
        archive = open_archive(self._location, on_batch=on_batch)
        with self._lock:
            if self._archive is None:
                self._archive = archive
            return self._archive

    def _resolve_policy(
        self, archive: ArchiveStore, *, keep_on_error: bool = False
    ) -> PolicyStatus:
        keep = self._status if keep_on_error else None
        return resolve_policy(archive.active_policy(), self.archive_name, self._policy_option, keep)


__all__ = [
    "ArchiveService",
    "LoadResult",
    "LoadingBatch",
    "PolicySource",
    "PolicyStatus",
    "Progress",
    "RegradeCancelledError",
    "RegradePreview",
    "RegradeResult",
    "gc_paused_then_frozen",
]
