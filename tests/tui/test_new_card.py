"""A new customer's card, as a clerk meets it: the id comes filled in and the name is where
typing goes; the fields still to fill say so by their names in the card's language, and the
nature's dropdown invites a choice in that language too."""

from __future__ import annotations

from typing import Any

import pytest
from test_screens_in_one_language import drawn
from textual.pilot import Pilot
from textual.widgets import Input

NAME_MISSING = {"zh": "缺少必填项 客户名称", "en": "Name is required"}
NATURE_MISSING = {"zh": "缺少必填项 客户性质", "en": "Nature is required"}
CHOOSE = {"zh": "请选择…", "en": "Choose…"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_new_card_takes_the_name_first_and_speaks_one_language(tui: Any, lang: str) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("n")
        await tui.settle(pilot)
        screen = pilot.app.screen
        given_id = screen.query_one("#f-id", Input).value
        assert given_id, "the next free id is filled in"
        assert screen.focused is screen.query_one("#f-name", Input)
        text = drawn(pilot)
        assert NAME_MISSING[lang] in text and NATURE_MISSING[lang] in text
        assert CHOOSE[lang] in text
        if lang == "zh":
            assert "Select" not in text and " name" not in text and " nature" not in text
        await pilot.press(*"ab")
        await pilot.pause()
        assert screen.query_one("#f-name", Input).value == "ab"
        assert screen.query_one("#f-id", Input).value == given_id

    tui.run(tui.make_app(lang), steps)
