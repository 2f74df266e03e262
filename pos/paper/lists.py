"""The A4 lists a household or a village reads: the statement, the donors, the honour roll.

Each is drawn from the frozen view a service returned (db/books/statements, donor_list,
honour_roll) into an `a4.Document`, in the operator's language; names and goods are data.
`save` refuses (before any file is made) when there is no Chinese font.
"""

from __future__ import annotations

from pathlib import Path

from catalog.messages import Refused
from db.books.corrections import KIND_NAMES
from db.books.donor_list import DonorList
from db.books.honour_roll import HonourRoll
from db.books.statements import Statement
from db.store.ids import human
from pos.i18n import _
from pos.paper.a4 import Column, Document


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _check_out(out: Path) -> None:
    if out.suffix.lower() != ".pdf":
        raise Refused("输出文件应以 .pdf 结尾，而不是 {name}", name=out.name)


def statement_pdf(st: Statement, out: Path) -> Path:
    _check_out(out)
    h = st.household
    doc = Document(_("积分对账单"))
    doc.heading(_("积分对账单"))
    doc.line(st.station, align="C")
    doc.space(2)
    period = st.start or _("建档起")
    doc.line(_("户号：{number}    户主：{name}").format(number=h.number, name=h.head_name))
    doc.line(_("村：{township}{village}").format(township=h.township, village=h.village))
    doc.line(_("期间：{start} 至 {end}").format(start=period, end=st.end))
    doc.line(_("期初余额：{points} 分").format(points=st.opening), bold=True)
    doc.space(2)
    columns = (
        Column(_("时间"), 2.2),
        Column(_("类别"), 1.0),
        Column(_("项目或商品"), 3.6),
        Column(_("数量"), 0.8, "R"),
        Column(_("积分"), 1.0, "R"),
        Column(_("余额"), 1.0, "R"),
    )
    rows = [
        (
            ln.time[:16],
            _(KIND_NAMES.get(ln.kind, ln.kind)),
            ln.what,
            ln.qty,
            f"{ln.points:+d}",
            ln.balance,
        )  # fmt: skip
        for ln in st.lines
    ]
    if rows:
        doc.table(columns, rows)
    else:
        doc.line(_("本期没有积分变动。"))
    doc.line(
        _("本期获得 {earned} 分，支出 {spent} 分；期末余额：{closing} 分").format(
            earned=st.earned, spent=st.spent, closing=st.closing
        ),
        bold=True,
    )
    doc.signatures((_("户主签字："), _("经办人签字："), _("日期：")))
    doc.footer(_("{station} · 制表时间 {time}").format(station=st.station, time=st.made))
    return doc.save(out)


def donors_pdf(gifts: DonorList, out: Path) -> Path:
    _check_out(out)
    doc = Document(_("爱心捐赠公示"))
    doc.heading(_("爱心捐赠公示"))
    doc.line(_("{station} · {month}").format(station=gifts.station, month=gifts.month), align="C")
    doc.space(2)
    doc.line(_("衷心感谢以下爱心人士和单位的捐赠！捐赠物资全部用于积分兑换。"))
    doc.space(2)
    columns = (
        Column(_("日期"), 1.3),
        Column(_("捐赠方"), 2.2),
        Column(_("捐赠物品"), 4.0),
        Column(_("估价（元）"), 1.3, "R"),
        Column(_("收据号"), 2.0),
    )
    rows = []
    for ln in gifts.lines:
        given = [f"{name} ×{qty} {unit}" for name, qty, unit in ln.goods]
        if ln.cash_fen:
            given.append(_("现金 {amount} 元").format(amount=yuan(ln.cash_fen)))
        value = yuan(ln.value_fen) if ln.value_fen else ""
        rows.append((ln.day, ln.donor, "、".join(given), value, human(ln.receipt)))
    if rows:
        doc.table(columns, rows)
    else:
        doc.line(_("本月没有收到捐赠。"))
    doc.line(
        _("本月共 {count} 笔捐赠，来自 {donors} 位捐赠方，估价合计 {amount} 元。").format(
            count=len(gifts.lines), donors=gifts.donors, amount=yuan(gifts.value_fen)
        ),
        bold=True,
    )
    doc.signatures((_("站长签字："), _("公示日期：")))
    doc.footer(_("{station} · 制表时间 {time}").format(station=gifts.station, time=gifts.made))
    return doc.save(out)


def roll_pdf(roll: HonourRoll, out: Path) -> Path:
    _check_out(out)
    v = roll.village
    doc = Document(_("积分光荣榜"))
    doc.heading(_("积分光荣榜"))
    doc.line(
        _("{township}{village} · {month}").format(
            township=v.township, village=v.name, month=roll.month
        ),
        align="C",
    )
    doc.space(2)
    columns = (
        Column(_("名次"), 0.8, "C"),
        Column(_("户号"), 2.0),
        Column(_("户主"), 2.0),
        Column(_("本月得分"), 1.2, "R"),
        Column(_("记分次数"), 1.2, "R"),
    )
    rows = [(ln.rank, ln.household, ln.head_name, ln.points, ln.entries) for ln in roll.lines]
    if rows:
        doc.table(columns, rows)
    else:
        doc.line(_("本月没有记分。"))
    doc.line(
        _("本月 {households} 户共获得 {points} 分。").format(
            households=roll.earning, points=roll.earned
        )
    )
    if roll.deduction_entries:
        doc.line(
            _("本月扣分 {entries} 次，涉及 {households} 户，共 {points} 分。").format(
                entries=roll.deduction_entries,
                households=roll.deduction_households,
                points=roll.deduction_points,
            )
        )
    if roll.named_deductions:
        doc.space(2)
        doc.line(_("扣分户"), bold=True)
        doc.table(
            (
                Column(_("户号"), 2.0),
                Column(_("户主"), 2.0),
                Column(_("扣分"), 1.2, "R"),
                Column(_("次数"), 1.2, "R"),
            ),  # fmt: skip
            [(ln.household, ln.head_name, ln.points, ln.entries) for ln in roll.named_deductions],
        )
    doc.signatures((_("村委会（盖章）："), _("日期：")))
    doc.footer(_("{station} · 制表时间 {time}").format(station=roll.station, time=roll.made))
    return doc.save(out)
