"""Individuals are protected: for a customer of a nature the policy marks personal, the phone,
the address and the personal data never leave the program unless asked for, the ID number is
shown masked, and an export round-trips without losing what it held back (real processes)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from creditfile.policy import default_policy_path

Run = Callable[..., subprocess.CompletedProcess[str]]

ID_NUMBER = "11010519491231002X"  # the standard's own example
MASKED = "1101**********002X"
SECRETS = (
    "SECRET-PHONE-77",
    "SECRET-ADDR-88",
    "SECRET-HOBBY-99",
    ID_NUMBER,
    "secret-mail@55.example",
)
PERSON = {
    "id": "P1",
    "name": "张三",
    "nature": "individual",
    "contact": {"phone": SECRETS[0], "address": SECRETS[1], "person": "李四", "email": SECRETS[4]},
    "profile": {"person": {"id_number": ID_NUMBER, "age": 40, "hobbies": SECRETS[2]}},
    "leases": [
        {"contract": "LP1", "item": "tower_crane", "start": "2025-01-01", "amount": 100000,
         "status": "active"}
    ],
    "assessment": {"strength": 8, "potential": 12, "reputation": 17, "payment": 27, "other": 8},
}  # fmt: skip
COMPANY = {
    "id": "C1",
    "name": "武汉宏达建设工程有限公司",
    "nature": "ordinary_company",
    "contact": {"phone": "02785551234", "address": "武汉市解放大道100号"},
}


def _archive(tmp_path: Path, run: Run) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps([PERSON, COMPANY], ensure_ascii=False), encoding="utf-8")
    done = run("import", str(source))
    assert done.returncode == 0, done.stderr


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def _cells(path: Path) -> str:
    book = load_workbook(path, read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_no_output_shows_an_individuals_personal_values_unless_asked(
    tmp_path: Path, run: Run
) -> None:
    _archive(tmp_path, run)
    commands = [
        ("show", "P1"),
        ("show", "P1", "--json"),
        ("export",),
        ("export", "--format", "jsonl"),
        ("export", "--format", "csv"),
        ("list",),
        ("list", "--json"),
        ("explain", "P1"),
        ("history",),
        ("history", "P1", "--json"),
        ("report", "all"),
        ("report", "exposure"),
        ("report", "review"),
        ("regrade", "--dry-run"),
    ]
    for argv in commands:
        done = run(*argv)
        assert done.returncode == 0, (argv, done.stderr)
        assert _leaks(done.stdout + done.stderr) == [], argv
    for argv in (("export",), ("show", "P1", "--json")):
        assert MASKED in run(*argv).stdout, argv
    for name in ("e.xlsx", "e.csv", "e.json"):
        assert run("export", "--out", name).returncode == 0
    assert _leaks(_cells(tmp_path / "e.xlsx")) == []
    assert MASKED in _cells(tmp_path / "e.xlsx")
    for name in ("e.csv", "e.json"):
        assert _leaks((tmp_path / name).read_text(encoding="utf-8-sig")) == [], name
    # A company's phone and address are business data: shown as before.
    company = json.loads(run("show", "C1", "--json").stdout)
    assert company["contact"] == COMPANY["contact"]
    # Asked for: everything, and the reveal is recorded with the OS user.
    shown = json.loads(run("show", "P1", "--include-personal", "--json").stdout)
    assert shown["contact"]["phone"] == SECRETS[0]
    assert shown["profile"]["person"]["id_number"] == ID_NUMBER
    everything = run("export", "--include-personal").stdout
    assert _leaks(everything) == list(SECRETS)
    events = [json.loads(line) for line in (tmp_path / "archive.json.history.jsonl").open()]
    reveals = [e for e in events if e["kind"].startswith("personal_data_")]
    assert [e["kind"] for e in reveals] == ["personal_data_revealed", "personal_data_exported"]
    assert all(e["os_user"] and e["host"] for e in reveals)


def test_the_history_and_a_dry_run_never_hold_an_individuals_values(
    tmp_path: Path, run: Run
) -> None:
    _archive(tmp_path, run)
    changed = {
        **PERSON,
        "contact": {"phone": "SECRET-NEW-PHONE", "address": "SECRET-NEW-ADDR"},
        "profile": {"person": {"id_number": "110105194912310038"}},
    }
    source = tmp_path / "changed.json"
    source.write_text(json.dumps([changed], ensure_ascii=False), encoding="utf-8")
    dry = run("import", "--dry-run", str(source))
    assert dry.returncode == 0, dry.stderr
    assert "1101**********002X → 1101**********0038" in dry.stdout
    assert "SECRET" not in dry.stdout + dry.stderr
    assert run("import", str(source)).returncode == 0
    raw = (tmp_path / "archive.json.history.jsonl").read_text(encoding="utf-8")
    assert "SECRET" not in raw and ID_NUMBER not in raw and "110105194912310038" not in raw
    assert '"old":"1101**********002X","new":"1101**********0038"' in raw
    shown = run("--lang", "zh", "history", "P1").stdout
    assert "身份证号: 1101**********002X → 1101**********0038" in shown
    assert "电话: ••• → •••" in shown and "SECRET" not in shown


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "xlsx"])
def test_an_export_without_personal_data_imports_back_changing_nothing(
    tmp_path: Path, run: Run, fmt: str
) -> None:
    _archive(tmp_path, run)
    before = run("show", "P1", "--include-personal", "--json").stdout
    out = tmp_path / f"e.{fmt}"
    assert run("export", "--out", str(out)).returncode == 0
    for flags in ((), ("--replace",)):
        done = run("import", *flags, str(out))
        assert done.returncode == 0, done.stderr
        assert "nothing changed" in done.stderr + done.stdout, (flags, done.stderr)
    after = run("show", "P1", "--include-personal", "--json").stdout
    assert json.loads(after)["profile"] == json.loads(before)["profile"]
    assert json.loads(after)["contact"] == json.loads(before)["contact"]


def test_a_masked_number_that_is_not_the_stored_ones_is_refused(tmp_path: Path, run: Run) -> None:
    _archive(tmp_path, run)
    other = {**PERSON, "profile": {"person": {"id_number": "4201**********1234"}}}
    new = {**other, "id": "P2"}
    source = tmp_path / "masked.json"
    source.write_text(json.dumps([other, new], ensure_ascii=False), encoding="utf-8")
    history = tmp_path / "archive.json.history.jsonl"
    before = history.read_bytes()
    done = run("import", str(source))
    assert done.returncode == 1
    assert done.stderr.count("profile.person.id_number: is a masked number") == 2
    assert "4201" not in done.stderr and _leaks(done.stderr) == []
    assert history.read_bytes() == before


def test_the_policy_decides_which_natures_are_personal(tmp_path: Path, run: Run) -> None:
    _archive(tmp_path, run)
    text = default_policy_path().read_text(encoding="utf-8")
    for listed, person_hidden, company_hidden in (
        ("[]", False, False),
        ("[individual, ordinary_company]", True, True),
    ):
        policy = tmp_path / "p.yaml"
        policy.write_text(text + f"\npersonal_natures: {listed}\n", encoding="utf-8")
        for cid, hidden in (("P1", person_hidden), ("C1", company_hidden)):
            shown = json.loads(run("--policy", str(policy), "show", cid, "--json").stdout)
            assert ("phone" not in shown.get("contact", {})) is hidden, (listed, cid)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text + "\npersonal_natures: [individul]\n", encoding="utf-8")
    checked = run("policy", "check", str(bad))
    assert checked.returncode == 1
    assert "personal_natures[0]: 'individul' is not one of the natures; did you mean" in (
        checked.stdout + checked.stderr
    )


def test_no_validation_message_repeats_an_individuals_phone_or_address(
    tmp_path: Path, run: Run
) -> None:
    bad = {**PERSON, "contact": {"phone": ["SECRET-PHONE-77"], "address": {"SECRET-ADDR-88": 1}}}
    source = tmp_path / "bad.json"
    source.write_text(json.dumps([bad], ensure_ascii=False), encoding="utf-8")
    done = run("import", str(source))
    assert done.returncode == 1
    assert "contact.phone: the value (personal data, not shown)" in done.stderr
    assert "contact.address: the value (personal data, not shown)" in done.stderr
    assert _leaks(done.stdout + done.stderr) == []


def test_every_history_entry_honours_the_policys_personal_natures(tmp_path: Path, run: Run) -> None:
    _archive(tmp_path, run)
    text = default_policy_path().read_text(encoding="utf-8")
    companies = tmp_path / "companies.yaml"
    companies.write_text(text + "\npersonal_natures: [ordinary_company]\n", encoding="utf-8")
    nobody = tmp_path / "nobody.yaml"
    nobody.write_text(text + "\npersonal_natures: []\n", encoding="utf-8")
    old_phone, old_address = COMPANY["contact"]["phone"], COMPANY["contact"]["address"]
    changed = [
        {**COMPANY, "contact": {"phone": "SECRET-CO-PHONE", "address": "SECRET-CO-ADDR"}},
        {**PERSON, "contact": {"phone": "SECRET-NEW-PHONE", "address": "SECRET-NEW-ADDR"}},
    ]
    source = tmp_path / "changed.json"
    source.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    assert run("--policy", str(nobody), "import", str(source)).returncode == 0
    secrets = ("SECRET", old_phone, old_address)
    # Under a policy marking companies personal, no reading of the history shows their values,
    # whichever way it is asked for.
    for argv in (
        ("history",),
        ("history", "--json"),
        ("history", "C1"),
        ("history", "C1", "--json"),
        ("history", "--event", "customer_imported", "--json"),
        ("history", "--limit", "1", "--json"),
        ("history", "--since", "2000-01-01"),
    ):
        done = run("--policy", str(companies), *argv)
        assert done.returncode == 0, (argv, done.stderr)
        shown = done.stdout + done.stderr
        assert [s for s in secrets if s in shown] == [], argv
    assert "Phone: ••• → •••" in run("--policy", str(companies), "history", "C1").stdout
    # The company's values are business data under the default policy; an individual's values
    # were masked when they were written, whatever the policy in force said then or says now.
    default = run("history", "C1").stdout
    assert "SECRET-CO-PHONE" in default and old_phone in default
    for policy in (companies, nobody, default_policy_path()):
        every = run("--policy", str(policy), "history", "--json").stdout
        assert "SECRET-NEW" not in every and SECRETS[0] not in every, policy
    raw = (tmp_path / "archive.json.history.jsonl").read_text(encoding="utf-8")
    assert "SECRET-NEW" not in raw


def test_a_customer_that_was_a_person_keeps_its_past_values_masked(
    tmp_path: Path, run: Run
) -> None:
    text = default_policy_path().read_text(encoding="utf-8")
    traders = tmp_path / "traders.yaml"
    traders.write_text(text + "\npersonal_natures: [trading_partner]\n", encoding="utf-8")
    steps = [
        {"id": "T1", "name": "个体户王五", "nature": "trading_partner",
         "contact": {"phone": "PHONE-AS-TRADER"}},
        {"id": "T1", "name": "个体户王五", "nature": "trading_partner",
         "contact": {"phone": "PHONE-LATER"}},
        {"id": "T1", "name": "王五建材有限公司", "nature": "ordinary_company",
         "contact": {"phone": "PHONE-AS-COMPANY"}},
    ]  # fmt: skip
    for number, doc in enumerate(steps):
        source = tmp_path / f"step{number}.json"
        source.write_text(json.dumps([doc], ensure_ascii=False), encoding="utf-8")
        assert run("import", str(source)).returncode == 0
    shown = run("--policy", str(traders), "history", "T1", "--json").stdout
    assert "PHONE-AS-TRADER" not in shown and "PHONE-LATER" not in shown
    assert "PHONE-AS-COMPANY" not in shown  # the same customer: it was a person in this history
    assert "PHONE-LATER" in run("history", "T1", "--json").stdout


def test_no_search_finds_a_person_by_phone(tmp_path: Path, run: Run) -> None:
    _archive(tmp_path, run)
    company_phone = COMPANY["contact"]["phone"]
    for term in (SECRETS[0], SECRETS[0][-4:], SECRETS[1], ID_NUMBER, ID_NUMBER[:6], MASKED):
        listed = json.loads(run("list", "--search", term, "--json").stdout)["rows"]
        assert "P1" not in [row["id"] for row in listed], term
    found = json.loads(run("list", "--search", company_phone, "--json").stdout)["rows"]
    assert [row["id"] for row in found] == ["C1"]  # a company's phone is business data
    text = default_policy_path().read_text(encoding="utf-8")
    companies = tmp_path / "companies.yaml"
    companies.write_text(text + "\npersonal_natures: [ordinary_company]\n", encoding="utf-8")
    hidden = run("--policy", str(companies), "list", "--search", company_phone, "--json")
    assert json.loads(hidden.stdout)["rows"] == []
    nobody = tmp_path / "nobody.yaml"
    nobody.write_text(text + "\npersonal_natures: []\n", encoding="utf-8")
    shown = run("--policy", str(nobody), "list", "--search", SECRETS[0], "--json")
    assert [row["id"] for row in json.loads(shown.stdout)["rows"]] == ["P1"]
