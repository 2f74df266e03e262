"""Produce micro-sales for cash (自产农产品微销售) and the shop's cash book (docs/design.md §4.11).

A household's produce is taken in on consignment as a lot at an agreed price per unit; parts of
it are sold for cash; the household is paid, against a slip both sign, what its sold lots
earned and it was not yet paid. Money is integer fen, in tables of its own, never points.
Every sale puts its amount into the cash book and every payout takes its amount out, in the
same transaction; a daily close counts the cash against the book and records the difference
as a move, so the next day starts from the cash that is there. Nothing is changed or deleted:
a wrong sale is reversed by one of the negated quantity.

Invariants (`problems` recomputes them for `aixin verify`): sold never above taken in nor
below nothing, per lot; paid never above earned, per lot; a sale's amount is its quantity ×
the lot's price; each sale, payout and non-zero close has exactly one cash move of its amount;
a close's expected cash is the sum of the station's moves before it.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.messages import N_, Finding, Message, Refused
from catalog.money import yuan
from db.books.auth import Actor, require
from db.books.households import require_active
from db.store import audit
from db.store.clock import Clock, stamp
from db.store.connection import database
from db.store.ids import human, next_id, next_ids, parse_human
from db.store.models import Household, Station
from db.store.produce_models import (
    CashClose,
    CashMove,
    ProduceLot,
    ProducePayout,
    ProducePayoutLine,
    ProduceSale,
)

MAX_QTY = 99_999
MAX_TEXT = 40


@dataclass(frozen=True)
class LotView:
    id: int
    household: str
    head_name: str
    name: str
    unit: str
    qty: int  # taken in
    sold: int
    price_fen: int
    earned_fen: int
    paid_fen: int
    time: str

    @property
    def left(self) -> int:
        return self.qty - self.sold

    @property
    def owed_fen(self) -> int:
        return self.earned_fen - self.paid_fen


@dataclass(frozen=True)
class SaleView:
    id: int
    lot: LotView  # as it stands after the sale
    qty: int
    amount_fen: int
    buyer: str
    cash_fen: int  # the cash book's balance after it
    time: str
    operator: str


@dataclass(frozen=True)
class PayoutLineView:
    lot: int
    name: str
    unit: str
    sold: int
    price_fen: int
    amount_fen: int


@dataclass(frozen=True)
class PayoutSlip:
    id: int
    station: str  # its name
    household: str
    head_name: str
    lines: tuple[PayoutLineView, ...]
    amount_fen: int
    time: str
    operator: str


@dataclass(frozen=True)
class CloseSheet:
    """A day of the cash book (现金日记账) and its close."""

    id: int
    station: str
    day: str
    opening_fen: int  # the book's balance when the day began
    sales_fen: int
    payouts_fen: int  # paid out, as a positive amount
    expected_fen: int
    counted_fen: int
    difference_fen: int  # counted - expected; below 0 a shortfall (短款), above an overage
    note: str
    operator: str
    time: str


def _text(value: str, what: str) -> str:
    value = " ".join(str(value).split())
    if not value:
        raise Refused("{what}不能为空", what=Message(what))
    if len(value) > MAX_TEXT:
        raise Refused("{what}最长 {most} 个字", what=Message(what), most=MAX_TEXT)
    return value


def _qty(qty: object) -> int:
    if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= MAX_QTY:
        raise Refused("数量应为 1 到 {most} 的整数，而不是“{qty}”", most=MAX_QTY, qty=qty)
    return qty


def lot_id(text: str) -> int:
    """A lot as typed: '451425-03-000001' as on slips, or the bare id."""
    text = str(text).strip()
    return int(text) if text.isdigit() else parse_human(text)


def cash_balance(station: str) -> int:
    """The station's cash book: the sum of its moves."""
    row = database.execute_sql(
        "SELECT COALESCE(SUM(amount_fen), 0) FROM cash_move WHERE station = ?", (station,)
    ).fetchone()
    return int(row[0])


