"""An import's problems with its rows are told in the language asked for: each row's problem
worded from the catalogue with its values in place, in Chinese under ``--lang zh`` and in
English under ``--lang en``, and the same whether the rows were checked in one process or on
several."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli_support import Run

from creditfile.application.batch import validate_all
from creditfile.application.customers import InvalidCustomerError
from creditfile.engine.validation import validate_customers
from creditfile.policy import load_policy
from creditfile.policy.errors import Phrase, phrase_from_data
from creditfile.policy.loader import default_policy_path
from creditfile.presentation.translation import translation

BAD_ROWS = [
    {
        "id": "C1",
        "name": "甲公司",
        "nature": "goverment_agency",
        "leases": [
            {
                "contract": "K1",
                "item": "excavator",
                "amount": "12x",
                "start": "2025-02-30",
                "status": "active",
            }
        ],
        "assessment": {"strength": 99},
    },
    {"id": "C1", "name": "乙公司", "nature": "individual", "credit_code": "91110000ABCDEFGH12"},
]
# English words of four letters or more, once the keys, values and file names a row quotes are
# set aside: what is left of a Chinese line must be Chinese.
QUOTED = re.compile(
    r"'[^']*'|\b[a-z_]+\[\d+\]\.[a-z_]+|\b[a-z_]+\.[a-z_]+|\bbad\.jsonl\b|\b[a-z]+_[a-z_]+\b"
)


def _write(tmp_path: Path) -> str:
    (tmp_path / "bad.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in BAD_ROWS), "utf-8"
    )
    return "bad.jsonl"


def _problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("bad.jsonl:")]


def test_row_problems_are_in_chinese_under_lang_zh(run: Run, tmp_path: Path) -> None:
    result = run("--lang", "zh", "import", _write(tmp_path))
    assert result.returncode == 1
    lines = _problem_lines(result.stderr)
    text = "\n".join(lines)
    assert "'goverment_agency' 不是政策中的客户性质；是否应为 'government_agency'？" in text
    assert "'2025-02-30' 不是真实存在的日期；请核对日和月" in text
    assert "'12x' 不是金额：不是数字；请以人民币元填写，例如 50000000、50,000,000" in text
    assert "99 超出 0–" in text and "请填写 0 至" in text
    assert "'excavator' 不是政策中的租赁物类别" in text
    # The second row repeats the first's id: it names the first as the reader counts it.
    assert "'C1' 也是第 1 条记录的编号；每个客户只能出现一次" in text
    assert "按前 17 位，最后一位应为 'T'（GB 32100-2015）" in text
    for line in lines:
        rest = QUOTED.sub("", line.split(": ", 3)[-1])
        assert not re.search(r"[A-Za-z]{4,}", rest.replace("GB", "")), line


def test_row_problems_are_in_english_under_lang_en(run: Run, tmp_path: Path) -> None:
    result = run("--lang", "en", "import", _write(tmp_path))
    assert result.returncode == 1
    text = "\n".join(_problem_lines(result.stderr))
    assert (
        "'goverment_agency' is not a nature of the policy; did you mean 'government_agency'?"
        in (text)
    )
    assert "'2025-02-30' is not a real calendar date; check the day and the month" in text
    assert "'12x' is not an amount: it is not a number; write it as CNY, e.g. 50000000" in text
    assert "'C1' is also the id of record 1; each customer appears once" in text
    assert not re.search(r"[\u4e00-\u9fff]{2,}(?!公司)", text.replace("万", "").replace("亿", ""))


def test_an_unknown_nature_lists_the_policy_labels_in_the_reader_s_language() -> None:
    policy = load_policy(default_policy_path())
    (problem,) = validate_customers([{"id": "C1", "name": "甲", "nature": "zzzz"}], policy)
    assert problem.path == "nature"
    assert "government_agency (政府机构)" in problem.text(translation("zh").gettext)
    assert "government_agency (Government)" in problem.text(translation("en").gettext)
    assert "政府" not in problem.message  # the English, as logged


def test_problems_checked_on_several_cores_are_worded_as_in_one() -> None:
    policy = load_policy(default_policy_path())
    docs: list[object] = [dict(BAD_ROWS[0], id=f"C{i}") for i in range(40)]
    one = validate_all(docs, policy, workers=1)
    several = validate_all(docs, policy, workers=2, parallel_from=10)
    zh = translation("zh").gettext
    assert [p.text(zh) for p in several] == [p.text(zh) for p in one]
    assert any("不是真实存在的日期" in p.text(zh) for p in several)


def test_a_phrase_survives_its_data() -> None:
    nested = Phrase("{a} or {b}", {"a": Phrase("text"), "b": 3})
    again = phrase_from_data(json.loads(json.dumps(nested.as_data())))
    assert again == nested and str(again) == "text or 3"


def test_a_refused_save_names_each_problem_in_the_language_asked_for() -> None:
    policy = load_policy(default_policy_path())
    doc = {"id": "C1", "name": "甲", "nature": "zzzz", "credit_code": "91110000ABCDEFGH12"}
    error = InvalidCustomerError("C1", validate_customers([doc], policy))
    assert str(error).startswith("customer C1: credit_code: '91110000ABCDEFGH12': the last")
    assert str(error).endswith("; nothing was saved")
    chinese = error.text(translation("zh").gettext)
    assert chinese.startswith("客户 C1：credit_code：'91110000ABCDEFGH12'：按前 17 位")
    assert "nature：'zzzz' 不是政策中的客户性质" in chinese and chinese.endswith("；未保存任何内容")
