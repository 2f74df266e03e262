"""Slips are drawn from the values the books returned: no database needed."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import time
from pathlib import Path

import pytest

from catalog.messages import Refused
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


def test_a_slip_printed_again_says_so_and_when():
    use("zh")
    again = dataclasses.replace(SLIP, reprinted="2026-11-24 08:00:00")
    text = slips.as_text(slips.redemption_rows(again)).splitlines()
    assert text[4].startswith("补打时间") and text[4].endswith("2026-11-24 08:00:00")
    assert "补打" not in slips.as_text(slips.redemption_rows(SLIP))


def test_slips_are_saved_whole(tmp_path):
    use("zh")
    said = slips.save(slips.redemption_rows(SLIP), tmp_path / "slips", "redemption", SLIP.id)
    saved = sorted(p.name for p in (tmp_path / "slips").iterdir())
    name = f"redemption-{human(SLIP.id)}.txt"
    assert name in saved and not [n for n in saved if "partial" in n]
    assert "已保存" in said
    text = (tmp_path / "slips" / name).read_text(encoding="utf-8")
    assert text == slips.as_text(slips.redemption_rows(SLIP)) + "\n"


def test_a_donation_and_a_redemption_of_the_same_number_are_two_slips(tmp_path):
    """Each kind of record numbers its own: neither slip overwrites the other."""
    slips.save(slips.redemption_rows(SLIP), tmp_path, "redemption", SLIP.id)
    slips.save([("捐赠收据", "")], tmp_path, "donation", SLIP.id)
    texts = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.txt")}
    assert texts[f"donation-{human(SLIP.id)}.txt"].startswith("捐赠收据")
    assert (
        texts[f"redemption-{human(SLIP.id)}.txt"]
        == slips.as_text(slips.redemption_rows(SLIP)) + "\n"
    )
    with pytest.raises(ValueError):
        slips.save(slips.redemption_rows(SLIP), tmp_path, "receipt", SLIP.id)


def test_a_folder_that_cannot_be_written_is_a_refusal(tmp_path):
    (tmp_path / "slips").write_text("a file where the folder should be")
    with pytest.raises(Refused) as refused:
        slips.save(slips.redemption_rows(SLIP), tmp_path / "slips", "redemption", SLIP.id)
    assert refused.value.message.template == "单据没能保存到 {folder}：{reason}"
    assert refused.value.message.fields["folder"] == tmp_path / "slips"


def test_a_write_that_fails_leaves_no_part_of_a_slip(tmp_path, monkeypatch):
    def full(self, *args, **kwargs):
        self.with_name(self.name).open("w").write("half a sl")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(Refused, match="No space left"):
        slips.save(slips.redemption_rows(SLIP), tmp_path, "redemption", SLIP.id)
    assert list(tmp_path.iterdir()) == []


def test_what_a_killed_till_left_is_swept_later(tmp_path):
    old = tmp_path / "451425-03-000001.txt.partial"
    old.write_text("half")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    fresh = tmp_path / "451425-03-000002.txt.partial"
    fresh.write_text("being written by another till")
    slips.save(slips.redemption_rows(SLIP), tmp_path, "redemption", SLIP.id)
    assert not old.exists() and fresh.exists()


def test_the_pdf_slip_is_80_mm_of_searchable_text(tmp_path):
    use("zh")
    slips.save(slips.redemption_rows(SLIP), tmp_path, "redemption", SLIP.id)
    pdf = tmp_path / ("redemption-" + human(SLIP.id) + ".pdf")
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True)
    assert info.stderr == ""
    width = float(info.stdout.split("Page size:")[1].split("x")[0])
    assert width == pytest.approx(80 * 72 / 25.4, abs=0.5)
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True)
    words = text.stdout
    for word in ("爱心超市兑换单", "张三", "大米（10 公斤）", "食盐", "56 分", human(SLIP.id)):
        assert word in words
    assert pdf.stat().st_size < 60_000  # a raster slip was some 200 kB
