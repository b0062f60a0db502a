"""The command palette (ctrl+p): every action of the interface, named in the interface language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from creditfile.tui.i18n import t
from creditfile.tui.keys import KEYS

# Actions of the list screen reachable from anywhere (the list is shown first).
LIST_ACTIONS = ("search", "filters", "sort", "sort_reverse", "open", "edit", "new", "regrade")
SKIP = frozenset(
    {
        "app.palette",
        "list.back",
        "screen.back",
        "filters.enter",
        "help.close",
        "filters.apply",
        "filters.cancel",
    }
)


def commands_for(app: App[Any], screen: Screen[Any]) -> Iterable[SystemCommand]:
    """One command per binding of ``keys.KEYS`` that makes sense from ``screen``.

    Args:
        app: The running app (its ``lang`` names the commands).
        screen: The screen the palette was opened on.
    """
    lang = str(getattr(app, "lang", "en"))
    seen: set[str] = set()
    for spec in KEYS:
        if spec.id in SKIP or spec.id in seen:
            continue
        scope = spec.id.split(".", 1)[0]
        run = _runner(app, screen, scope, spec.action)
        if run is None:
            continue
        seen.add(spec.id)
        yield SystemCommand(t(lang, spec.text), f"{spec.keys}  ·  {spec.id}", run)
    yield SystemCommand(t(lang, "key.reload"), "policy.reload", _in_mode(app, "policy", "reload"))


def _runner(
    app: App[Any], screen: Screen[Any], scope: str, action: str
) -> Callable[[], Any] | None:
    if scope == "app":
        return lambda: app.run_action(action)
    if scope == "list" and action in LIST_ACTIONS:
        return _in_mode(app, "list", action)
    if scope == "table":
        return _in_mode(app, "list", action, widget="#customers")
    if scope == "portfolio":
        return _in_mode(app, "portfolio", action)
    if scope in ("regrade", "policy") and screen.id == scope:
        return lambda: screen.run_action(action)
    return None


def _in_mode(app: App[Any], mode: str, action: str, widget: str | None = None) -> Callable[[], Any]:
    async def run() -> None:
        if app.current_mode != mode:
            await app.switch_mode(mode)
        target: Any = app.screen
        if widget is not None:
            target = app.screen.query_one(widget)
        await target.run_action(action)

    return run
