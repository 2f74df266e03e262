"""Slips are drawn from the values the books returned: no database needed."""

from __future__ import annotations

from db.books.views import Receipt, ReceiptLine, Slip, SlipLine
from db.store.ids import human
from pos.i18n import use
from pos.paper import slips

SLIP = Slip(
    id=3_000_000_000_017,
    station="龙茗镇爱心超市",
    time="2026-11-23 10:00:01",
    household="1012010001",
    head_name="张三",
    lines=(
        SlipLine("G001", "大米（10 公斤）", "袋", 50, 1, 50),
        SlipLine("G007", "食盐", "包", 2, 3, 6),
    ),
    total=56,
    balance_before=60,
    balance_after=4,
    operator="clerk",
)


def test_a_redemption_slip_shows_lines_total_and_both_balances():
    use("zh")
    text = slips.as_text(slips.redemption_rows(SLIP)).splitlines()
    assert text[:2] == ["爱心超市兑换单", "龙茗镇爱心超市"]
    assert text[2].startswith("单号") and text[2].endswith(human(SLIP.id))
    assert [
        line.split()[-2:] for line in text if line.startswith(("合计", "兑换前", "兑换后"))
    ] == [
        ["56", "分"],
        ["60", "分"],
        ["4", "分"],
    ]
    assert "  2 × 3" in "\n".join(text) and text[-1].startswith("经办人签字")
    assert all(slips.width(line) <= slips.WIDTH for line in text)


def test_a_donation_receipt_shows_values_only_where_given():
    use("zh")
    gift = Receipt(
        id=3_000_000_000_002,
        station="龙茗镇爱心超市",
        time="2026-11-23 10:00:01",
        donor="天等县供销合作社",
        lines=(
            ReceiptLine("G001", "大米", "袋", 10, 50000),
            ReceiptLine("G007", "食盐", "包", 20, 0),
        ),
        cash_fen=1250,
        operator="clerk",
    )
    text = slips.as_text(slips.donation_rows(gift))
    assert "天等县供销合作社" in text and "512.50 元" in text and "12.50 元" in text
    assert [line for line in text.splitlines() if "× 20 包" in line] == ["  × 20 包"]
