"""Every screen and dialog, as drawn, in both languages: no raw key (``field.contract``,
``priv.credit_limit``) and no interface sentence of the other language: on a Chinese screen no
English message of the catalogue left untranslated, on an English screen none of its Chinese.

What is drawn is read widget by widget, as the terminal would show it. Customer data is Chinese
whatever the language (shown as staff wrote it); so are the policy's labels that have no English
twin. A label the policy also gives in English (``label_en``, ``natures_en``,
``item_categories_en``: the shipped policy gives all of them) must not show on an English screen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.geometry import Region
from textual.pilot import Pilot

from creditfile.policy.loader import DEFAULT_INVESTIGATION_REASON
from creditfile.presentation.translation import translation
from creditfile.tui.card.screen import CARD_KEYS
from creditfile.tui.keys import KEYS

# (zh, en) of every message of the catalogue: its English source and its Chinese translation.
ALL_TEXTS = [
    (chinese, english.split("\x04")[-1])  # a message with a context is "context\x04message"
    for english, chinese in translation("zh")._catalog.items()  # type: ignore[attr-defined]
    if english and isinstance(english, str)
]
# Keys the interface once used, and the field paths of the catalogue: never shown as such.
RAW_KEY = re.compile(
    r"(?<![\w./-])((?:priv|col|key|tab|lifecycle|stage|event|card|assess|policy|regrade|review"
    r"|screen|status|help|palette|portfolio|history|lease|source|save|load)\.[a-z_]+"
    r"|field\.[a-z_.\[\]]+)(?![\w/-])"
)
CJK = re.compile(r"[\u3400-\u9fff]")
# Binding ids are shown on purpose (the help screen lists them for the keymap file).
BINDING_IDS = {spec.id for spec in KEYS} | {bid for *_rest, bid, _show, _prio in CARD_KEYS}
# Chinese characters and full-width punctuation, in runs: what Chinese text leaves on a screen.
CHINESE_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff01-\uff5e]+")


def _policy_strings(policy: Any, lang: str) -> list[str]:
    """The policy's strings a screen in ``lang`` may show as written: in English, not the
    labels its ``labels_en`` gives in English."""
    english = (policy.get("labels_en") or {}) if lang == "en" else {}
    twins = {
        "natures": set(english.get("natures") or ()),
        "item_categories": set(english.get("item_categories") or ()),
    }
    named = {
        "scoring": ("key", set(english.get("scoring") or ())),
        "grades": ("name", set(english.get("grades") or ())),
        "tiers": ("key", set(english.get("tiers") or ())),
    }
    found: list[str] = []

    def entry(section: str, value: dict[str, Any]) -> None:
        key_field, given = named.get(section, ("", set()))
        for key, item in value.items():
            if key == "label" and value.get(key_field) in given:
                continue
            found.append(str(key))
            walk(item, section)

    def walk(value: Any, section: str) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            if section in named:
                entry(section, value)
                return
            for key, item in value.items():
                if key in twins.get(section, ()):
                    continue
                found.append(str(key))
                walk(item, section)
        elif isinstance(value, list):
            for item in value:
                walk(item, section)

    for section, value in policy.items():
        found.append(str(section))
        if section == "below_lowest":
            section = "grades"  # noqa: PLW2901 - named as the grades are
        walk(value, section)
    return found


def data_text(folder: Path, lang: str = "zh") -> str:
    """Every string of the archive's records and of the policy: the data a screen shows as
    staff and compliance wrote it (in English, less the policy labels given in English)."""
    strings: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                strings.append(str(key))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads((folder / "archive.json").read_text("utf-8")))
    policy = yaml.safe_load((folder / "policy.yaml").read_text("utf-8"))
    strings.extend(_policy_strings(policy, lang))
    # What the policy says when it says nothing: its default investigation reason.
    strings.append(DEFAULT_INVESTIGATION_REASON)
    return "\n".join(strings)


def _english_phrases(data: str) -> list[str]:
    """The catalogue's English messages (or their longest piece between placeholders) that a
    Chinese screen must never show: those with a word of four letters or more, translated to
    something else, and written nowhere in the Chinese catalogue or the data."""
    chinese = "\n".join(zh for zh, _en in ALL_TEXTS)
    found = set()
    for zh, en in ALL_TEXTS:
        if zh == en:
            continue
        text = max(re.split(r"\{[^}]*\}", en), key=len)
        text = re.sub(r"^[\s:·()()—…,.]+|[\s:·()()—…,.]+$", "", text)
        if re.search(r"[A-Za-z]{4,}", text) and text not in chinese and text not in data:
            found.add(text)
    return sorted(found, key=len, reverse=True)


def language_problems(name: str, text: str, lang: str, data: str) -> list[str]:
    """What on one drawn screen is not in ``lang``: a raw key; on an English screen any Chinese
    outside the data; on a Chinese screen any English message of the catalogue."""
    problems = [
        f"{name}: raw key {m.group(0)!r}"
        for m in RAW_KEY.finditer(text)
        if m.group(0) not in BINDING_IDS and not m.group(0).endswith((".yaml", ".json", ".toml"))
    ]
    if lang == "en":
        for run in CHINESE_RUN.findall(text):
            # a name cut to its column is still data: any piece of a data value is
            if run.strip("\u3000") and run not in data:
                problems.append(f"{name}: {run!r} on the English screen is not data")
    else:
        for phrase in _english_phrases(data):
            pattern = r"(?<![A-Za-z])" + re.escape(phrase) + r"(?![A-Za-z])"
            if re.search(pattern, text):
                problems.append(f"{name}: {phrase!r} left in English on the Chinese screen")
    return problems


def _sentences(index: int) -> list[str]:
    """The interface's own texts of one language (0 zh, 1 en), long enough to be telling."""
    found = set()
    for pair in ALL_TEXTS:
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


