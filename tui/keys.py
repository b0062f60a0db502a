"""Every key binding of the terminal UI with its id, and the remapping file that overrides them.

Staff remap keys in ``$XDG_CONFIG_HOME/creditfile/keys.toml`` (``~/.config/…`` by default)::

    # binding id = "key" or "key,key"
    "list.search" = "slash,ctrl+f"
    "app.quit" = "ctrl+q"

The ids are those listed on the help screen (F1); Textual's keymap applies them to every screen.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from textual.binding import Binding, BindingsMap

from creditfile.policy import CreditfileError
from creditfile.policy.errors import Phrase, os_said, phrase, verbatim
from creditfile.presentation.translation import N_, _


@dataclass(frozen=True)
class KeySpec:
    """One binding: its id, default keys, action, description text key and footer visibility."""

    id: str
    keys: str
    action: str
    text: str
    show: bool = True
    priority: bool = False


KEYS: tuple[KeySpec, ...] = (
    # everywhere
    KeySpec("app.screen_list", "1", "switch('list')", N_("Customers"), show=False),
    KeySpec("app.screen_portfolio", "2", "switch('portfolio')", N_("Portfolio"), False),
    KeySpec("app.screen_policy", "3", "switch('policy')", N_("Policy"), show=False),
    KeySpec("app.screen_review", "4", "switch('review')", N_("Review"), show=False),
    KeySpec("app.help", "f1,question_mark", "help", N_("Keys")),
    KeySpec("app.palette", "ctrl+p", "command_palette", N_("Commands"), show=False),
    KeySpec("app.quit", "ctrl+q", "quit", N_("Quit"), priority=True),
    KeySpec("app.reload", "ctrl+r", "reload_archive", N_("Reload the archive"), show=False),
    # Priority: the key works in dialogs too (which say to close them first).
    KeySpec(
        "app.language",
        "f2",
        "switch_language",
        # Translators: the key speaks the other language; in Chinese it switches to English.
        N_("Language: switch to Chinese"),
        show=False,
        priority=True,
    ),
    # the customer list
    KeySpec("list.search", "slash", "search", N_("Search")),
    KeySpec("list.filters", "f", "filters", N_("Filters")),
    KeySpec("list.sort", "s", "sort", N_("Sort column")),
    KeySpec("list.sort_reverse", "S", "sort_reverse", N_("Reverse sort"), show=False),
    KeySpec("list.open", "enter", "open", N_("Open")),
    KeySpec("list.edit", "e", "edit", N_("Edit")),
    KeySpec("list.new", "n", "new", N_("New customer")),
    KeySpec("list.regrade", "r", "regrade", N_("Regrade")),
    KeySpec("list.export", "x", "export", N_("Export list")),
    KeySpec("list.back", "escape", "back", N_("Back"), show=False),
    # moving in the list (the table widget)
    KeySpec("table.down", "j,down", "cursor_down", N_("Down"), show=False),
    KeySpec("table.up", "k,up", "cursor_up", N_("Up"), show=False),
    KeySpec("table.top", "g,home", "cursor_top", N_("Top"), show=False),
    KeySpec("table.bottom", "G,end", "cursor_bottom", N_("Bottom"), show=False),
    KeySpec("table.page_up", "pageup", "page_up", N_("Page up"), show=False),
    KeySpec("table.page_down", "pagedown", "page_down", N_("Page down"), show=False),
    # the regrade preview
    # Enter opens the highlighted change (or presses the focused button), never applies.
    KeySpec("regrade.confirm", "y", "confirm", N_("Confirm")),
    KeySpec("regrade.cancel", "escape,n", "cancel", N_("Cancel")),
    # the portfolio
    KeySpec("portfolio.next", "b,right", "next_view", N_("Next view")),
    KeySpec("portfolio.prev", "B,left", "prev_view", N_("Previous view"), show=False),
    # the policy screen
    KeySpec("policy.reload", "r", "reload", N_("Reload")),
    # screens pushed on top (help, review, portfolio, policy)
    KeySpec("screen.back", "escape", "back", N_("Back")),
    # the filter dialog
    KeySpec("filters.apply", "ctrl+s", "apply", N_("Apply"), priority=True),
    KeySpec("filters.enter", "enter", "enter", N_("Apply"), show=False, priority=True),
    KeySpec("filters.cancel", "escape", "cancel", N_("Cancel")),
    # the help screen
    KeySpec("help.close", "escape,f1,question_mark,q", "close", N_("Back")),
)

KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "home": "Home",
    "end": "End",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "ctrl": "Ctrl",
    "shift": "Shift",
    "alt": "Alt",
}


def key_text(keys: str) -> str:
    """Keys as people write them: ``slash,ctrl+f`` → ``/ · Ctrl+F``, ``f1`` → ``F1``.

    Args:
        keys: Textual key names, comma-separated.

    Returns:
        The keys for a person to read, separated by `` · ``.
    """
    return " · ".join(_one_key(k.strip()) for k in keys.split(",") if k.strip())


def _one_key(key: str) -> str:
    *modifiers, name = key.split("+")
    shown = KEY_NAMES.get(name, name)
    if len(shown) == 1 and modifiers:
        shown = shown.upper()
    elif len(name) > 1 and name == shown:
        shown = name.upper() if name[0] == "f" and name[1:].isdigit() else name.capitalize()
    return "+".join([*(KEY_NAMES.get(m, m) for m in modifiers), shown])


KNOWN_PREFIXES = ("card.",)
"""Binding ids defined elsewhere (the customer card) that the keymap file may also name."""


def bindings(scope: str, lang: str) -> list[Binding]:
    """The bindings of one scope (``app``, ``list``, ``table``, …), described in ``lang``."""
    prefix = f"{scope}."
    return [
        Binding(
            spec.keys,
            spec.action,
            _(spec.text),
            show=spec.show,
            priority=spec.priority,
            id=spec.id,
        )
        for spec in KEYS
        if spec.id.startswith(prefix)
    ]


def descriptions(lang: str) -> dict[str, str]:
    """Every binding id of ``KEYS`` with its description in ``lang``."""
    return {spec.id: _(spec.text) for spec in KEYS}


def described(
    merged: BindingsMap, lang: str, extra: Mapping[str, str] | None = None
) -> BindingsMap:
    """A node's bindings with their descriptions in ``lang``; nothing else changes.

    A node's ``_bindings`` hold what every class in its ancestry declares, Textual's own too
    (Tab and Shift+Tab on every screen): relabelling them keeps those, where replacing the map
    with the node's own bindings would drop them.

    Args:
        merged: The node's ``_bindings`` as Textual made them.
        lang: ``zh`` or ``en``.
        extra: Descriptions of binding ids not in ``KEYS`` (the card's), by id.

    Returns:
        A new map for the node's ``_bindings``.
    """
    texts = {**descriptions(lang), **(extra or {})}
    return BindingsMap(
        replace(binding, description=texts[binding.id])
        if binding.id is not None and binding.id in texts
        else binding
        for _key, binding in merged
    )


def translated(merged: BindingsMap) -> BindingsMap:
    """A dialog's bindings with their descriptions (message ids marked ``N_``, binding ids
    under ``KNOWN_PREFIXES``) in the interface language; Textual's own are left as they are.

    Args:
        merged: The node's ``_bindings`` as Textual made them.

    Returns:
        A new map for the node's ``_bindings``.
    """
    return BindingsMap(
        replace(binding, description=_(binding.description))
        if binding.description and (binding.id or "").startswith(KNOWN_PREFIXES)
        else binding
        for _key, binding in merged
    )


class KeymapError(CreditfileError):
    """The key configuration file cannot be used.

    Attributes:
        path: The file.
        key: The binding id at fault, or None for the whole file.
        reason: What is wrong and what to do, worded in the language in force by ``text(_)``
            (``str()`` of the error is its English).
    """

    def __init__(self, path: Path, key: str | None, reason: Phrase) -> None:
        self.path = path
        self.key = key
        self.reason = reason
        where = f"{path}: {key}" if key else str(path)
        super().__init__(phrase("{where}: {reason}", where=where, reason=reason))


def keymap_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/creditfile/keys.toml``, or ``~/.config/creditfile/keys.toml``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "creditfile" / "keys.toml"


def load_keymap(path: Path) -> dict[str, str]:
    """Read a keymap file: ``{binding id: "key,key"}``; a missing file is an empty keymap.

    Args:
        path: The TOML file (top-level keys, or a ``[keys]`` table).

    Returns:
        The keymap for ``App.set_keymap``.

    Raises:
        KeymapError: The file does not parse, names an unknown binding id, or gives no key.
    """
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except OSError as exc:
        said = phrase("cannot be read ({error}); fix or remove it", error=os_said(exc))
        raise KeymapError(path, None, said) from None
    except UnicodeDecodeError as exc:
        said = phrase("not UTF-8 text (byte {byte}); save the file as UTF-8", byte=exc.start)
        raise KeymapError(path, None, said) from None
    except tomllib.TOMLDecodeError as exc:
        said = phrase("is not valid TOML: {reason}", reason=toml_said(exc))
        raise KeymapError(path, None, said) from None
    table = data.get("keys", data)
    if "keys" in data and len(data) > 1:
        said = phrase("put every binding under [keys], or none of them")
        raise KeymapError(path, None, said)
    if not isinstance(table, dict):
        raise KeymapError(path, "keys", phrase('must be a table of binding id = "key"'))
    known = {spec.id for spec in KEYS}
    keymap: dict[str, str] = {}
    for binding_id, value in table.items():
        if binding_id not in known and not binding_id.startswith(KNOWN_PREFIXES):
            close = difflib.get_close_matches(binding_id, sorted(known), n=1)
            hint = (
                phrase("; did you mean {key}?", key=repr(close[0]))
                if close
                else phrase("; see the help screen (F1)")
            )
            raise KeymapError(path, binding_id, phrase("is not a binding id{hint}", hint=hint))
        keys = _keys_of(value)
        if keys is None:
            said = phrase('needs a key, e.g. "ctrl+f" or "slash,ctrl+f"')
            raise KeymapError(path, binding_id, said)
        keymap[binding_id] = keys
    return keymap


# What Python's TOML reader says (by the start of its message), worded for a person.
_TOML_REASONS = (
    ("Invalid value", N_('a value is missing here, or is not one TOML knows ("text" in quotes?)')),
    ("Expected '=' after a key", N_("an = is missing after the key")),
    ("Expected ']' at the end of a table", N_("a ] is missing at the end of the [table] line")),
    ("Unterminated string", N_("text in quotes is not closed")),
    ("Cannot overwrite a value", N_("a key is given twice; keep one")),
    ("Cannot declare", N_("a table is declared twice; keep one")),
    (
        "Expected newline or end of document",
        N_("more after the value; put each binding on its own line"),
    ),
    ("Illegal character", N_("a character that cannot stand here (a quote not closed?)")),
    ("Invalid statement", N_("a line that is neither key = value nor [table]")),
)
_TOML_PLACE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


def toml_said(error: tomllib.TOMLDecodeError) -> Phrase:
    """Why Python's TOML reader refused a file, and where: its common reasons worded from the
    catalogue, any other in the reader's own words."""
    message = str(error)
    place = _TOML_PLACE.search(message)
    bare = message[: place.start()] if place else message
    known = next((reason for start, reason in _TOML_REASONS if bare.startswith(start)), None)
    reason = phrase(known) if known is not None else verbatim(bare)
    if place is None:
        return reason
    if place.group(1) is None:
        return phrase("at the end of the file: {reason}", reason=reason)
    return phrase(
        "line {line}, column {column}: {reason}",
        line=int(place.group(1)),
        column=int(place.group(2)),
        reason=reason,
    )


def _keys_of(value: object) -> str | None:
    """``"a,b"`` or ``["a", "b"]`` as ``"a,b"``; None when that is not what was given."""
    parts = value if isinstance(value, list) else [value]
    if not parts or not all(isinstance(p, str) for p in parts):
        return None
    keys = [k.strip() for p in parts for k in str(p).split(",")]
    return None if not all(keys) else ",".join(keys)
