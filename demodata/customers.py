"""Generated, realistic demo customers: Chinese names, leases, assessments and sources."""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

__all__ = ["ITEM_CATEGORIES", "NATURE_SHARES", "generate_customers"]

T = TypeVar("T")

# Leased-item categories of policy/default.yaml, with how common each is among contracts.
ITEM_CATEGORIES = {
    "ringlock_scaffolding": 24, "cuplock_scaffolding": 12, "tube_coupler_scaffolding": 14,
    "steel_formwork": 9, "aluminium_formwork": 10, "climbing_formwork": 4, "tower_crane": 12,
    "construction_hoist": 8, "shoring_props": 7,
}  # fmt: skip
# Mostly ordinary companies and developers, as in the company's book.
NATURE_SHARES = {
    "ordinary_company": 46, "developer": 16, "individual": 8, "government_investment": 7,
    "central_soe": 7, "trading_partner": 7, "special_company": 5, "government_agency": 4,
}  # fmt: skip
# Typical contract amounts (CNY, low and high ends of a log-uniform range) per nature.
AMOUNTS = {
    "individual": (10_000, 150_000), "trading_partner": (30_000, 600_000),
    "ordinary_company": (20_000, 1_500_000), "special_company": (50_000, 1_500_000),
    "developer": (100_000, 3_000_000), "government_agency": (50_000, 1_200_000),
    "government_investment": (200_000, 4_000_000), "central_soe": (300_000, 6_000_000),
}  # fmt: skip
CAPITALS = (1, 2, 3, 5, 8, 10, 20, 30, 50, 100, 200, 500, 1000, 5000)  # 万元 (10,000 CNY)
WEIGHTS = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}

