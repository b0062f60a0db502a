"""The archive store: a TinyDB JSON file, atomic writes, a process lock, revisions, history."""

from store.archive import Archive
from store.doctor import check_archive, restore_backup
from store.errors import (
    ArchiveDamagedError,
    ArchiveLockedError,
    ArchiveNotFoundError,
    ArchiveWriteError,
    CustomerMissingError,
    DuplicateCustomerError,
    RegradeCancelledError,
    StaleRevisionError,
    StoreError,
)
from store.lines import CustomerLines, LinesRegrade, LinesUnreadable
from store.paths import default_actor, default_archive_path
from store.records import ImportResult, RegradeOutcome
from store.snapshot import ReadBatch
from store.storage import AtomicJSONStorage

__all__ = [
    "Archive",
    "ArchiveDamagedError",
    "ArchiveLockedError",
    "ArchiveNotFoundError",
    "ArchiveWriteError",
    "AtomicJSONStorage",
    "CustomerLines",
    "CustomerMissingError",
    "DuplicateCustomerError",
    "ImportResult",
    "LinesRegrade",
    "LinesUnreadable",
    "ReadBatch",
    "RegradeCancelledError",
    "RegradeOutcome",
    "StaleRevisionError",
    "StoreError",
    "check_archive",
    "default_actor",
    "default_archive_path",
    "restore_backup",
]
