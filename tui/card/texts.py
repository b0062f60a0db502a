"""The customer card's interface text in Simplified Chinese and English."""

from __future__ import annotations

from typing import Any

from creditfile.document import field_catalogue
from creditfile.tui.i18n import TEXTS as SHARED

# key: (zh, en): the card's own strings, which the shared catalogue (tui.i18n) does not carry.
# ``tr`` looks in the shared catalogue first, so a shared translation always wins.
TEXTS: dict[str, tuple[str, str]] = {
    # tabs
    "tab.basic": ("基本资料", "Basic data"),
    "tab.history": ("历史", "History"),
    # values (labels of customer fields and their choices: the field catalogue, creditfile.document)
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "awaiting_audit": ("待审核", "awaiting audit"),
    "none": ("—", "—"),
    # header and assessment
    "card.title": ("客户档案 {id}", "Customer file {id}"),
    "card.new_title": ("新建客户档案", "New customer file"),
    "card.revision": ("版本 {rev} · {by} 于 {at}", "revision {rev} · {by} at {at}"),
    "card.editing": ("编辑中", "editing"),
    "card.unsaved": ("未保存", "unsaved"),
    "card.problems": ("{n} 处需更正", "{n} to correct"),
    "card.not_found": ("档案中没有客户 {id}", "No customer {id} in the archive"),
    "grade.ungraded": ("未评级", "ungraded"),
    "assess.item": ("项目", "Item"),
    "assess.input": ("录入", "Input"),
    "assess.points": ("得分", "Points"),
    "assess.weight": ("权重", "Weight"),
    "assess.points_of": ("得分 / 满分", "Points / of"),
    "colon": (":", ": "),
    "clause.relative": (
        "{amount} ÷ {top}(老客户中最高)× {weight} = {points} 分",
        "{amount} ÷ {top} (the highest among established customers) × {weight} = {points}",
    ),
    "clause.relative_fixed": (
        "{lifecycle}固定得 {points} 分(老客户按 {weight} × 本客户累计额 ÷ 老客户中最高计)",
        "a {lifecycle} customer gets a fixed {points} points (established customers get "
        "{weight} × their amount ÷ the highest among them)",
    ),
    "clause.relative_no_top": (
        "尚无老客户有累计额,得 0 分",
        "no established customer has any amount yet: 0 points",
    ),
    "assess.lost": ("失分", "Lost"),
    "assess.clause": ("依据", "Rule"),
    "assess.total": ("总分", "Total"),
    "assess.grade": ("等级", "Grade"),
    "assess.band": ("{grade} 级区间:{min} 分及以上", "Grade {grade} band: {min} points or more"),
    "assess.band_lowest": ("{grade} 级:低于最低等级", "Grade {grade}: below the lowest band"),
    "assess.gap": ("距 {grade} 级还差 {gap} 分", "{gap} points short of grade {grade}"),
    "assess.top": ("已是最高等级", "Already the best grade"),
    "assess.privileges": ("等级待遇", "Privileges of the grade"),
    "assess.overrides": ("调整规则", "Overrides"),
    "assess.reasons": ("说明", "Reasons"),
    "assess.no_overrides": ("无", "none"),
    "assess.preview": (
        "实时预览(按全档案最高累计租赁额计算)",
        "Live preview (against the archive-wide top lease amount)",
    ),
    "assess.stored": (
        "存档评级:{grade} {total} 分,评于 {as_of}",
        "Stored grading: {grade} {total} points, as of {as_of}",
    ),
    "assess.stored_ungraded": (
        "存档评级:未评级,评于 {as_of}",
        "Stored grading: ungraded, as of {as_of}",
    ),
    "assess.stored_none": (
        "尚无存档评级(运行重评后生成)",
        "No stored grading yet (a regrade produces one)",
    ),
    "assess.lifecycle": (
        "客户类别:{lifecycle} · {stage} · {tier}",
        "Customer: {lifecycle} · {stage} · {tier}",
    ),
    "assess.policy": ("政策 {version}({sha})", "Policy {version} ({sha})"),
    "assess.max": ("/ {weight}", "/ {weight}"),
    "assess.computing": (
        "正在计算全档案最高累计租赁额…",
        "Working out the archive-wide top lease amount…",
    ),
    "card.preview": ("预览", "preview"),
    # privileges
    "priv.price_discount_pct": ("价格优惠(%)", "Price discount (%)"),
    "priv.payment_method": ("付款方式", "Payment method"),
    "priv.payment_cycle_days": ("付款周期(天)", "Payment cycle (days)"),
    "priv.deposit_pct": ("保证金(%)", "Deposit (%)"),
    "priv.credit_limit": ("信用额度(元)", "Credit limit (CNY)"),
    "priv.priority_supply": ("优先供货", "Priority supply"),
    # personal data
    "person.hidden": (
        "个人信息已隐藏。按 {shortcut} 显示;每次查看都会记入历史。",
        "Personal data is hidden. Press {shortcut} to show it; every reveal is recorded in "
        "the history.",
    ),
    "person.hidden_contact": (
        "个人客户的电话和地址也属个人信息,同样隐藏。",
        "An individual's phone and address are personal data too, and hidden as well.",
    ),
    "person.masked_id": ("身份证号 {number}", "ID number {number}"),
    "person.reveal": ("显示个人信息", "Show personal data"),
    "person.revealed": ("已显示个人信息(已记录)", "Personal data shown (recorded)"),
    "person.none": ("没有个人信息", "No personal data on file"),
    # leases and sources
    "lease.hint": (
        "a 新增 · Enter 修改 · c 结束 · x 取消",
        "a add · Enter edit · c close · x cancel",
    ),
    "lease.add_title": ("新增租赁", "Add a lease"),
    "lease.edit_title": ("修改租赁 {contract}", "Edit lease {contract}"),
    "lease.none": ("没有租赁记录", "No leases"),
    "lease.total": (
        "累计租赁额(不含已取消):{amount}",
        "Cumulative amount (not cancelled): {amount}",
    ),
    "lease.not_active": (
        "租赁 {contract} 不是在租状态,不能结束",
        "Lease {contract} is not active; only an active lease can be closed",
    ),
    "lease.already_cancelled": ("租赁 {contract} 已取消", "Lease {contract} is already cancelled"),
    "source.hint": ("a 新增 · v 标记已核实", "a add · v mark verified"),
    "source.add_title": ("新增资料来源", "Add a source"),
    "source.none": ("没有资料来源", "No sources"),
    "source.pending": ("{n} 份客户自填资料待审核", "{n} customer form(s) awaiting audit"),
    "source.already": ("该资料已核实", "This source is already verified"),
    "source.only_forms": ("只有客户自填资料需要审核", "Only customer forms need an audit"),
    # history
    "history.at": ("时间", "When"),
    "history.actor": ("操作人", "Who"),
    "history.kind": ("事件", "Event"),
    "history.detail": ("内容", "Detail"),
    "history.fields": ("修改", "changed"),
    "history.rev": ("版本 {rev}", "revision {rev}"),
    "history.created": ("新建档案", "new customer"),
    "history.replaced": ("替换已有档案", "replaced the customer's file"),
    "history.demo": ("演示数据", "demo data"),
    "history.replaced_unmarked": (
        "覆盖了非演示生成的档案",
        "overwrote a customer demo had not generated",
    ),
    "history.none": ("暂无历史记录", "No history yet"),
    "event.customer_created": ("新建档案", "created"),
    "event.customer_changed": ("修改档案", "changed"),
    "event.grade_changed": ("等级变化", "grade changed"),
    "event.customer_imported": ("导入档案", "imported"),
    "event.customer_deleted": ("删除档案", "deleted"),
    "event.personal_data_revealed": ("查看个人信息", "personal data revealed"),
    "event.source_verified": ("资料核实", "source verified"),
    "event.customer_merged": ("合并档案", "merged"),
    "event.customer_merged_away": ("并入其他档案", "merged into another"),
    "event.quote_issued": ("报价", "quote"),
    "event.demand_added": ("需求登记", "demand request"),
    # buttons and modals
    "button.save": ("保存", "Save"),
    "button.cancel": ("取消", "Cancel"),
    "button.ok": ("确定", "OK"),
    "button.discard": ("放弃修改", "Discard changes"),
    "button.keep": ("继续编辑", "Keep editing"),
    "button.reload": ("重新载入", "Reload"),
    "unsaved.title": ("有未保存的修改", "Unsaved changes"),
    "unsaved.body": (
        "{id} 的修改尚未保存。要保存、放弃,还是继续编辑?",
        "Your changes to {id} are not saved. Save them, discard them, or keep editing?",
    ),
    "stale.title": ("他人已修改该客户", "Someone else changed this customer"),
    "stale.body": (
        "{id} 已被 {by} 于 {at} 修改(版本 {current},您编辑的是版本 {base})。"
        "您的修改没有保存,也没有覆盖对方的修改。重新载入最新版本(您的修改将丢失),"
        "或继续编辑以抄下您的修改。",
        "{id} was changed by {by} at {at} (revision {current}; you were editing "
        "revision {base}). Your changes were NOT saved and did not overwrite theirs. "
        "Reload the latest version (your changes are dropped), or keep editing to "
        "copy your changes first.",
    ),
    "duplicate.body": (
        "客户编号 {id} 已存在;请换一个编号。",
        "Customer id {id} already exists; choose another id.",
    ),
    "save.blocked": (
        "还有 {n} 处需更正,未保存:{first}",
        "Not saved: {n} problem(s) to correct first: {first}",
    ),
    "save.saving": ("正在保存…", "Saving…"),
    "save.slow": (
        "仍在保存(档案较大或正被他人写入),界面可继续使用…",
        "Still saving (a large archive, or someone else is writing it); you can keep working…",
    ),
    "save.done": ("已保存 {id}(版本 {rev})", "Saved {id} (revision {rev})"),
    "save.nothing": ("没有需要保存的修改", "Nothing to save"),
    "save.failed": ("保存失败:{error}", "Saving failed: {error}"),
    "edit.started": ("编辑模式:修改后按 Ctrl+S 保存,Esc 返回", "Editing: Ctrl+S saves, Esc leaves"),
    "reload.done": ("已重新载入 {id} 的最新版本", "Reloaded the latest version of {id}"),
    "verify.done": ("已标记为核实,保存后记入历史", "Marked verified; recorded when saved"),
    # bindings
    "key.save": ("保存", "Save"),
    "key.next_tab": ("下一页", "Next tab"),
    "key.prev_tab": ("上一页", "Previous tab"),
    "key.reveal": ("个人信息", "Personal data"),
    "key.lease_add": ("新增", "Add"),
    "key.lease_close": ("结束租赁", "Close lease"),
    "key.lease_cancel": ("取消租赁", "Cancel lease"),
    "key.verify": ("核实", "Verify"),
    "key.quote": ("报价", "Quote"),
    # the quote dialog
    "quote.title": ("报价 · {id} {name}", "Quote · {id} {name}"),
    "quote.list_price": ("单价(元/件·月)", "Price/unit/month"),
    "quote.quantity": ("数量", "Quantity"),
    "quote.months": ("租期(月)", "Months"),
    "quote.allow": ("超出信用额度仍记录", "Record even over the credit limit"),
    "quote.record": ("记录报价", "Record quote"),
    "quote.fill": ("填写单价后显示报价", "Enter the list price to see the quote"),
    "quote.grade": ("等级 {grade}{label}", "Grade {grade}{label}"),
    "quote.ungraded": ("未评级:按 {grade} 级条件", "Ungraded: grade {grade}'s terms apply"),
    "quote.list_amount": ("标价金额 {amount}", "List amount {amount}"),
    "quote.discount": ("优惠 {pct}% = {amount}", "Discount {pct}% = {amount}"),
    "quote.amount": ("报价金额 {amount}", "Amount {amount}"),
    "quote.deposit": ("押金 {pct}% = {amount}", "Deposit {pct}% = {amount}"),
    "quote.payment": ("回款 {method},{days} 天", "Payment {method}, {days} days"),
    "quote.headroom": (
        "信用额度 {limit} − 应收 {owed} = 余量 {headroom}",
        "Credit limit {limit} − outstanding {owed} = headroom {headroom}",
    ),
    "quote.within": ("在信用额度内", "Within the credit limit"),
    "quote.over": ("超出信用额度 {excess}", "Over the credit limit by {excess}"),
    "quote.need_allow": (
        "报价超出信用额度 {excess};勾选「超出信用额度仍记录」后再记录,或减少数量",
        "The quote is over the credit limit by {excess}: tick "
        "'Record even over the credit limit' to record it, or quote less",
    ),
    "quote.recorded": ("报价已记入 {id} 的历史", "Quote recorded in {id}'s history"),
}


# The tabs that show one section of the document are named as the field catalogue names it.
TAB_SECTIONS = {
    "person": "profile.person",
    "characteristics": "characteristics",
    "business": "business",
    "trading": "trading",
    "leases": "leases",
    "assessment": "assessment",
    "sources": "sources",
}
TEXTS["quote.item"] = (field_catalogue()["leases[].item"].label.zh,
                      field_catalogue()["leases[].item"].label.en)  # fmt: skip
TEXTS.update(
    {
        f"tab.{tab}": (label.zh, label.en)
        for tab, key in TAB_SECTIONS.items()
        for label in (field_catalogue()[key].label,)
    }
)


def tr(lang: str, key: str, **values: Any) -> str:
    """The text for ``key`` in ``lang`` (``zh`` or ``en``), with ``values`` filled in.

    Args:
        lang: ``zh`` or ``en``; anything else falls back to English.
        key: A key of the shared catalogue or of ``TEXTS``.
        **values: Placeholders to fill with ``str.format``.

    Returns:
        The text; the key itself when no catalogue knows it, so a gap shows instead of crashing.
    """
    pair = SHARED.get(key) or TEXTS.get(key)
    if pair is None:
        return key.format(**values) if values else key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**values) if values else text
