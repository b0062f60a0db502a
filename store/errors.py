"""Store errors: each names the archive file and says what to do."""

from __future__ import annotations

from pathlib import Path

from creditfile.policy.errors import CreditfileError


class StoreError(CreditfileError):
    """Anything wrong with an archive file or a write to it."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{path}: {message}")


class ArchiveNotFoundError(StoreError):
    """No archive at the path."""


class ArchiveDamagedError(StoreError):
    """The file is not a readable creditfile archive (truncated, not JSON, foreign JSON)."""


class ArchiveUnreadableError(StoreError):
    """The file cannot be read (permissions, a folder): not damage; a restore would not help."""


class ArchiveLockedError(StoreError):
    """Another process held the archive lock for longer than the timeout."""

    def __init__(self, path: Path | str, message: str, *, holder: int | None = None) -> None:
        self.holder = holder  # the pid written in the lock file, when known
        super().__init__(path, message)


class ArchiveWriteError(StoreError):
    """A write failed (disk full, permissions…); the archive on disk is unchanged."""


class StaleRevisionError(StoreError):
    """Someone else saved the customer after the revision the edit started from."""

    def __init__(
        self,
        path: Path | str,
        customer_id: str,
        base_rev: int | None,
        current_rev: int | None,
        updated_by: str | None,
        updated_at: str | None,
    ) -> None:
        self.customer_id = customer_id
        self.base_rev = base_rev
        self.current_rev = current_rev
        self.updated_by = updated_by
        self.updated_at = updated_at
        who = f" by {updated_by}" if updated_by else ""
        when = f" at {updated_at}" if updated_at else ""
        super().__init__(
            path,
            f"customer {customer_id} was changed{who}{when} (revision "
            f"{current_rev}) after you opened revision {base_rev}; nothing was "
            "saved — reload the customer and apply your change again",
        )


class DuplicateCustomerError(StoreError):
    """A new customer's id already exists."""

    def __init__(self, path: Path | str, customer_id: str) -> None:
        self.customer_id = customer_id
        super().__init__(
            path,
            f"a customer with id {customer_id} already exists; choose "
            "another id or open the existing customer",
        )


class CustomerMissingError(StoreError):
    """The customer to change is not in the archive (deleted meanwhile?)."""

    def __init__(self, path: Path | str, customer_id: str) -> None:
        self.customer_id = customer_id
        super().__init__(
            path,
            f"no customer {customer_id} in the archive (it may have been deleted); reload the list",
        )


class RegradeCancelledError(StoreError):
    """A regrade was cancelled before its write; the archive is unchanged."""
