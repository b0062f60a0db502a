"""The card of an individual: the phone and address are personal data, hidden with the rest
until asked for; the ID number is shown masked meanwhile; a company's card is unchanged."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from card_kit import HONGDA, card, drive, events, host, settle, text_of
from textual.pilot import Pilot
from textual.widgets import Input

from creditfile.policy import default_policy_path, load_policy
from creditfile.store import Archive

POLICY = load_policy(default_policy_path())

ID_NUMBER = "11010519491231002X"
HIDDEN_ROWS = ("#row-f-contact--phone", "#row-f-contact--address", "#row-f-contact--email")


@pytest.fixture
def person_archive(tmp_path: Path) -> Path:
    person = copy.deepcopy(HONGDA)
    person.update(id="P1", name="张三", nature="individual")
    person["profile"]["person"]["id_number"] = ID_NUMBER
    path = tmp_path / "archive.json"
    Archive.open(path, create=True).import_customers([person, copy.deepcopy(HONGDA)], actor="seed")
    return path


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "地址、电话、电子邮箱"), ("en", "address, phone, e-mail")]
)
def test_an_individuals_phone_and_address_wait_for_a_recorded_reveal(
    person_archive: Path, lang: str, words: str
) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = card(pilot)
        assert [screen.query_one(row).display for row in HIDDEN_ROWS] == [False, False, False]
        screen.show_tab("person")
        await settle(pilot)
        notice = text_of(pilot, "#person-notice")
        assert words in notice and "1101**********002X" in notice and ID_NUMBER not in notice
        await pilot.press("p")
        await settle(pilot)
        assert [screen.query_one(row).display for row in HIDDEN_ROWS] == [True, True, True]
        assert screen.query_one("#f-contact--phone", Input).value == "13800000000"
        assert screen.query_one("#f-profile--person--id_number", Input).value == ID_NUMBER
        kinds = [e["kind"] for e in events(person_archive, "P1")]
        assert kinds.count("personal_data_revealed") == 1

    drive(host(person_archive, POLICY, "P1", lang=lang), steps)


def test_a_companys_phone_and_address_are_shown_as_before(person_archive: Path) -> None:
    async def steps(pilot: Pilot[None]) -> None:
        screen = card(pilot)
        assert [screen.query_one(row).display for row in HIDDEN_ROWS] == [True, True, True]
        assert "address, phone" not in text_of(pilot, "#person-notice")

    drive(host(person_archive, POLICY, "C000001"), steps)