def intake(
    actor: Actor,
    clock: Clock,
    household: str,
    name: str,
    unit: str,
    qty: int,
    price_fen: int,
) -> LotView:
    """Take a household's produce in on consignment at `price_fen` a unit."""
    require(actor, "produce")
    name, unit = _text(name, N_("品名")), _text(unit, N_("单位"))
    qty = _qty(qty)
    if isinstance(price_fen, bool) or not isinstance(price_fen, int) or price_fen <= 0:
        raise Refused("单价应为正的整数分")
    with database.atomic():
        now = clock.now()
        person = require_active(household)
        lot = ProduceLot.create(
            id=next_id(ProduceLot, actor.station),
            household=person.number,
            name=name,
            unit=unit,
            qty=qty,
            price_fen=price_fen,
            operator=actor.name,
            station=actor.station,
            time=stamp(now),
        )
        audit.record(
            actor.name,
            actor.station,
            now,
            "produce-intake",
            f"{human(lot.id)} {person.number} {name} {qty}{unit} × {price_fen} 分",
        )
    return lot_view(lot.id)


def sell(actor: Actor, clock: Clock, lot: int, qty: int, buyer: str = "") -> SaleView:
    """Sell `qty` units of `lot` for cash; the cash goes into the book."""
    require(actor, "produce")
    qty = _qty(qty)
    buyer = " ".join(str(buyer).split())
    if len(buyer) > MAX_TEXT:
        raise Refused("{what}最长 {most} 个字", what=Message(N_("买方")), most=MAX_TEXT)
    with database.atomic():
        now = clock.now()
        found = _lot(lot)
        _enough(found, qty)
        sale = _sale(actor, now, found, qty, buyer, None)
        audit.record(
            actor.name,
            actor.station,
            now,
            "produce-sale",
            f"{human(found.id)} {qty}{found.unit} {sale.amount_fen} 分 {buyer}".strip(),
        )
    return SaleView(
        sale.id,
        lot_view(found.id),
        qty,
        sale.amount_fen,
        buyer,
        cash_balance(actor.station),
        sale.time,
        actor.name,
    )


def check_sale(lot: int, qty: int) -> None:
    """Refuses, as `sell` would, selling `qty` units of `lot` now: asked before the buyer."""
    _enough(_lot(lot), _qty(qty))


def _enough(found: LotView, qty: int) -> None:
    if qty > found.left:
        raise Refused(
            "代销品 {lot}“{name}”只剩 {left} {unit}，卖不了 {qty} {unit}",
            lot=human(found.id),
            name=found.name,
            left=found.left,
            qty=qty,
            unit=found.unit,
        )


def reverse_sale(actor: Actor, clock: Clock, sale: int) -> SaleView:
    """A manager undoes a sale made in error: the quantity back on the lot, the cash out."""
    require(actor, "reverse")
    with database.atomic():
        now = clock.now()
        original = ProduceSale.get_or_none(ProduceSale.id == sale)
        if original is None or original.reverses_id is not None:
            raise Refused("代销单 {sale} 不存在", sale=human(sale))
        if ProduceSale.get_or_none(ProduceSale.reverses == sale) is not None:
            raise Refused("代销单 {sale} 已经冲正过", sale=human(sale))
        found = _lot(original.lot_id)
        if found.earned_fen - original.amount_fen < found.paid_fen:
            raise Refused("代销单 {sale} 的款已付给农户，不能冲正", sale=human(sale))
        if cash_balance(actor.station) < original.amount_fen:
            raise Refused("现金账上的钱不够退这笔款")
        undo = _sale(actor, now, found, -original.qty, original.buyer, original.id)
        audit.record(actor.name, actor.station, now, "produce-reversal", human(sale))
    return SaleView(
        undo.id,
        lot_view(found.id),
        -original.qty,
        undo.amount_fen,
        original.buyer,
        cash_balance(actor.station),
        undo.time,
        actor.name,
    )


