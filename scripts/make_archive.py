"""Generate benchmark archives: realistic Chinese customer files, as JSON Lines and as an archive.

Independent of ``creditfile.demo`` on purpose: the benchmark must not measure the project on data
shaped by the project's own generator. Every customer has every section filled, 1–6 leases and
about 1.4 KB of compact UTF-8 JSON; the same seed always gives the same bytes.

    python scripts/make_archive.py --customers 10000 --out bench-data/c10000
        → bench-data/c10000.jsonl and bench-data/c10000.json (the archive, not yet graded)
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

GENERATOR_VERSION = "3"  # bump when the output changes, so cached archives are rebuilt
AS_OF = date(2026, 11, 29)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓"
    "曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌鹏飞辉波宁海燕雪梅晨"
CITIES = (
    "武汉",
    "长沙",
    "南昌",
    "合肥",
    "郑州",
    "成都",
    "重庆",
    "西安",
    "南京",
    "杭州",
    "苏州",
    "广州",
    "深圳",
    "福州",
    "昆明",
    "贵阳",
    "南宁",
    "济南",
    "青岛",
    "天津",
    "石家庄",
    "太原",
)
ROADS = (
    "解放大道",
    "中山路",
    "建设路",
    "人民路",
    "光谷大道",
    "友谊大道",
    "长江路",
    "黄河路",
    "和平街",
    "新华路",
    "胜利街",
    "滨江大道",
    "发展大道",
    "东湖路",
)
WORDS = (
    "宏达",
    "鸿基",
    "中建",
    "华兴",
    "恒泰",
    "盛世",
    "天成",
    "安居",
    "锦程",
    "远航",
    "华润",
    "楚天",
    "荆楚",
    "金桥",
    "瑞丰",
    "腾飞",
    "博远",
    "鼎盛",
    "永安",
    "佳和",
    "联创",
    "汇通",
)
KINDS = {
    "government_agency": ("住房和城乡建设局", "交通运输局", "水务局", "城市管理局"),
    "government_investment": ("城市建设投资有限公司", "城投集团有限公司", "交通投资集团有限公司"),
    "central_soe": (
        "中建三局第一建设工程有限责任公司",
        "中铁十一局集团有限公司",
        "中交第二航务工程局有限公司",
    ),
    "developer": ("房地产开发有限公司", "置业有限公司", "地产集团有限公司"),
    "special_company": ("钢结构工程有限公司", "机电安装工程有限公司"),
    "ordinary_company": (
        "建设工程有限公司",
        "建筑劳务有限公司",
        "市政工程有限公司",
        "路桥工程有限公司",
    ),
    "trading_partner": ("建材贸易有限公司", "设备租赁有限公司"),
}
NATURE_WEIGHTS = {
    "government_agency": 3,
    "government_investment": 6,
    "central_soe": 6,
    "developer": 15,
    "special_company": 5,
    "ordinary_company": 45,
    "individual": 15,
    "trading_partner": 5,
}
ITEMS = (
    "ringlock_scaffolding",
    "cuplock_scaffolding",
    "tube_coupler_scaffolding",
    "steel_formwork",
    "aluminium_formwork",
    "climbing_formwork",
    "tower_crane",
    "construction_hoist",
    "shoring_props",
)
PHRASES = {
    "development_potential": ("储备充足", "扩张积极", "开工减少"),
    "business_philosophy": ("重视信用", "价格敏感", "稳健经营"),
    "management_style": ("集中决策", "项目负责", "审批较慢"),
    "construction_business": ("房建市政", "住宅商业", "工业厂房"),
    "leasing_performance": ("按期归还", "曾有延迟", "逐年上升"),
    "cooperation_attitude": ("对账及时", "需要催办", "配合一般"),
    "lease_status": ("在租架料", "洽谈新单", "在租铝模"),
    "problems": ("小额逾期", "赔偿未清", "暂无"),
    "strengths": ("资金雄厚", "项目集中", "关系良好"),
    "countermeasures": ("月度走访", "控制额度", "年度协议"),
}
PERSON = {
    "personality": ("谨慎", "豪爽", "务实", "健谈", "严谨", "随和"),
    "hobbies": ("钓鱼", "打羽毛球", "喝茶", "登山", "书法", "象棋"),
    "family": ("已婚,一子", "已婚,一女", "已婚,两个孩子", "未婚"),
}
NOTES = ("注册资本待核实", "资料齐全", "走访现场", "无重大诉讼", "")


def person_name(rng: random.Random) -> str:
    """A Chinese personal name of two or three characters."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def day(rng: random.Random, start: date, end: date) -> date:
    """A day drawn evenly from ``[start, end]``."""
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def lease(rng: random.Random, index: int, first: date) -> dict[str, Any]:
    """One lease contract starting on or after ``first``."""
    start = day(rng, first, AS_OF - timedelta(days=10))
    end = start + timedelta(days=rng.randint(60, 720))
    status = rng.choices(("active", "closed", "cancelled"), (35, 57, 8))[0]
    if status == "active" and end < AS_OF:
        end = AS_OF + timedelta(days=rng.randint(30, 400))
    if status == "closed" and end > AS_OF:
        end = AS_OF - timedelta(days=rng.randint(1, 30))
        start = min(start, end - timedelta(days=30))
    amount = round(rng.lognormvariate(13.0, 1.1), -2)
    return {
        "contract": f"L{start.year}-{index:03d}{rng.randint(0, 999):03d}",
        "item": rng.choice(ITEMS),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "amount": min(int(amount), 80_000_000),
        "status": status,
    }


