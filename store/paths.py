"""Where an archive lives by default, and who is acting."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import platformdirs


def default_archive_path() -> Path:
    """``$CREDITFILE_DB``, else ``archive.json`` in the user's data directory."""
    given = os.environ.get("CREDITFILE_DB")
    if given:
        return Path(given).expanduser()
    return Path(platformdirs.user_data_dir("creditfile")) / "archive.json"


def default_actor() -> str:
    """The OS user name (recorded as who made a change)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"