def _sale(
    actor: Actor, now, lot: LotView, qty: int, buyer: str, reverses: int | None
) -> ProduceSale:
    sale = ProduceSale.create(
        id=next_id(ProduceSale, actor.station),
        lot=lot.id,
        qty=qty,
        price_fen=lot.price_fen,
        amount_fen=qty * lot.price_fen,
        buyer=buyer,
        reverses=reverses,
        operator=actor.name,
        station=actor.station,
        time=stamp(now),
    )
    CashMove.create(
        id=next_id(CashMove, actor.station),
        kind="sale",
        amount_fen=sale.amount_fen,
        sale=sale.id,
        operator=actor.name,
        station=actor.station,
        time=sale.time,
    )
    return sale


def payout(actor: Actor, clock: Clock, household: str) -> PayoutSlip:
    """Pay the household all its sold lots earned and it was not yet paid; the slip."""
    require(actor, "produce")
    with database.atomic():
        now = clock.now()
        number = household.strip().upper()
        person = Household.get_or_none(Household.number == number)
        if person is None:
            raise Refused("户号 {number} 不存在", number=household)
        owed = [lot for lot in lots(number) if lot.owed_fen > 0]
        total = sum(lot.owed_fen for lot in owed)
        if total == 0:
            raise Refused(
                "{name}（{number}）没有待付的代销款", name=person.head_name, number=number
            )
        cash = cash_balance(actor.station)
        if cash < total:
            raise Refused(
                "现金账上只有 {cash} 元，付不了 {total} 元",
                cash=yuan(cash),
                total=yuan(total),
            )
        paid = ProducePayout.create(
            id=next_id(ProducePayout, actor.station),
            household=number,
            amount_fen=total,
            operator=actor.name,
            station=actor.station,
            time=stamp(now),
        )
        ids = next_ids(ProducePayoutLine, actor.station, len(owed))
        ProducePayoutLine.insert_many(
            [
                {"id": i, "payout": paid.id, "lot": lot.id, "amount_fen": lot.owed_fen}
                for i, lot in zip(ids, owed, strict=True)
            ]
        ).execute()
        CashMove.create(
            id=next_id(CashMove, actor.station),
            kind="payout",
            amount_fen=-total,
            payout=paid.id,
            operator=actor.name,
            station=actor.station,
            time=paid.time,
        )
        audit.record(actor.name, actor.station, now, "produce-payout", f"{number} {total} 分")
        station = Station.get_by_id(actor.station).name
    return PayoutSlip(
        paid.id,
        station,
        number,
        person.head_name,
        tuple(
            PayoutLineView(
                lot.id,
                lot.name,
                lot.unit,
                lot.owed_fen // lot.price_fen,
                lot.price_fen,
                lot.owed_fen,
            )
            for lot in owed
        ),
        total,
        paid.time,
        actor.name,
    )


LOTS = (
    "SELECT l.id, l.household_id, h.head_name, l.name, l.unit, l.qty, l.price_fen, l.time, "
    "(SELECT COALESCE(SUM(s.qty), 0) FROM produce_sale s WHERE s.lot_id = l.id), "
    "(SELECT COALESCE(SUM(s.amount_fen), 0) FROM produce_sale s WHERE s.lot_id = l.id), "
    "(SELECT COALESCE(SUM(p.amount_fen), 0) FROM produce_payout_line p WHERE p.lot_id = l.id) "
    "FROM produce_lot l JOIN household h ON h.number = l.household_id "
)


def _view(row: tuple) -> LotView:
    number, household, head, name, unit, qty, price, time, sold, earned, paid = row
    return LotView(number, household, head, name, unit, qty, sold, price, earned, paid, time)


def lots(household: str | None = None) -> list[LotView]:
    """Every lot (of one household), oldest first."""
    if household is None:
        rows = database.execute_sql(LOTS + "ORDER BY l.id").fetchall()
    else:
        number = household.strip().upper()
        if Household.get_or_none(Household.number == number) is None:
            raise Refused("户号 {number} 不存在", number=household)
        sql = LOTS + "WHERE l.household_id = ? ORDER BY l.id"
        rows = database.execute_sql(sql, (number,)).fetchall()
    return [_view(row) for row in rows]