def customer(rng: random.Random, number: int) -> dict[str, Any]:
    """One customer document (SPEC §3) with every section filled."""
    nature = rng.choices(list(NATURE_WEIGHTS), list(NATURE_WEIGHTS.values()))[0]
    city = rng.choice(CITIES)
    if nature == "individual":
        name = person_name(rng)
    else:
        name = city + rng.choice(WORDS) + rng.choice(KINDS[nature])
    founded = day(rng, date(1985, 1, 1), date(2022, 12, 31))
    first_trade = day(rng, max(founded, date(2008, 1, 1)), AS_OF - timedelta(days=40))
    # Most customers hold one or two contracts; a few hold many.
    count = rng.choices(range(1, 7), (30, 25, 18, 12, 9, 6))[0]
    leases = [lease(rng, i + 1, first_trade) for i in range(count)]
    contact = person_name(rng)
    assessed_by = person_name(rng)
    return {
        "id": f"C{number:06d}",
        "name": name,
        "nature": nature,
        "contact": {
            "address": f"{city}市{rng.choice(ROADS)}{rng.randint(1, 999)}号",
            "phone": f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}",
            "person": contact,
            "email": None,
        },
        "profile": {
            "founded_on": founded.isoformat(),
            "trading_since": first_trade.isoformat(),
            "registered_capital": rng.choice((1, 2, 5, 10, 20, 50, 100)) * 1_000_000,
            "total_assets": rng.randint(2, 5000) * 1_000_000,
            "person": {
                "age": rng.randint(28, 66),
                "personality": rng.choice(PERSON["personality"]),
                "hobbies": rng.choice(PERSON["hobbies"]),
                "family": rng.choice(PERSON["family"]),
            },
        },
        "characteristics": {
            k: rng.choice(PHRASES[k])
            for k in ("development_potential", "business_philosophy", "management_style")
        },
        "business": {
            k: rng.choice(PHRASES[k])
            for k in ("construction_business", "leasing_performance", "cooperation_attitude")
        },
        "trading": {
            k: rng.choice(PHRASES[k])
            for k in ("lease_status", "problems", "strengths", "countermeasures")
        },
        "leases": leases,
        "assessment": _assessment(rng, assessed_by),
        "sources": _sources(rng, assessed_by),
    }


def _assessment(rng: random.Random, by: str) -> dict[str, Any]:
    quality = rng.betavariate(5, 1.6)  # most customers good, a tail of weak ones

    def points(weight: int) -> float:
        return round(min(weight, max(0.0, weight * rng.gauss(quality, 0.08))) * 2) / 2

    return {
        "strength": points(10),
        "potential": points(15),
        "reputation": points(20),
        "payment": points(30),
        "other": points(10),
        "assessed_by": by,
        "assessed_on": day(rng, date(2025, 6, 1), AS_OF).isoformat(),
        "note": rng.choice(NOTES),
    }


def _sources(rng: random.Random, by: str) -> list[dict[str, Any]]:
    kinds = rng.sample(
        ("salesperson_visit", "customer_form", "agency_investigation"), rng.randint(1, 2)
    )
    return [
        {
            "kind": kind,
            "on": day(rng, date(2024, 1, 1), AS_OF).isoformat(),
            "by": by,
            "verified": kind != "customer_form" or rng.random() < 0.7,
            "cost": rng.choice((3000, 5000, 8000)) if kind == "agency_investigation" else None,
            "note": rng.choice(NOTES),
        }
        for kind in kinds
    ]


def customers(count: int, seed: int) -> Iterator[dict[str, Any]]:
    """``count`` customers, ids ``C000001``…, the same for the same seed."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield customer(rng, number)


def write_jsonl(docs: list[dict[str, Any]], path: Path) -> None:
    """One compact UTF-8 JSON document per line."""
    with path.open("wb") as out:
        for doc in docs:
            out.write(orjson.dumps(doc) + b"\n")


def write_archive(docs: list[dict[str, Any]], path: Path) -> None:
    """An ungraded archive file, written through the project's store (its own format)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from creditfile.store import Archive

    path.unlink(missing_ok=True)
    for extra in path.parent.glob(path.name + ".*"):
        extra.unlink()  # history sidecar, backups, lock file of an older archive at this path
    Archive.open(path, create=True).import_customers(docs, actor="bench")


def main(argv: list[str] | None = None) -> int:
    """Write ``OUT.jsonl`` and ``OUT.json`` for the requested number of customers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--out", type=Path, required=True, help="path without extension")
    parser.add_argument("--jsonl-only", action="store_true", help="skip the archive file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    docs = list(customers(args.customers, args.seed))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    jsonl = args.out.with_suffix(".jsonl")
    write_jsonl(docs, jsonl)
    if not args.jsonl_only:
        write_archive(docs, args.out.with_suffix(".json"))
    size = jsonl.stat().st_size
    print(
        f"{args.customers:,} customers, {size / args.customers:,.0f} bytes of JSON each, "
        f"in {time.perf_counter() - started:.1f} s → {args.out}.*",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
