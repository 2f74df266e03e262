"""The produce payout slip (a slip's rows) and the day's cash book (text), docs/design.md §4.11."""

from __future__ import annotations

from catalog.money import yuan
from db.books import produce
from db.store.ids import human
from pos.i18n import _
from pos.paper.slips import RULE, Row, header


def payout_rows(slip: produce.PayoutSlip) -> list[Row]:
    """The payout slip (代销付款单) a household signs for its cash: a slip's rows."""
    rows = header(_("代销付款单"), slip.station, slip.id, slip.time)
    rows += [(_("户号"), slip.household), (_("户主"), slip.head_name), RULE]
    for line in slip.lines:
        rows.append((f"{human(line.lot)} {line.name}", ""))
        rows.append(
            (
                _("  {qty} {unit} × {price} 元").format(
                    qty=line.sold, unit=line.unit, price=yuan(line.price_fen)
                ),
                _("{amount} 元").format(amount=yuan(line.amount_fen)),
            )
        )
    return rows + [
        RULE,
        (_("合计付款"), _("{amount} 元").format(amount=yuan(slip.amount_fen))),
        (_("经办"), slip.operator),
        ("", ""),
        (_("农户签字：") + "_" * 12, ""),
        (_("经办人签字：") + "_" * 12, ""),
    ]


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