CITIES = (
    ("武汉", "027", "江岸区 江汉区 武昌区 洪山区 汉阳区 东西湖区"),
    ("长沙", "0731", "岳麓区 芙蓉区 天心区 开福区 雨花区"),
    ("郑州", "0371", "金水区 二七区 中原区 管城回族区 惠济区"),
    ("南昌", "0791", "东湖区 西湖区 青山湖区 红谷滩区"),
    ("合肥", "0551", "蜀山区 包河区 庐阳区 瑶海区"),
    ("成都", "028", "锦江区 青羊区 金牛区 武侯区 成华区"),
    ("重庆", "023", "渝中区 江北区 南岸区 九龙坡区 渝北区"),
    ("西安", "029", "雁塔区 碑林区 未央区 莲湖区 灞桥区"),
    ("南京", "025", "玄武区 秦淮区 建邺区 鼓楼区 江宁区"),
    ("杭州", "0571", "上城区 拱墅区 西湖区 滨江区 萧山区"),
    ("广州", "020", "天河区 越秀区 海珠区 白云区 番禺区"),
    ("宜昌", "0717", "西陵区 伍家岗区 点军区 夷陵区"),
    ("襄阳", "0710", "襄城区 樊城区 襄州区"),
    ("岳阳", "0730", "岳阳楼区 云溪区 君山区"),
    ("九江", "0792", "浔阳区 濂溪区 柴桑区"),
    ("信阳", "0376", "浉河区 平桥区"),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ROADS = _words(
    "解放大道 中山路 建设大道 人民路 光谷大道 友谊大道 长江路 黄河路 "
    "和平街 新华路 发展大道 滨江路 青年路 工业园路 科技大道 车站路"
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌鹏飞辉波宁海燕雪梅晨浩宇"
BRAND_1 = "宏华鑫恒盛泰兴嘉永佳天远博瑞鼎金中新海信广正润锦万合东百安"
BRAND_2 = "达兴源通泰成昌隆利发远安和丰华诚业恒晟瑞祥邦实润宇辉锦坤运"
PINYIN = dict(zip(BRAND_1 + BRAND_2, _words(
    "hong hua xin heng sheng tai xing jia yong jia tian yuan bo rui ding jin zhong xin hai "
    "xin guang zheng run jin wan he dong bai an da xing yuan tong tai cheng chang long li fa "
    "yuan an he feng hua cheng ye heng sheng rui xiang bang shi run yu hui jin kun yun"
), strict=True))  # fmt: skip
TRADES = {
    "ordinary_company": _words(
        "建设工程有限公司 建筑劳务有限公司 市政工程有限公司 路桥工程有限公司 "
        "建筑装饰工程有限公司 基础工程有限公司 建筑安装工程有限公司 钢结构工程有限公司"
    ),
    "developer": _words("房地产开发有限公司 置业有限公司 地产集团有限公司 置地有限公司"),
    "special_company": _words("实业有限公司 机电设备有限公司 投资发展有限公司"),
    "trading_partner": _words("建材贸易有限公司 设备租赁有限公司 物资贸易有限公司 钢材有限公司"),
}
AGENCIES = _words(
    "住房和城乡建设局 交通运输局 水务局 城市管理局 教育局 卫生健康委员会 重点项目建设管理中心"
)
INVESTORS = _words(
    "城市建设投资集团有限公司 交通投资集团有限公司 城市发展投资有限公司 水务投资有限公司 "
    "产业投资发展集团有限公司 地铁集团有限公司"
)
SOES = _words(
    "中建三局第一建设工程有限责任公司 中建三局集团有限公司 中国建筑第五工程局有限公司 "
    "中铁十一局集团有限公司 中铁大桥局集团有限公司 中交第二航务工程局有限公司 "
    "中交第二公路工程局有限公司 中国水利水电第八工程局有限公司 中国一冶集团有限公司 "
    "中冶南方城市建设工程技术有限公司 中国电建集团中南勘测设计研究院有限公司 中铁建工集团有限公司"
)
INVESTIGATORS = _words("湖北信达征信调查有限公司 中诚信资信评估有限公司 华中商务调查事务所")
# The text sections of the file (SPEC §3), a few typical remarks for each field.
TEXTS = {
    "characteristics": {
        "development_potential": _words(
            "近年业务扩张较快,在手项目充足 区域市场占有率稳步提升 业务规模稳定,增长有限 "
            "新进入本地市场,发展前景待观察 依托集团资源,承接大型项目能力强"
        ),
        "business_philosophy": _words(
            "重视信用,讲究长期合作 注重成本控制,价格敏感 重质量与安全,愿意为服务付费 "
            "追求速度,工期优先"
        ),
        "management_style": _words(
            "老板亲自决策,审批快 流程规范,审批环节较多 项目经理负责制,现场自主权大 "
            "财务管控严格,付款需多级签字"
        ),
    },
    "business": {
        "construction_business": _words(
            "以住宅房建为主,兼做市政道路 承接桥梁和隧道施工 以厂房和仓储项目为主 "
            "承接学校、医院等公建项目 以劳务分包为主,配合总包单位施工"
        ),
        "leasing_performance": _words(
            "按合同按时归还,损耗较少 偶有延期归还,赔偿能及时结清 租赁量逐年增加 "
            "租赁频次低,单笔金额大"
        ),
        "cooperation_attitude": _words(
            "配合度高,对账及时 沟通顺畅,但付款需反复催办 关系良好,愿意签订年度协议 "
            "对价格敏感,常比价"
        ),
    },
    "trading": {
        "problems": _words(
            "部分租金逾期未付 丢失配件赔偿未结清 暂无明显问题 对账差异待核对 "
            "项目停工,退租时间不确定"
        ),
        "strengths": _words("项目多,需求稳定 付款及时,信誉良好 有集团担保 本地关系网络广"),
        "countermeasures": _words(
            "保持优先供货,争取年度框架协议 加强对账,按月催收 控制授信额度,要求预付 "
            "定期走访,跟进新项目"
        ),
    },
}
STATUS_TEXT = {"current": "在租{item}{n}份合同", "past": "目前无在租合同,上次合同已结清",
               "upcoming": "洽谈中,尚未签约"}  # fmt: skip
ITEM_WORDS = {
    "ringlock_scaffolding": "盘扣式脚手架", "cuplock_scaffolding": "碗扣式脚手架",
    "tube_coupler_scaffolding": "钢管扣件", "steel_formwork": "钢模板",
    "aluminium_formwork": "铝模板", "climbing_formwork": "爬模", "tower_crane": "塔吊",
    "construction_hoist": "施工升降机", "shoring_props": "支撑立杆",
}  # fmt: skip
PERSONALITIES = _words("谨慎 健谈 直爽 稳重 精明 随和")
HOBBIES = _words("钓鱼 登山 茶道 羽毛球 书法 象棋 旅游")
FAMILIES = _words("已婚,一子 已婚,一女 已婚,两个孩子 未婚 已婚")
NOTES = ("走访现场,项目在建", "年度复评", "新客户首次评分", "根据付款记录调整", "")
SOURCE_NOTES = ("注册资本待核实", "资产数据与年报一致", "无重大诉讼", "项目现场走访", "")


class _Dice:
    """Draws from one ``random.Random`` through ``random()`` only, whose sequence is stable
    across Python versions (``choice``/``randint`` are slower and version-dependent).

    The draws are closures rather than methods: they run about 50 times per customer.
    """

    def __init__(self, seed: int) -> None:
        rand = random.Random(seed).random
        self.random: Callable[[], float] = rand
        self.pick: Callable[[Sequence[Any]], Any] = lambda seq: seq[int(rand() * len(seq))]
        self.below: Callable[[int], int] = lambda n: int(rand() * n)
        self.chance: Callable[[float], bool] = lambda p: rand() < p

    def weighted(self, cumulative: Sequence[tuple[float, T]]) -> T:
        x = self.random() * cumulative[-1][0]
        for bound, value in cumulative:
            if x < bound:
                return value
        return cumulative[-1][1]


def _cumulative(weights: dict[str, int]) -> list[tuple[float, str]]:
    out, total = [], 0.0
    for key, weight in weights.items():
        total += weight
        out.append((total, key))
    return out


_NATURES = _cumulative(NATURE_SHARES)
_ITEMS = _cumulative(ITEM_CATEGORIES)
_CITIES = [(name, code, districts.split()) for name, code, districts in CITIES]


def generate_customers(n: int, seed: int, as_of: date) -> list[dict[str, Any]]:
    """``n`` realistic customers, the same for the same seed and as-of date.

    Args:
        n: How many customers; ids run ``C000001`` … in order.
        seed: Any integer; the same seed gives the same customers.
        as_of: Every generated date falls before this day.

    Returns:
        Customer documents (SPEC §3) that validate under ``policy/default.yaml``.
    """
    gen = _Generator(_Dice(seed), as_of)
    # The documents hold no reference cycles; collecting while 100,000 of them are built only
    # rescans the growing heap again and again (about half the time otherwise).
    paused = gc.isenabled()
    gc.disable()
    try:
        return [gen.customer(i + 1) for i in range(n)]
    finally:
        if paused:
            gc.enable()


def customers_in_batches(
    n: int, seed: int, as_of: date, size: int = 20_000
) -> Iterator[list[dict[str, Any]]]:
    """``generate_customers(n, seed, as_of)`` handed out ``size`` customers at a time, so
    that a million of them never need to be held at once (the same customers, in order)."""
    gen = _Generator(_Dice(seed), as_of)
    for start in range(0, n, size):
        yield [gen.customer(i + 1) for i in range(start, min(n, start + size))]


class _Generator:
    """Builds one customer after another, remembering names and salespeople used."""

    def __init__(self, dice: _Dice, as_of: date) -> None:
        self.dice = dice
        self.today = as_of.toordinal()
        self.names: set[str] = set()
        self.staff = [self.person_name() for _ in range(24)]
        self.contracts = 0
        self._iso: dict[int, str] = {}

    def iso(self, ordinal: int) -> str:
        """The YYYY-MM-DD text of an ordinal day (remembered: days repeat a lot)."""
        text = self._iso.get(ordinal)
        if text is None:
            text = self._iso[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def person_name(self) -> str:
        d = self.dice
        name: str = d.pick(SURNAMES) + d.pick(GIVEN)
        return name + d.pick(GIVEN) if d.chance(0.7) else name

    def day(self, days_ago_low: int, days_ago_high: int) -> int:
        """An ordinal day between the two distances before as-of (both ≥ 1)."""
        return self.today - days_ago_low - self.dice.below(max(days_ago_high - days_ago_low, 1))

    def customer(self, number: int) -> dict[str, Any]:
        d = self.dice
        nature = d.weighted(_NATURES)
        city, area, districts = d.pick(_CITIES)
        district = d.pick(districts)
        name, domain = self.company_name(nature, city, district)
        # How good a customer it is: most are fair to good, a few excellent or poor.
        quality = 1.0 - 0.38 * d.random() * (0.4 + d.random())
        doc: dict[str, Any] = {"id": f"C{number:06d}", "name": name, "nature": nature}
        doc["contact"] = self.contact(nature, f"{city}市{district}", area, domain)
        first = self.first_trade()
        doc["profile"] = self.profile(nature, first)
        leases = self.leases(nature, first, quality) if first is not None else []
        stage = _stage(leases)
        doc["characteristics"] = self.texts("characteristics")
        doc["business"] = self.texts("business")
        doc["trading"] = self.texts("trading")
        doc["trading"]["lease_status"] = self.lease_status(stage, leases)
        if stage == "upcoming":
            doc["trading"]["problems"] = "尚未合作,资料收集中"
        if leases:
            doc["leases"] = leases
        # Customers already trading have been assessed; a prospect often not yet.
        if d.chance(0.99 if stage != "upcoming" else 0.6):
            doc["assessment"] = self.assessment(quality)
        doc["sources"] = self.sources(quality)
        return doc

    def company_name(self, nature: str, city: str, district: str) -> tuple[str, str]:
        d = self.dice
        if nature == "individual":
            return self.person_name(), ""
        for attempt in range(8):
            b1, b2 = d.pick(BRAND_1), d.pick(BRAND_2)
            domain = f"{PINYIN[b1]}{PINYIN[b2]}"
            if nature == "government_agency":
                name = f"{city}市{district}{d.pick(AGENCIES)}"
            elif nature == "government_investment":
                name = f"{city}{district if d.chance(0.6) else ''}{d.pick(INVESTORS)}"
            elif nature == "central_soe":
                # The group itself once, then its branches and project offices in the city.
                branch = f"{city}{d.pick(('分公司', '项目经理部'))}" if attempt else ""
                name = d.pick(SOES) + branch
            else:
                name = f"{city}{b1}{b2}{d.pick(TRADES[nature])}"
            if attempt >= 5:
                name += f"第{attempt + d.below(90)}项目部"
            if name not in self.names:
                break
        self.names.add(name)
        return name, domain

    def contact(self, nature: str, place: str, area: str, domain: str) -> dict[str, Any]:
        d = self.dice
        mobile = f"1{d.pick('3456789')}{d.below(10**9):09d}"
        landline = f"{area}-{d.pick('5678')}{d.below(10**7):07d}"
        address = f"{place}{d.pick(ROADS)}{1 + d.below(400)}号"
        if nature != "individual" and d.chance(0.4):
            address += f"{d.pick('ABCDE')}座{1 + d.below(30)}{1 + d.below(20):02d}室"
        email = None
        if domain and d.chance(0.5):
            email = f"{d.pick(('info', 'office', 'caiwu', 'xm'))}@{domain}.com.cn"
        person = None if nature == "individual" else self.person_name()
        phone = mobile if nature == "individual" or d.chance(0.6) else landline
        return {"address": address, "phone": phone, "person": person, "email": email}

    def first_trade(self) -> int | None:
        d = self.dice
        kind = d.random()
        if kind < 0.12:
            return None  # a prospect: nothing traded yet
        if kind < 0.28:
            return self.day(20, 360)  # a new customer, first trade within the last 12 months
        return self.day(400, 365 * 12)

    def profile(self, nature: str, first: int | None) -> dict[str, Any]:
        d = self.dice
        profile: dict[str, Any] = {}
        start = first if first is not None else self.today
        if nature == "individual":
            profile["person"] = self.person(30, 35)
        else:
            profile["founded_on"] = self.iso(start - 200 - d.below(365 * 25))
            scale = 4 if nature in ("central_soe", "government_investment") else 0
            capital = CAPITALS[min(d.below(10) + scale, len(CAPITALS) - 1)] * 10_000
            if nature != "government_agency":  # an agency has a budget, not a capital
                profile["registered_capital"] = capital
                profile["total_assets"] = capital * (2 + d.below(30)) if d.chance(0.7) else None
            if d.chance(0.3):
                profile["person"] = self.person(28, 35)
        if first is not None and d.chance(0.85):
            profile["trading_since"] = self.iso(first)
        return profile

    def person(self, youngest: int, spread: int) -> dict[str, Any]:
        d = self.dice
        return {"age": youngest + d.below(spread), "personality": d.pick(PERSONALITIES),
                "hobbies": d.pick(HOBBIES), "family": d.pick(FAMILIES)}  # fmt: skip

    def leases(self, nature: str, first: int, quality: float) -> list[dict[str, Any]]:
        d = self.dice
        years = (self.today - first) / 365
        count = min(8, 1 + d.below(2 + int(years * (0.4 + quality))))
        low, high = AMOUNTS[nature]
        leases = []
        for k in range(count):
            start = first if k == 0 else first + d.below(max(self.today - first - 10, 1))
            months = 2 + d.below(16)
            end = start + months * 30
            status = "active" if end >= self.today else "closed"
            if d.chance(0.05):
                status = "cancelled"
                end = min(end, self.today - 1)
            amount = int(round(low * (high / low) ** d.random(), -2))
            self.contracts += 1
            begin = self.iso(start)
            lease: dict[str, Any] = {
                "contract": f"L{begin[:4]}-{self.contracts:06d}",
                "item": d.weighted(_ITEMS), "start": begin,
                "end": None if status == "active" else self.iso(end),
                "amount": amount, "status": status,
            }  # fmt: skip
            if status == "active" and d.chance(0.4):
                lease["outstanding"] = int(round(amount * d.random() * 0.4, -2))
                late = d.chance(1.0 - quality)
                lease["overdue_days"] = 15 + d.below(150) if late else 0
            leases.append(lease)
        leases.sort(key=lambda lease: str(lease["start"]))
        return leases

    def lease_status(self, stage: str, leases: list[dict[str, Any]]) -> str:
        active = [lease for lease in leases if lease["status"] == "active"]
        item = ITEM_WORDS[active[0]["item"]] if active else ""
        return STATUS_TEXT[stage].format(item=item, n=len(active))

    def texts(self, section: str) -> dict[str, str]:
        pick = self.dice.pick
        return {key: pick(options) for key, options in TEXTS[section].items()}

    def assessment(self, quality: float) -> dict[str, Any]:
        d = self.dice
        out: dict[str, Any] = {}
        for key, weight in WEIGHTS.items():
            share = min(max(quality + (d.random() - 0.5) * 0.12, 0.0), 1.0)
            out[key] = round(weight * share * 2) / 2  # salespeople score in half points
        if d.chance(0.015):
            del out[d.pick(list(WEIGHTS))]  # an incomplete assessment: the customer is ungraded
        out["assessed_by"] = d.pick(self.staff)
        # Most assessments are kept within the shipped policy's review cycles; a few lapsed.
        out["assessed_on"] = self.iso(self.day(1, 170) if d.chance(0.92) else self.day(170, 420))
        out["note"] = d.pick(NOTES)
        return out

    def sources(self, quality: float) -> list[dict[str, Any]]:
        d = self.dice
        sources = [self.source("salesperson_visit", True)]
        if d.chance(0.45):
            # An office audits most forms soon after they come back; a few wait.
            sources.append(self.source("customer_form", d.chance(0.9)))
        risk = 1.0 - quality
        if d.chance(min(3.0 * risk, 0.9)):
            # The regime sends agencies after the risky customers, and keeps it up yearly.
            sources.append(self.source("agency_investigation", True, recent=risk > 0.15))
        return sources

    def source(self, kind: str, verified: bool, *, recent: bool = False) -> dict[str, Any]:
        d = self.dice
        agency = kind == "agency_investigation"
        return {"kind": kind, "on": self.iso(self.day(1, 330 if recent else 900)),
                "by": d.pick(INVESTIGATORS) if agency else d.pick(self.staff),
                "verified": verified, "cost": 2000 + 500 * d.below(30) if agency else None,
                "note": d.pick(SOURCE_NOTES)}  # fmt: skip


def _stage(leases: list[dict[str, Any]]) -> str:
    statuses = {lease["status"] for lease in leases}
    return "current" if "active" in statuses else "past" if "closed" in statuses else "upcoming"
