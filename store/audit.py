"""Who did it: the OS user and host beside the declared actor, and actor text made harmless.

``--actor`` is whatever the person typed: it names no one for sure. The history therefore also
records the account the program ran under and the machine, which the person cannot choose from
the command line or the environment. Actor text reaches terminals and spreadsheets later, so
control characters, bidirectional overrides and invisible characters are written as visible
escapes, and its length is bounded.
"""

from __future__ import annotations

import functools
import os
import pwd
import socket
import unicodedata

MAX_ACTOR_CHARS = 64
# Control, format (bidi overrides, zero-width), surrogate, private-use and unassigned
# characters, and the line and paragraph separators: none belongs in a name on a terminal.
_UNSAFE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_actor(actor: object) -> str:
    """``actor`` as safe, bounded, single-line text; ``?`` when nothing printable is left.

    Unsafe characters become visible escapes (``\\x1b``, ``\\u202e``) rather than vanishing,
    so that the history still shows that someone tried.
    """
    # The usual case, once per grade change of a regrade: ``isprintable`` is false for every
    # character escaped below, so there is nothing to do.
    if (
        type(actor) is str
        and 0 < len(actor) <= MAX_ACTOR_CHARS
        and actor.isprintable()
        and actor.strip() == actor
    ):
        return actor
    text = "" if actor is None else str(actor)
    cleaned = "".join(_escaped(char) for char in text[: MAX_ACTOR_CHARS * 2]).strip()
    if len(cleaned) > MAX_ACTOR_CHARS or len(text) > MAX_ACTOR_CHARS * 2:
        cleaned = cleaned[: MAX_ACTOR_CHARS - 1] + "…"
    return cleaned or "?"


def _escaped(char: str) -> str:
    if unicodedata.category(char) not in _UNSAFE:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@functools.cache
def os_identity() -> dict[str, str]:
    """The OS user this process runs as and the host it runs on, as the history records them."""
    # From the process's user id, not $USER or $LOGNAME, which anyone can set to anything.
    uid = os.getuid()
    try:
        user = pwd.getpwuid(uid).pw_name
    except KeyError:
        user = f"uid{uid}"
    try:
        host = socket.gethostname()
    except OSError:
        host = "?"
    return {"os_user": clean_actor(user), "host": clean_actor(host)}
