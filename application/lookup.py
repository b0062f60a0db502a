"""Finding one customer in an archive, with a helpful error when it is not there."""

from __future__ import annotations

import difflib

from creditfile.policy import CreditfileError
from creditfile.store import ArchiveStore, JSONObject, customer_document


class CustomerNotFoundError(CreditfileError):
    """No customer with the given id."""


def find_customer(archive: ArchiveStore, customer_id: str) -> JSONObject:
    """The customer document (without store bookkeeping) for ``customer_id``.

    Raises:
        CustomerNotFoundError: naming the archive and suggesting close ids.
    """
    record = archive.get(customer_id)
    if record is not None:
        return customer_document(record)
    close = difflib.get_close_matches(customer_id, list(archive.records()), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; list ids with `creditfile export`"
    raise CustomerNotFoundError(f"{archive.location}: no customer {customer_id!r}{hint}")