def lot_view(number: int) -> LotView:
    row = database.execute_sql(LOTS + "WHERE l.id = ?", (number,)).fetchone()
    if row is None:
        raise Refused("代销品 {lot} 不存在", lot=human(number) if number > 0 else number)
    return _view(row)


def _lot(number: int) -> LotView:
    return lot_view(number)


def close_day(actor: Actor, clock: Clock, counted_fen: int, note: str = "") -> CloseSheet:
    """Close today's cash book: `actor` counted `counted_fen` and signs for the difference."""
    require(actor, "produce")
    if isinstance(counted_fen, bool) or not isinstance(counted_fen, int) or counted_fen < 0:
        raise Refused("清点的现金应为不小于 0 的整数分")
    note = " ".join(str(note).split())
    with database.atomic():
        now = clock.now()
        day = stamp(now)[:10]
        if CashClose.get_or_none((CashClose.station == actor.station) & (CashClose.day == day)):
            raise Refused("{day} 的现金已经日结过", day=day)
        expected = cash_balance(actor.station)
        counted_to = database.execute_sql(
            "SELECT MAX(id) FROM cash_move WHERE station = ?", (actor.station,)
        ).fetchone()[0]
        close = CashClose.create(
            id=next_id(CashClose, actor.station),
            day=day,
            expected_fen=expected,
            counted_fen=counted_fen,
            difference_fen=counted_fen - expected,
            counted_to=counted_to,
            note=note,
            operator=actor.name,
            station=actor.station,
            time=stamp(now),
        )
        if close.difference_fen:
            CashMove.create(
                id=next_id(CashMove, actor.station),
                kind="close",
                amount_fen=close.difference_fen,
                close=close.id,
                operator=actor.name,
                station=actor.station,
                time=close.time,
            )
        audit.record(
            actor.name,
            actor.station,
            now,
            "cash-close",
            f"{day} 应有 {expected} 分，实点 {counted_fen} 分",
        )
    return close_sheet(actor.station, day)


def close_sheet(station: str, day: str) -> CloseSheet:
    """The day's cash book and its close, read back from the books."""
    close = CashClose.get_or_none((CashClose.station == station) & (CashClose.day == day))
    if close is None:
        raise Refused("{day} 还没有日结", day=day)
    start = f"{day} 00:00:00"
    opening, sales, payouts = database.execute_sql(
        "SELECT COALESCE(SUM(CASE WHEN time < ? THEN amount_fen END), 0), "
        "COALESCE(SUM(CASE WHEN time >= ? AND kind = 'sale' THEN amount_fen END), 0), "
        "COALESCE(SUM(CASE WHEN time >= ? AND kind = 'payout' THEN -amount_fen END), 0) "
        "FROM cash_move WHERE station = ? AND id <= ?",
        (start, start, start, station, close.counted_to or 0),
    ).fetchone()
    name = Station.get_or_none(Station.code == station)
    return CloseSheet(
        close.id,
        name.name if name else station,
        day,
        int(opening),
        int(sales),
        int(payouts),
        close.expected_fen,
        close.counted_fen,
        close.difference_fen,
        close.note,
        close.operator,
        close.time,
    )


# -- verify ----------------------------------------------------------------------------


def _finding(code: str, template: str, subject: object, **fields: object) -> Finding:
    return Finding(code, Message(template, **fields), subject=subject)


