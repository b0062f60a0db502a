"""The customer list as lines over a row source: every row held (a file archive), or a window
of a few pages that the store answers itself (a PostgreSQL archive).

Both front ends draw ``Lines``: line numbers from 0, a row for each line held. A file archive's
list is every row, searched, filtered and sorted in the program (``IndexLines`` over a
``customer_index.SearchIndex``). A database's list is a ``Window``: at most ``WINDOW`` rows of
the view, fetched a page at a time from a ``RowSource`` — the first page for a keystroke, the
next one as the cursor nears the window's end, the last one for End — and a count asked after
the rows are shown. The program never holds more than the window, however large the archive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from creditfile.application.card import attention_reasons
from creditfile.application.customer_index import COLUMNS, ListQuery, ListRow, SearchIndex, row_of
from creditfile.policy import Policy
from creditfile.store import ListingStore, ListView, PageStart, pg_list

PAGE = 60
"""Rows fetched per page: more than a tall terminal shows."""
WINDOW = 600
"""Rows a window holds at most; a page fetched beyond it drops as many from the other end."""
NEAR = 10
"""How close to the window's edge the cursor comes before the next page is fetched."""

SERVER_SORTABLE = tuple(column for column in COLUMNS if column in pg_list.SORTABLE)
"""The columns a database sorts the list by (the attention marks are the program's)."""
SERVER_FILTERABLE = pg_list.FILTERABLE
"""The columns a database filters the list by."""


class Lines(Protocol):
    """What a list draws: lines numbered from 0, each with its row when held."""

    def __len__(self) -> int:
        """Lines there are to scroll through."""

    def row(self, line: int) -> ListRow | None:
        """The row of a line, or None when it is not held (yet)."""

    def line_of(self, customer_id: str) -> int | None:
        """The line of a customer, when held."""

    @property
    def complete(self) -> bool:
        """Whether every line of the view is held (else the first and last are fetched)."""


@dataclass(frozen=True)
class IndexLines:
    """Every row of an index, in an order (a file archive's list)."""

    index: SearchIndex
    order: Sequence[int]

    def __len__(self) -> int:
        return len(self.order)

    def row(self, line: int) -> ListRow | None:
        """The row of a line."""
        return self.index.rows[self.order[line]] if 0 <= line < len(self.order) else None

    def line_of(self, customer_id: str) -> int | None:
        """The line of a customer (linear: once per search, never per cursor move)."""
        at = self.index.position(customer_id)
        if at is None or at not in self.order:
            return None
        return list(self.order).index(at)

    @property
    def complete(self) -> bool:
        """Always: every row is held."""
        return True


class RowSource(Protocol):
    """Where a window's rows come from: a store that searches, filters and sorts them."""

    def page(
        self, query: ListQuery, start: ListRow | None, limit: int, *, backward: bool = False,
        inclusive: bool = False,
    ) -> list[ListRow]:  # fmt: skip
        """At most ``limit`` rows of ``query``'s view after ``start`` (or before it,
        ``backward``; from it, ``inclusive``), in the view's order; None: from the top (or
        ``backward``, the bottom).

        Raises:
            StoreError: the store could not be read.
        """

    def count(self, query: ListQuery) -> int:
        """How many customers ``query`` shows.

        Raises:
            StoreError: the store could not be read.
        """


class ServerRows:
    """The list's rows as a database answers them (``store.ListingStore``), with the attention
    marks of each page's customers computed here.

    Args:
        store: The archive.
        policy: The policy in force: grade order, personal natures, the review rules.
        as_of: The date review ages are counted to.
    """

    def __init__(self, store: ListingStore, policy: Policy, as_of: date) -> None:
        self._store = store
        self._policy = policy
        self._as_of = as_of

    def view(self, query: ListQuery) -> ListView:
        """The store's view of a query: words lowercased, only the filters and sort it knows."""
        return ListView(
            words=tuple(query.text.lower().split()),
            filters={c: v for c, v in query.filters.items() if c in SERVER_FILTERABLE and v},
            sort=query.sort if query.sort in SERVER_SORTABLE else "id",
            reverse=query.reverse if query.sort in SERVER_SORTABLE else False,
            grade_order=tuple(g.name for g in self._policy.all_grades),
            personal_natures=frozenset(self._policy.personal_natures),
        )

    def page(
        self, query: ListQuery, start: ListRow | None, limit: int, *, backward: bool = False,
        inclusive: bool = False,
    ) -> list[ListRow]:  # fmt: skip
        """See ``RowSource.page``."""
        view = self.view(query)
        after = None
        if start is not None:
            values = {column: getattr(start, column) for column in SERVER_SORTABLE}
            after = PageStart(pg_list.sort_value(view, values), start.id, inclusive)
        records = self._store.list_page(view, after, limit, backward=backward)
        natures = self._policy.personal_natures
        return [
            row_of(
                record,
                (r["code"] for r in attention_reasons(record, self._policy, self._as_of)),
                personal_natures=natures,
            )
            for record in records
        ]

    def count(self, query: ListQuery) -> int:
        """See ``RowSource.count``."""
        return self._store.list_count(self.view(query))