async def back_to_the_list(tui: Any, pilot: Pilot[None]) -> None:
    for _ in range(4):  # back to the list, whatever is open
        if pilot.app.screen.id == "list":
            break
        await pilot.press("escape")
        await tui.settle(pilot)
    if pilot.app.screen.id != "list":
        await pilot.press("1")
        await tui.settle(pilot)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_screen_shows_a_raw_key_or_the_other_languages_sentences(tui: Any, lang: str) -> None:
    other = _sentences(1 if lang == "zh" else 0)
    data = data_text(tui.folder, lang)
    problems: list[str] = []
    reached: dict[str, str] = {}

    async def steps(pilot: Pilot[None]) -> None:
        for name, keys in WALK:
            await pilot.press(*keys)
            await tui.settle(pilot)
            text = drawn(pilot)
            reached[name] = f"{type(pilot.app.screen).__name__} {len(text.splitlines())}"
            problems.extend(language_problems(name, text, lang, data))
            for sentence in other:
                if sentence in text:
                    problems.append(f"{name}: {sentence!r} on the {lang} screen")
            await back_to_the_list(tui, pilot)

    tui.run(tui.make_app(lang), steps)
    # The walk really went everywhere: each step on its own screen, with lines drawn.
    screens = {name: shown.split()[0] for name, shown in reached.items()}
    assert screens["filters"] == "FiltersScreen" and screens["help"] == "HelpScreen"
    assert screens["regrade"] == "RegradeScreen" and screens["card tab 6"] == "CustomerScreen"
    assert screens["add lease"] != "CustomerScreen" != screens["add source"]
    assert all(int(shown.split()[1]) > 5 for shown in reached.values()), reached
    assert not problems, "\n".join(problems)


# Where F2 is pressed, and what must be drawn again in the other language right away.
SWITCH_WALK: Sequence[tuple[str, Sequence[str]]] = (
    ("list", ()),
    ("portfolio by nature", ("2", "b", "b")),
    ("policy", ("3",)),
    ("review", ("4",)),
    ("card tab 5", ("enter", *["right_square_bracket"] * 5)),
    ("help", ("f1",)),
)


@pytest.mark.parametrize("start", ["en", "zh"])
def test_f2_draws_the_screen_shown_again_in_the_other_language(tui: Any, start: str) -> None:
    data = {lang: data_text(tui.folder, lang) for lang in ("zh", "en")}
    other = "zh" if start == "en" else "en"
    problems: list[str] = []
    seen: dict[str, tuple[str, str]] = {}

    async def steps(pilot: Pilot[None]) -> None:
        for name, keys in SWITCH_WALK:
            await pilot.press(*keys)
            await tui.settle(pilot)
            before = drawn(pilot)
            screen = type(pilot.app.screen).__name__
            tab = (
                str(getattr(pilot.app.screen.query_one("TabbedContent"), "active", ""))
                if (screen == "CustomerScreen")
                else ""
            )
            await pilot.press("f2")
            await tui.settle(pilot)
            after = drawn(pilot)
            assert type(pilot.app.screen).__name__ == screen, name  # the same screen, redrawn
            if tab:
                assert str(pilot.app.screen.query_one("TabbedContent").active) == tab
            seen[name] = (before, after)
            problems.extend(language_problems(f"{name} after F2", after, other, data[other]))
            problems.extend(language_problems(f"{name} before F2", before, start, data[start]))
            await pilot.press("f2")  # and back
            await tui.settle(pilot)
            problems.extend(
                language_problems(f"{name} after F2 twice", drawn(pilot), start, data[start])
            )
            await back_to_the_list(tui, pilot)

    tui.run(tui.make_app(start), steps)
    assert not problems, "\n".join(problems)
    list_before, list_after = seen["list"]
    words = ("客户信用档案", "Customer credit archive")
    assert words[start == "en"] in list_before and words[start == "zh"] in list_after
    assert len(seen) == len(SWITCH_WALK)


def test_f2_waits_for_unsaved_edits(tui: Any) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("enter", "e")
        await tui.settle(pilot)
        await pilot.press("9")  # typed into the name field: the card now has an unsaved edit
        await pilot.press("f2")
        await tui.settle(pilot)
        assert pilot.app.lang == "en"  # type: ignore[attr-defined]
        assert "unsaved" in " ".join(str(n.message) for n in pilot.app._notifications)

    tui.run(tui.make_app("en"), steps)


def test_english_screens_leave_out_the_policy_labels_given_in_english(tui: Any) -> None:
    english = data_text(tui.folder, "en")
    chinese = data_text(tui.folder, "zh")
    for label in ("普通公司", "一般客户", "优质客户", "塔式起重机"):
        assert label in chinese and label not in english
    assert language_problems("x", "Nature 普通公司", "en", english)
    assert not language_problems("x", "Nature Ordinary company", "en", english)


def test_the_checks_catch_what_they_look_for() -> None:
    data = "武汉宏达建设工程有限公司\n普通公司"
    assert language_problems("x", "Name 武汉宏达建设 普通公司", "en", data) == []
    assert language_problems("x", "Name 搜索 武汉宏达", "en", data)  # 搜索 is the interface's
    assert language_problems("x", "客户列表 Filters", "zh", data)
    assert language_problems("x", "客户列表 Esc 武汉宏达", "zh", data) == []
    assert RAW_KEY.search("租赁物 field.item *") and RAW_KEY.search("信用额度 priv.credit_limit")
    assert not language_problems("x", "archive.json policy.yaml C000123 card.save", "en", "")
    assert "未评级" not in _sentences(0)  # too short to tell from data: not checked
    assert any("Esc" in s for s in _sentences(1))
