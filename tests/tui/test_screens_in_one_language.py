"""Every screen and dialog, as drawn, in both languages: no raw text key (``field.contract``,
``priv.credit_limit``) and no interface sentence of the other language.

What is drawn is read widget by widget, as the terminal would show it. Customer data and the
policy's labels are Chinese whatever the language (they are shown as staff and compliance wrote
them), so the other-language check looks for the interface's own sentences only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot

from creditfile.tui.card.texts import TEXTS as CARD_TEXTS
from creditfile.tui.i18n import TEXTS

ALL_TEXTS = {**CARD_TEXTS, **TEXTS}
KEYS = sorted((k for k in ALL_TEXTS if "." in k), key=len, reverse=True)
RAW_KEY = re.compile(
    r"(?<![\w./-])(" + "|".join(map(re.escape, KEYS)) + r"|field\.[a-z_.\[\]]+)(?![\w/-])"
)
CJK = re.compile(r"[\u3400-\u9fff]")


def _sentences(index: int) -> list[str]:
    """The interface's own texts of one language (0 zh, 1 en), long enough to be telling."""
    found = set()
    for pair in ALL_TEXTS.values():
        text = pair[index]
        if "{" in text:
            text = max(re.split(r"\{[^}]*\}", text), key=len)
        text = re.sub(r"^[\s:·()()]+|[\s:·()()]+$", "", text)
        if index == 0 and len(CJK.findall(text)) >= 4:
            found.add(text)
        if index == 1 and not CJK.search(text) and len(text) >= 12 and " " in text:
            found.add(text)
    return sorted(found)


def drawn(pilot: Pilot[None]) -> str:
    """Everything the screen on top draws, line by line."""
    lines = []
    for widget in pilot.app.screen.query("*"):
        width, height = widget.size
        if not widget.display or not width or not height:
            continue
        for strip in widget.render_lines(Region(0, 0, width, height)):
            lines.append(strip.text.rstrip())
    return "\n".join(line for line in lines if line.strip())


# (screen, keys that reach it from the list)
WALK: Sequence[tuple[str, Sequence[str]]] = (
    ("list", ()),
    ("filters", ("f",)),
    ("portfolio", ("2",)),
    ("portfolio by nature", ("2", "b", "b")),
    ("policy", ("3",)),
    ("review", ("4",)),
    ("regrade", ("r",)),
    ("help", ("f1",)),
    *((f"card tab {n}", ("enter", *["right_square_bracket"] * n)) for n in range(9)),
    ("add lease", ("enter", *["right_square_bracket"] * 5, "a")),
    ("add source", ("enter", *["right_square_bracket"] * 7, "a")),
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_screen_shows_a_raw_key_or_the_other_languages_sentences(tui: Any, lang: str) -> None:
    other = _sentences(1 if lang == "zh" else 0)
    problems: list[str] = []
    reached: dict[str, str] = {}

    async def steps(pilot: Pilot[None]) -> None:
        for name, keys in WALK:
            await pilot.press(*keys)
            await tui.settle(pilot)
            text = drawn(pilot)
            reached[name] = f"{type(pilot.app.screen).__name__} {len(text.splitlines())}"
            for match in RAW_KEY.finditer(text):
                problems.append(f"{name}: raw key {match.group(0)!r}")
            for sentence in other:
                if sentence in text:
                    problems.append(f"{name}: {sentence!r} on the {lang} screen")
            for _ in range(4):  # back to the list, whatever is open
                if pilot.app.screen.id == "list":
                    break
                await pilot.press("escape")
                await tui.settle(pilot)
            if pilot.app.screen.id != "list":
                await pilot.press("1")
                await tui.settle(pilot)

    tui.run(tui.make_app(lang), steps)
    # The walk really went everywhere: each step on its own screen, with lines drawn.
    screens = {name: shown.split()[0] for name, shown in reached.items()}
    assert screens["filters"] == "FiltersScreen" and screens["help"] == "HelpScreen"
    assert screens["regrade"] == "RegradeScreen" and screens["card tab 6"] == "CustomerScreen"
    assert screens["add lease"] != "CustomerScreen" != screens["add source"]
    assert all(int(shown.split()[1]) > 5 for shown in reached.values()), reached
    assert not problems, "\n".join(problems)


def test_the_checks_catch_what_they_look_for() -> None:
    assert RAW_KEY.search("租赁物 field.item *") and RAW_KEY.search("信用额度 priv.credit_limit")
    assert not RAW_KEY.search("archive.json policy.yaml C000123")
    assert "未评级" not in _sentences(0)  # too short to tell from data: not checked
    assert any("Esc" in s for s in _sentences(1))