@dataclass(frozen=True)
class Window:
    """Lines ``offset`` … ``offset + len(rows) - 1`` of a view, held; the lines before them
    exist but are not held.

    Attributes:
        query: The view.
        rows: The rows held, in order.
        offset: The line of the first row held.
        at_end: Whether the last row held is the view's last.
        total: How many customers the view shows, once counted.
    """

    query: ListQuery
    rows: tuple[ListRow, ...] = ()
    offset: int = 0
    at_end: bool = True
    total: int | None = None

    def __len__(self) -> int:
        return self.offset + len(self.rows)

    def row(self, line: int) -> ListRow | None:
        """The row of a line, or None when it is not held."""
        at = line - self.offset
        return self.rows[at] if 0 <= at < len(self.rows) else None

    def line_of(self, customer_id: str) -> int | None:
        """The line of a customer, when held."""
        for at, row in enumerate(self.rows):
            if row.id == customer_id:
                return self.offset + at
        return None

    @property
    def complete(self) -> bool:
        """Whether the window holds every line of its view."""
        return self.offset == 0 and self.at_end

    def wants_further(self, line: int) -> bool:
        """Whether a cursor on ``line`` is near enough the end held to fetch the next page."""
        return not self.at_end and line >= len(self) - NEAR

    def wants_earlier(self, line: int) -> bool:
        """Whether a cursor on ``line`` is near enough the start held to fetch the page before."""
        return self.offset > 0 and line < self.offset + NEAR


def first(source: RowSource, query: ListQuery, limit: int | None = None) -> Window:
    """The first page of a view (blocking: call it from a worker)."""
    limit = limit or PAGE
    rows = source.page(query, None, limit + 1)
    whole = len(rows) <= limit  # every row of the view: counted already
    return Window(query, tuple(rows[:limit]), 0, whole, len(rows) if whole else None)


def further(source: RowSource, window: Window, limit: int | None = None) -> Window:
    """The window with the next page after it (the first rows dropped beyond ``WINDOW``)."""
    limit = limit or PAGE
    if window.at_end or not window.rows:
        return window
    rows = source.page(window.query, window.rows[-1], limit + 1)
    held = window.rows + tuple(rows[:limit])
    dropped = max(len(held) - WINDOW, 0)
    return replace(
        window, rows=held[dropped:], offset=window.offset + dropped, at_end=len(rows) <= limit
    )


def earlier(source: RowSource, window: Window, limit: int | None = None) -> Window:
    """The window with the page before it (the last rows dropped beyond ``WINDOW``)."""
    limit = limit or PAGE
    if window.offset == 0 or not window.rows:
        return window
    rows = source.page(window.query, window.rows[0], min(limit, window.offset), backward=True)
    if not rows:  # the rows before were deleted meanwhile: this is the top now
        return replace(window, offset=0)
    held = tuple(rows) + window.rows
    kept = held[:WINDOW]
    return replace(
        window,
        rows=kept,
        offset=max(window.offset - len(rows), 0),
        at_end=window.at_end and len(kept) == len(held),
    )


def last(source: RowSource, window: Window, limit: int | None = None) -> Window:
    """The window at the view's last page (counted first, to number its lines)."""
    limit = limit or PAGE
    total = source.count(window.query)
    rows = source.page(window.query, None, limit, backward=True)
    return Window(window.query, tuple(rows), max(total - len(rows), 0), True, total)


def refreshed(source: RowSource, window: Window) -> Window:
    """The same lines read again (after saves): from the first row held, as many rows."""
    if not window.rows:
        return first(source, window.query)
    want = max(len(window.rows), PAGE)
    rows = source.page(window.query, window.rows[0], want + 1, inclusive=True)
    if not rows and window.offset == 0:
        return first(source, window.query)
    # Counted again: a save may have brought a customer into the view or taken one out.
    return replace(window, rows=tuple(rows[:want]), at_end=len(rows) <= want, total=None)


def every_row(source: RowSource, query: ListQuery, batch: int = 2_000) -> list[ListRow]:
    """Every row of a view, read a batch at a time (for an export of the whole view)."""
    rows: list[ListRow] = []
    while True:
        more = source.page(query, rows[-1] if rows else None, batch)
        rows += more
        if len(more) < batch:
            return rows


def counted(window: Window, total: int) -> Window:
    """The window with its view's count."""
    return replace(window, total=total)


__all__ = [
    "NEAR",
    "PAGE",
    "SERVER_FILTERABLE",
    "SERVER_SORTABLE",
    "WINDOW",
    "IndexLines",
    "Lines",
    "RowSource",
    "ServerRows",
    "Window",
    "earlier",
    "every_row",
    "first",
    "further",
    "last",
    "refreshed",
]
