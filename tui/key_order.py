"""Keys acted on in the order they were typed.

Textual acts on a priority binding (Ctrl+S saves, OK, applies) as soon as the key arrives,
while the characters typed just before it are still on their way to the field that has the
focus. A fast typist, a paste, or a busy machine then saved ``5`` where ``500000`` had been
typed. An action wrapped here waits until the focused widget has taken every key before it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from textual.screen import Screen

P = ParamSpec("P")
S = TypeVar("S", bound=Screen[Any])


def after_typed_keys(
    action: Callable[Concatenate[S, P], None],
) -> Callable[Concatenate[S, P], None]:
    """``action``, run once the screen's focused widget has handled the keys typed before."""

    @functools.wraps(action)
    def in_order(screen: S, /, *args: P.args, **kwargs: P.kwargs) -> None:
        focused = screen.focused
        if focused is None:
            action(screen, *args, **kwargs)
            return
        # A callback joins the focused widget's queue behind the keys it has yet to handle.
        focused.call_later(action, screen, *args, **kwargs)

    return in_order