def problems() -> list[Finding]:
    """Every invariant of the produce and cash books, recomputed (for `aixin verify`)."""
    found = []
    for lot, qty, sold, earned, paid in database.execute_sql(
        "SELECT l.id, l.qty, COALESCE(s.qty, 0), COALESCE(s.amount, 0), COALESCE(p.amount, 0) "
        "FROM produce_lot l "
        "LEFT JOIN (SELECT lot_id, SUM(qty) AS qty, SUM(amount_fen) AS amount "
        "FROM produce_sale GROUP BY lot_id) s ON s.lot_id = l.id "
        "LEFT JOIN (SELECT lot_id, SUM(amount_fen) AS amount FROM produce_payout_line "
        "GROUP BY lot_id) p ON p.lot_id = l.id "
        "WHERE COALESCE(s.qty, 0) NOT BETWEEN 0 AND l.qty "
        "OR COALESCE(p.amount, 0) > COALESCE(s.amount, 0)"
    ):
        if not 0 <= sold <= qty:
            found.append(
                _finding(
                    "produce_oversold",
                    N_("代销品 {lot} 收了 {qty}，卖出 {sold}"),
                    lot,
                    lot=human(lot),
                    qty=qty,
                    sold=sold,
                )
            )
        else:
            found.append(
                _finding(
                    "produce_overpaid",
                    N_("代销品 {lot} 卖得 {earned} 分，已付 {paid} 分"),
                    lot,
                    lot=human(lot),
                    earned=earned,
                    paid=paid,
                )
            )
    for (sale,) in database.execute_sql(
        "SELECT s.id FROM produce_sale s LEFT JOIN produce_lot l ON l.id = s.lot_id "
        "WHERE l.id IS NULL OR s.price_fen <> l.price_fen OR s.amount_fen <> s.qty * l.price_fen "
        "OR (s.station = (SELECT value FROM setting WHERE name = 'station') AND NOT EXISTS "
        "(SELECT 1 FROM cash_move m WHERE m.sale_id = s.id AND m.kind = 'sale' "
        "AND m.amount_fen = s.amount_fen))"
    ):
        found.append(
            _finding(
                "produce_sale",
                N_("代销单 {sale} 的金额与代销品单价或现金账不符"),
                sale,
                sale=human(sale),
            )
        )
    for (paid,) in database.execute_sql(
        "SELECT p.id FROM produce_payout p WHERE p.amount_fen <> COALESCE((SELECT SUM(amount_fen) "
        "FROM produce_payout_line WHERE payout_id = p.id), 0) "
        "OR EXISTS (SELECT 1 FROM produce_payout_line pl JOIN produce_lot l ON l.id = pl.lot_id "
        "WHERE pl.payout_id = p.id AND l.household_id <> p.household_id) "
        "OR (p.station = (SELECT value FROM setting WHERE name = 'station') AND NOT EXISTS "
        "(SELECT 1 FROM cash_move m WHERE m.payout_id = p.id AND m.kind = 'payout' "
        "AND m.amount_fen = -p.amount_fen))"
    ):
        found.append(
            _finding(
                "produce_payout",
                N_("付款单 {payout} 与它的明细、农户或现金账不符"),
                paid,
                payout=human(paid),
            )
        )
    for close, day, expected, difference, total, moved in database.execute_sql(
        "SELECT c.id, c.day, c.expected_fen, c.difference_fen, (SELECT COALESCE(SUM(m.amount_fen), "
        "0) FROM cash_move m WHERE m.station = c.station AND m.id <= COALESCE(c.counted_to, 0)), "
        "(SELECT COALESCE(SUM(m.amount_fen), 0) FROM cash_move m WHERE m.close_id = c.id) "
        "FROM cash_close c WHERE c.station = (SELECT value FROM setting WHERE name = 'station')"
    ):
        if total != expected or moved != difference:
            found.append(
                _finding(
                    "cash_close",
                    N_("{day} 的日结记应有 {expected} 分，现金账合计 {total} 分"),
                    close,
                    day=day,
                    expected=expected,
                    total=total,
                )
            )
    for (move,) in database.execute_sql(
        "SELECT id FROM cash_move WHERE (kind = 'sale') <> (sale_id IS NOT NULL) "
        "OR (kind = 'payout') <> (payout_id IS NOT NULL) "
        "OR (kind = 'close') <> (close_id IS NOT NULL)"
    ):
        found.append(
            _finding("cash_move", N_("现金账 {move} 的类型与来源不符"), move, move=human(move))
        )
    return found
