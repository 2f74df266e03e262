"""What the county checks of a month file's produce sold for cash (docs/design.md §14.2) against
its own books: lots of households the county has, sales of the station's own lots at their
price, never more sold than taken in nor more paid than earned (the file's rows and the
county's together), payouts for the household's own lots. File staged as `f`, inside the
merge's write transaction.
"""

from __future__ import annotations

from catalog.messages import N_
from db.county.catalog_checks import Found, problem
from db.store.dialect import same
from db.store.ids import human

# A lot as the county will hold it once the file is in: the file's rows or the county's.
LOTS = "(SELECT id, household_id, qty, price_fen FROM f.produce_lot UNION SELECT id, household_id, qty, price_fen FROM produce_lot WHERE id >= :low AND id < :high)"  # noqa: E501
SALES = "(SELECT id, lot_id, qty, amount_fen FROM f.produce_sale UNION SELECT id, lot_id, qty, amount_fen FROM produce_sale WHERE id >= :low AND id < :high)"  # noqa: E501
PAID = "(SELECT id, lot_id, amount_fen FROM f.produce_payout_line UNION SELECT id, lot_id, amount_fen FROM produce_payout_line WHERE id >= :low AND id < :high)"  # noqa: E501


def check(found: Found, p: dict) -> None:
    """Produce sold for cash: lots of households the county has, sales of the station's own
    lots at their price, never more sold than taken in nor more paid than earned (the file's
    rows and the county's together), payouts for the household's own lots."""
    found.gather(
        "SELECT l.id, l.household_id FROM f.produce_lot AS l WHERE NOT EXISTS "
        "(SELECT 1 FROM household AS h WHERE h.number = l.household_id) ORDER BY l.id",
        p,
        lambda r: problem(
            "produce_household",
            N_("代销品 {lot} 的户 {household} 不在县花名册里"),
            r[0],
            lot=human(r[0]),
            household=r[1],
        ),
    )
    found.gather(
        f"SELECT s.id FROM f.produce_sale AS s LEFT JOIN {LOTS} AS l ON l.id = s.lot_id "  # noqa: S608
        "WHERE l.id IS NULL OR s.price_fen <> l.price_fen OR s.lot_id < :low OR "
        "s.lot_id >= :high ORDER BY s.id",
        p,
        lambda r: problem(
            "sale_lot",
            N_("代销单 {sale} 卖的不是本站收的代销品，或单价不符"),
            r[0],
            sale=human(r[0]),
        ),
    )
    found.gather(
        f"SELECT l.id, l.qty, s.sold FROM {LOTS} AS l JOIN (SELECT lot_id, SUM(qty) AS sold "  # noqa: S608
        f"FROM {SALES} AS x GROUP BY lot_id) AS s ON s.lot_id = l.id "
        "WHERE l.id IN (SELECT lot_id FROM f.produce_sale) AND s.sold NOT BETWEEN 0 AND l.qty "
        "ORDER BY l.id",
        p,
        lambda r: problem(
            "produce_oversold",
            N_("代销品 {lot} 收了 {qty}，卖出 {sold}"),
            r[0],
            lot=human(r[0]),
            qty=r[1],
            sold=r[2],
        ),
    )
    found.gather(
        "SELECT pl.id FROM f.produce_payout_line AS pl JOIN f.produce_payout AS po "  # noqa: S608
        f"ON po.id = pl.payout_id LEFT JOIN {LOTS} AS l ON l.id = pl.lot_id "
        f"WHERE NOT {same('l.household_id', 'po.household_id')} ORDER BY pl.id",
        p,
        lambda r: problem(
            "payout_lot", N_("付款明细 {line} 付的不是该户的代销品"), r[0], line=human(r[0])
        ),
    )
    found.gather(
        f"SELECT p.lot_id, p.paid, COALESCE(s.earned, 0) FROM (SELECT lot_id, SUM(amount_fen) "  # noqa: S608
        f"AS paid FROM {PAID} AS x GROUP BY lot_id) AS p LEFT JOIN (SELECT lot_id, "
        f"SUM(amount_fen) AS earned FROM {SALES} AS x GROUP BY lot_id) AS s ON s.lot_id = p.lot_id "
        "WHERE p.lot_id IN (SELECT lot_id FROM f.produce_payout_line UNION SELECT lot_id "
        "FROM f.produce_sale) AND p.paid > COALESCE(s.earned, 0) ORDER BY p.lot_id",
        p,
        lambda r: problem(
            "produce_overpaid",
            N_("代销品 {lot} 卖得 {earned} 分，已付 {paid} 分"),
            r[0],
            lot=human(r[0]),
            earned=r[2],
            paid=r[1],
        ),
    )
