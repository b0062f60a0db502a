"""The archive store: a TinyDB JSON file (atomic writes, a process lock, revisions, history),
or the same archive in a PostgreSQL database (``store.postgres``, a ``postgresql://`` URL)."""

from creditfile.store.archive import Archive
from creditfile.store.bookkeeping import (
    CustomerWrite,
    FollowedGrades,
    GeneratedOutcome,
    GradeFollow,
    ImportResult,
    RegradeOutcome,
    customer_document,
)
from creditfile.store.content import ArchiveContent
from creditfile.store.database import (
    copy_archive,
    initialise_database,
    is_database_url,
    open_database,
    upgrade_database,
)
from creditfile.store.doctor import Diagnosis, Restored, check_archive, diagnose, restore_backup
from creditfile.store.errors import (
    ArchiveDamagedError,
    ArchiveLockedError,
    ArchiveNotFoundError,
    ArchiveUnreadableError,
    ArchiveWriteError,
    CustomerMissingError,
    DuplicateCustomerError,
    ForeignCustomersError,
    RegradeCancelledError,
    StaleRevisionError,
    StoreError,
)
from creditfile.store.interface import (
    AmendFn,
    ArchiveStore,
    DemandStore,
    GradeAfter,
    GradeFn,
    JSONObject,
    LineRegradingStore,
)
from creditfile.store.lines import CustomerLines, LineShare, LinesRegrade, LinesUnreadable
from creditfile.store.locking import Waiting
from creditfile.store.paths import (
    archive_files,
    default_actor,
    default_archive_path,
    is_archive_file,
    is_archive_sidecar,
    real_archive_path,
)
from creditfile.store.snapshot import OnBatch, ReadBatch
from creditfile.store.storage import AtomicJSONStorage

__all__ = [
    "AmendFn",
    "Archive",
    "ArchiveContent",
    "ArchiveDamagedError",
    "ArchiveLockedError",
    "ArchiveNotFoundError",
    "ArchiveStore",
    "ArchiveUnreadableError",
    "ArchiveWriteError",
    "AtomicJSONStorage",
    "CustomerLines",
    "CustomerMissingError",
    "CustomerWrite",
    "DemandStore",
    "Diagnosis",
    "DuplicateCustomerError",
    "FollowedGrades",
    "ForeignCustomersError",
    "GeneratedOutcome",
    "GradeAfter",
    "GradeFn",
    "GradeFollow",
    "ImportResult",
    "JSONObject",
    "LineRegradingStore",
    "LineShare",
    "LinesRegrade",
    "LinesUnreadable",
    "OnBatch",
    "ReadBatch",
    "RegradeCancelledError",
    "RegradeOutcome",
    "Restored",
    "StaleRevisionError",
    "StoreError",
    "Waiting",
    "archive_files",
    "check_archive",
    "copy_archive",
    "customer_document",
    "default_actor",
    "default_archive_path",
    "diagnose",
    "initialise_database",
    "is_archive_file",
    "is_archive_sidecar",
    "is_database_url",
    "open_database",
    "real_archive_path",
    "restore_backup",
    "upgrade_database",
]
