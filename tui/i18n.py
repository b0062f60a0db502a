"""Interface text of the terminal UI in Simplified Chinese and English, and the default language.

Policy labels (grades, natures, tiers, items, privileges) are never translated: they are shown
as compliance wrote them in the policy file.
"""

from __future__ import annotations

from typing import Any

from creditfile.document import field_catalogue
from creditfile.presentation.language import LANGS, default_lang, resolve_lang

__all__ = ["LANGS", "TEXTS", "default_lang", "resolve_lang", "t"]

# key: (zh, en)
TEXTS: dict[str, tuple[str, str]] = {
    # app and screens
    "app.title": ("客户信用档案", "Customer credit archive"),
    "screen.list": ("客户列表", "Customers"),
    "screen.portfolio": ("客户构成", "Portfolio"),
    "screen.policy": ("信用政策", "Policy"),
    "screen.review": ("待复评", "Review"),
    "screen.regrade": ("重新评级预览", "Regrade preview"),
    "screen.help": ("按键说明", "Keys"),
    "loading": ("正在读取档案 {path} …", "Reading the archive {path} …"),
    "loaded": ("已读取 {n} 位客户,用时 {s} 秒", "Read {n} customers in {s} s"),
    "load.failed": ("无法打开档案:{error}", "Cannot open the archive: {error}"),
    "load.progress": (
        "正在读取档案 {path}:已读 {done} / {total} 位客户",
        "Reading the archive {path}: {done} / {total} customers read",
    ),
    "load.wait": (
        "仍在读取档案({percent}%),读完后即可搜索、筛选和打开客户",
        "Still reading the archive ({percent}%): search, filters and cards open once it is read",
    ),
    "load.indexing": ("正在建立拼音检索 …", "Building the pinyin search …"),
    "card.unavailable": ("客户卡片暂不可用", "The customer card is not available"),
    # list columns (the customer's own fields: see FIELD_COLUMNS below)
    "col.tier": ("层级", "Tier"),
    "col.grade": ("等级", "Grade"),
    "col.total": ("总分", "Total"),
    "col.lifecycle": ("类别", "Lifecycle"),
    "col.stage": ("交易阶段", "Stage"),
    "col.assessed": ("最近评估", "Assessed"),
    "col.attention": ("关注", "Attn"),
    # values the policy does not label
    "lifecycle.established": ("老客户", "established"),
    "lifecycle.new": ("新客户", "new"),
    "lifecycle.prospective": ("未来客户", "prospective"),
    "stage.current": ("正在交易", "current"),
    "stage.past": ("曾经交易", "past"),
    "stage.upcoming": ("即将交易", "upcoming"),
    "grade.none": ("未评级", "ungraded"),
    "portfolio.unknown": ("未知", "unknown"),
    "grade.short_none": ("未评级", "none"),
    "attention.yes": ("需关注", "needs attention"),
    "attention.no": ("无需关注", "no attention needed"),
    # status line
    "status.shown": ("显示 {shown} / 共 {total}", "{shown} / {total} shown"),
    "status.search": ("搜索“{text}”", "search “{text}”"),
    "status.sorted": ("按{column}{direction}", "sorted by {column} {direction}"),
    "status.asc": ("升序", "ascending"),
    "status.desc": ("降序", "descending"),
    "status.filters": ("筛选:{filters}", "filters: {filters}"),
    "status.nothing": (
        "没有符合条件的客户(Esc 清除搜索,f 修改筛选)",
        "No customer matches (Esc clears the search, f changes the filters)",
    ),
    "search.placeholder": (
        "搜索编号、名称、电话、联系人或拼音(如 whhd、hongda)",
        "Search id, name, phone, contact or pinyin (e.g. whhd, hongda)",
    ),
    # filters
    "filters.title": ("筛选客户", "Filter customers"),
    "filters.apply": ("应用", "Apply"),
    "filters.clear": ("全部清除", "Clear all"),
    "filters.cancel": ("取消", "Cancel"),
    "filters.hint": (
        "空格勾选,Tab 切换分组,回车应用,Esc 取消",
        "Space ticks, Tab moves between groups, Enter applies, Esc cancels",
    ),
    # the customer card: asking before a destructive key
    "lease.cancel_title": ("取消租赁 {contract}?", "Cancel lease {contract}?"),
    "lease.cancel_body": (
        "租赁 {contract} 将标记为已取消:仍保留在档案中,但不再计入累计租赁额。保存后生效。",
        "Lease {contract} will be marked cancelled: it stays on file but no longer counts "
        "towards the cumulative lease amount. It takes effect when the card is saved.",
    ),
    "lease.cancel_keep": ("不取消", "Keep the lease"),
    "lease.cancel_yes": ("取消该租赁", "Cancel the lease"),
    "switch.unsaved": (
        "卡片有未保存的修改:先保存(Ctrl+S)或返回(Esc)再切换页面",
        "The card has unsaved changes: save (Ctrl+S) or leave it (Esc) before switching screens",
    ),
    # key descriptions
    "key.search": ("搜索", "Search"),
    "key.filters": ("筛选", "Filters"),
    "key.sort": ("排序列", "Sort column"),
    "key.sort_reverse": ("反向排序", "Reverse sort"),
    "key.down": ("下移", "Down"),
    "key.up": ("上移", "Up"),
    "key.top": ("到顶部", "Top"),
    "key.bottom": ("到底部", "Bottom"),
    "key.page_up": ("上一页", "Page up"),
    "key.page_down": ("下一页", "Page down"),
    "key.open": ("打开", "Open"),
    "key.edit": ("编辑", "Edit"),
    "key.new": ("新建客户", "New customer"),
    "key.regrade": ("重新评级", "Regrade"),
    "key.export": ("导出所列", "Export list"),
    "export.done": (
        "已导出 {n} 位客户(当前筛选与排序,不含个人信息)到 {path}",
        "Exported {n} customers (as filtered and sorted, no personal data) to {path}",
    ),
    "export.failed": ("导出失败:{error}", "Export failed: {error}"),
    "export.name": ("客户列表", "customers"),
    "key.screen_list": ("客户列表", "Customers"),
    "key.screen_portfolio": ("客户构成", "Portfolio"),
    "key.screen_policy": ("信用政策", "Policy"),
    "key.screen_review": ("待复评", "Review"),
    "key.help": ("按键说明", "Keys"),
    "key.palette": ("命令面板", "Commands"),
    "key.quit": ("退出", "Quit"),
    "key.back": ("返回", "Back"),
    "key.confirm": ("确认执行", "Apply"),
    "key.cancel": ("取消", "Cancel"),
    "key.reload": ("重新载入", "Reload"),
    "key.by": ("下一维度", "Next view"),
    "key.prev_view": ("上一维度", "Previous view"),
    "key.reload_archive": ("重新读取档案", "Reload the archive"),
    "archive.changed": (
        "档案已被其他人修改,按 ctrl+r 重新读取",
        "The archive was changed elsewhere; press ctrl+r to reload it",
    ),
    # regrade
    "regrade.computing": (
        "正在按政策 {version} 计算 {n} 位客户的评级(不写入)…",
        "Grading {n} customers under policy {version} (nothing is written) …",
    ),
    "regrade.heading": (
        "按政策 {version}({sha})于 {as_of} 重新评级 {n} 位客户",
        "Regrade of {n} customers under policy {version} ({sha}) as of {as_of}",
    ),
    "regrade.counts": ("各等级客户数", "Customers per grade"),
    "regrade.before": ("现在", "now"),
    "regrade.after": ("评级后", "after"),
    "regrade.matrix": ("等级迁移(行:现在 → 列:评级后)", "Migration (rows: now → columns: after)"),
    "regrade.changes": ("等级变化的客户({n} 位)", "Customers whose grade changes ({n})"),
    "regrade.no_changes": ("没有客户的等级会改变。", "No customer's grade would change."),
    "regrade.confirm_hint": (
        "y 执行重新评级并写入档案 · Esc 取消(档案不变)· Enter 打开所选客户 · Tab 到按钮",
        "y regrades and writes the archive · Esc cancels (nothing written) · Enter opens the "
        "customer · Tab to the buttons",
    ),
    "regrade.apply": ("执行重新评级", "Regrade now"),
    "regrade.cancel": ("取消", "Cancel"),
    "regrade.apply_key": ("执行重新评级 (y)", "Regrade now (y)"),
    "regrade.cancel_key": ("取消 (Esc)", "Cancel (Esc)"),
    "regrade.more": ("另有 {n} 位未列出", "{n} more not listed"),
    "regrade.applying": ("正在重新评级 …({phase})", "Regrading … ({phase})"),
    "regrade.phase.reading": ("读取", "reading"),
    "regrade.phase.grading": ("评级", "grading"),
    "regrade.phase.writing": ("写入", "writing"),
    "regrade.phase.done": ("完成", "done"),
    "regrade.done": (
        "重新评级完成:{n} 位客户,{changes} 位等级变化",
        "Regrade done: {n} customers, {changes} grade changes",
    ),
    "regrade.cancelled": (
        "已取消重新评级,档案未改动",
        "Regrade cancelled; the archive is unchanged",
    ),
    "regrade.failed": (
        "重新评级失败,档案未改动:{error}",
        "The regrade failed; the archive is unchanged: {error}",
    ),
    "regrade.busy": ("重新评级进行中,请稍候", "A regrade is running; please wait"),
    "regrade.new_row": ("新进入", "new"),
    "regrade.none_row": ("未评级", "ungraded"),
    "regrade.never": ("从未评级", "never graded"),
    # portfolio
    "portfolio.by": ("维度:{by}", "By {by}"),
    "portfolio.by.grade": ("信用等级", "grade"),
    "portfolio.by.item": ("租赁物类别", "leased-item category"),
    "portfolio.by.nature": ("客户性质", "nature"),
    "portfolio.by.tier": ("客户层级", "tier"),
    "portfolio.customers": ("客户数占比", "Share of customers"),
    "portfolio.amount": ("累计租赁额占比", "Share of cumulative lease amount"),
    "portfolio.leases": ("租赁笔数占比", "Share of leases"),
    "portfolio.item_amount": ("租赁额占比", "Share of lease amount"),
    "portfolio.total": (
        "合计:{customers} 位客户,累计租赁额 {amount} 元",
        "Total: {customers} customers, cumulative lease amount CNY {amount}",
    ),
    "portfolio.item_total": (
        "合计:{leases} 笔租赁,金额 {amount} 元",
        "Total: {leases} leases, amount CNY {amount}",
    ),
    "portfolio.hint": (
        "b 或 → 下一维度,B 或 ← 上一维度:等级、租赁物、性质、层级",
        "b or → shows the next view, B or ← the previous: grade, leased item, nature, tier",
    ),
    # policy
    "policy.version": ("版本", "Version"),
    "policy.name": ("名称", "Name"),
    "policy.effective": ("生效日期", "Effective from"),
    "policy.hash": ("SHA-256", "SHA-256"),
    "policy.file": ("文件", "File"),
    "policy.origin": ("来源", "Source"),
    "policy.origin.option": ("--policy 参数", "the --policy option"),
    "policy.origin.environment": ("环境变量 CREDITFILE_POLICY", "$CREDITFILE_POLICY"),
    "policy.origin.archive": ("档案中已启用的政策", "the archive's activated policy"),
    "policy.origin.default": ("系统默认政策", "the shipped default policy"),
    "policy.items": ("评分项目与权重", "Scoring items and weights"),
    "policy.thresholds": ("等级门槛", "Grade thresholds"),
    "policy.privileges": ("各等级待遇", "Privileges per grade"),
    "policy.tiers": ("客户层级", "Tiers"),
    "policy.overrides": ("调整规则", "Overrides"),
    "policy.no_overrides": ("(无)", "(none)"),
    "policy.rounding": ("保留 {n} 位小数,四舍五入", "{n} decimal places, rounded half-up"),
    "policy.below": ("低于 {score} 分", "below {score}"),
    "policy.at_least": ("{score} 分及以上", "{score} or more"),
    "policy.otherwise": ("其余", "otherwise"),
    "policy.disk_ok": (
        "磁盘上的文件校验通过,与当前政策一致",
        "The file on disk validates and is the policy in force",
    ),
    "policy.disk_changed": (
        "磁盘上的文件校验通过,但已修改:按 r 重新载入",
        "The file on disk validates but was changed: press r to reload",
    ),
    "policy.disk_changed_archive": (
        "磁盘上的文件已修改,与档案中启用的政策不同:用 creditfile policy activate {path} 启用",
        "The file on disk differs from the archive's activated policy: "
        "run creditfile policy activate {path} to use it",
    ),
    "policy.disk_bad": (
        "磁盘上的文件不能通过校验({n} 个问题),仍使用已载入的政策:",
        "The file on disk does not validate ({n} problems); the loaded policy stays in force:",
    ),
    "policy.disk_none": (
        "政策保存在档案中,没有可检查的文件",
        "The policy is stored in the archive; there is no file to check",
    ),
    "policy.reloaded": ("已重新载入政策 {version}", "Policy {version} reloaded"),
    "policy.reload_failed": (
        "政策文件有错误,未重新载入",
        "The policy file has errors; not reloaded",
    ),
    "policy.col.key": ("键名", "key"),
    "policy.hint": (
        "↑↓ PgUp PgDn 翻阅 · r 重新读取政策文件 · Esc 返回客户列表",
        "↑↓ PgUp PgDn scroll · r reloads the policy file · Esc back to the list",
    ),
    "policy.col.item": ("项目", "Item"),
    "policy.col.weight": ("权重", "Weight"),
    "policy.col.method": ("计分方法", "Method"),
    "policy.col.grade": ("等级", "Grade"),
    "policy.col.label": ("名称", "Label"),
    "policy.col.min": ("最低分", "Minimum"),
    "policy.col.when": ("条件", "When"),
    "policy.col.effect": ("效果", "Effect"),
    "policy.method.manual": ("业务员评分", "entered by sales"),
    "policy.method.relative_to_max": (
        "按最高额折算(新客户 {points} 分)",
        "relative to the highest (new customers {points})",
    ),
    # review
    "review.heading": (
        "待复评客户 {n} 位,最紧急的在前",
        "{n} customers due for review, most urgent first",
    ),
    "review.none": ("目前没有需要复评的客户", "No customer is due for review"),
    "review.col.rank": ("序号", "#"),
    "review.col.id": ("编号", "Id"),
    "review.col.grade": ("等级", "Grade"),
    "review.col.reason": ("最紧急的原因", "Most urgent"),
    "review.col.how_much": ("超出多少", "By how much"),
    "review.over": ("超出 {amount} 元", "CNY {amount} over"),
    "review.days": ("超期 {days} 天", "{days} days late"),
    "review.hint": (
        "↑↓ 选择客户(下方列出全部原因) · Enter 打开客户卡片 · Esc 返回客户列表",
        "↑↓ choose (every reason is listed below) · Enter opens the customer's card · "
        "Esc back to the list",
    ),
    # command palette
    "palette.keys": ("按键 {keys}", "keys {keys}"),
    "palette.keys_in": ("{where}页面按 {keys}", "{keys} on the {where} screen"),
    "palette.policy_reload": ("重新载入信用政策", "Reload the policy"),
    "palette.builtin.theme": ("配色主题", "Theme"),
    "palette.builtin.theme.help": ("更换界面配色", "Change the colours of the interface"),
    "palette.builtin.screenshot": ("截图", "Screenshot"),
    "palette.builtin.screenshot.help": (
        "把当前画面保存为 SVG 图片",
        "Save the screen as an SVG picture",
    ),
    "palette.builtin.maximize": ("最大化", "Maximize"),
    "palette.builtin.maximize.help": ("最大化当前部件", "Maximize the focused widget"),
    "palette.builtin.minimize": ("还原", "Minimize"),
    "palette.builtin.minimize.help": ("还原为正常大小", "Restore the normal size"),
    # help
    "help.heading": ("按键(可在 {path} 中修改)", "Keys (change them in {path})"),
    "help.col.where": ("位置", "Where"),
    "help.col.key": ("按键", "Key"),
    "help.where.focus": ("表单与对话框", "Forms, dialogs"),
    "help.where.app": ("所有页面", "Everywhere"),
    "help.where.list": ("客户列表", "Customer list"),
    "help.where.table": ("列表中移动", "In the list"),
    "help.where.card": ("客户卡片", "Customer card"),
    "help.where.filters": ("筛选对话框", "Filter dialog"),
    "help.where.regrade": ("重新评级预览", "Regrade preview"),
    "help.where.portfolio": ("客户构成", "Portfolio"),
    "help.where.policy": ("信用政策", "Policy"),
    "help.where.screen": ("构成、政策、复评", "Other screens"),
    "help.where.help": ("本按键列表", "This list"),
    "help.focus_next": ("下一个字段或按钮", "Next field or button"),
    "help.focus_previous": ("上一个字段或按钮", "Previous field or button"),
    "help.field_next": ("表单中:下一个字段", "In a form: next field"),
    "help.field_previous": ("表单中:上一个字段", "In a form: previous field"),
    "help.col.action": ("功能", "Action"),
    "help.col.id": ("绑定编号", "Binding id"),
    "help.mouse": (
        "Esc、F1、? 或 q 关闭本页。也可以用鼠标:单击选中,双击打开,滚轮翻页。",
        "Esc, F1, ? or q closes this list. The mouse works too: click selects, double-click "
        "opens, the wheel scrolls.",
    ),
    "keymap.bad": ("按键配置有误,已忽略:{error}", "Key configuration ignored: {error}"),
}


# The list's columns that show a customer field, headed by the field catalogue's short labels.
FIELD_COLUMNS = ("id", "name", "nature")
TEXTS.update(
    {
        f"col.{key}": (field.short.zh, field.short.en)
        for key in FIELD_COLUMNS
        for field in (field_catalogue()[key],)
    }
)


def t(lang: str, key: str, **values: Any) -> str:
    """The text for ``key`` in ``lang`` with ``values`` filled in.

    Args:
        lang: ``zh`` or ``en``; anything else is English.
        key: A key of ``TEXTS``.
        **values: Placeholders for ``str.format``.

    Returns:
        The text; the key itself for an unknown key, so a gap shows instead of a crash.
    """
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**values) if values else text
