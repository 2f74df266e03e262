"""The produce payout slip and the day's cash book, as text (docs/design.md §4.11)."""

from __future__ import annotations

from catalog.money import yuan
from db.books import produce
from db.store.ids import human
from pos.i18n import _


def payout_text(slip: produce.PayoutSlip) -> str:
    lines = [
        _("{station} 代销付款单 {number}").format(station=slip.station, number=human(slip.id)),
        _("时间：{time}  经办：{operator}").format(time=slip.time, operator=slip.operator),
        _("农户：{name}（{number}）").format(name=slip.head_name, number=slip.household),
    ]
    for line in slip.lines:
        lines.append(
            _("  {lot} {item} {qty} {unit} × {price} 元 = {amount} 元").format(
                lot=human(line.lot),
                item=line.name,
                qty=line.sold,
                unit=line.unit,
                price=yuan(line.price_fen),
                amount=yuan(line.amount_fen),
            )
        )
    lines.append(_("合计付款：{amount} 元").format(amount=yuan(slip.amount_fen)))
    lines.append(_("农户签字：__________    经办人签字：__________"))
    return "\n".join(lines)


def close_text(sheet: produce.CloseSheet) -> str:
    if sheet.difference_fen < 0:
        verdict = _("短款 {amount} 元").format(amount=yuan(-sheet.difference_fen))
    elif sheet.difference_fen > 0:
        verdict = _("长款 {amount} 元").format(amount=yuan(sheet.difference_fen))
    else:
        verdict = _("账实相符")
    lines = [
        _("{station} 现金日记账 {day}").format(station=sheet.station, day=sheet.day),
        _("上日结存：{amount} 元").format(amount=yuan(sheet.opening_fen)),
        _("本日代销收入：{amount} 元").format(amount=yuan(sheet.sales_fen)),
        _("本日付给农户：{amount} 元").format(amount=yuan(sheet.payouts_fen)),
        _("账面应有：{amount} 元").format(amount=yuan(sheet.expected_fen)),
        _("实点现金：{amount} 元").format(amount=yuan(sheet.counted_fen)),
        _("差额：{verdict}").format(verdict=verdict),
    ]
    if sheet.note:
        lines.append(_("说明：{note}").format(note=sheet.note))
    lines.append(
        _("清点人：{operator}  签字：__________  {time}").format(
            operator=sheet.operator, time=sheet.time
        )
    )
    return "\n".join(lines)
