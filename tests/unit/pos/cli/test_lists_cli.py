"""`aixin statement`, `donors`, `honours`: PDFs whose text (pdftotext) holds the books' figures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.books import awards, stock
from pos.cli import main
from tests.unit.db.books.test_paper_lists import VILLAGE, at


def run(*args: object):
    return CliRunner().invoke(
        main, [str(a) for a in args], env={"AIXIN_CLOCK": "2026-11-23T10:00:00"}
    )


def text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


@pytest.fixture
def db_file(station, tmp_path) -> Path:
    oct_ = at("2026-10-05")
    awards.award(station.manager, oct_, "1012010001", "HJ02", 3)
    awards.award(station.manager, oct_, "1012010002", "GY01", 2)
    awards.award(station.manager, at("2026-09-05"), "1012010003", "HJ02", 2)  # September
    awards.award(station.manager, oct_, "1012010003", "KF01", 1)
    stock.take_donation(station.clerk, at("2026-10-08"), "韦爱民", [("G007", 5, 1000)],
                        cash_fen=20000)  # fmt: skip
    return tmp_path / "station.sqlite"


def test_statement_pdf(db_file, tmp_path):
    out = tmp_path / "st.pdf"
    result = run("statement", "--db", db_file, "1012010001", "--from", "2026-10-01", "--out", out)
    assert result.exit_code == 0, result.output
    words = text(out)
    for word in ("积分对账单", "1012010001", "张三", "期初余额：0 分", "参加村屯环境卫生大扫除",
                 "+6", "期末余额：6 分", "户主签字"):  # fmt: skip
        assert word in words


def test_donors_pdf(db_file, tmp_path):
    out = tmp_path / "donors.pdf"
    result = run("donors", "--db", db_file, "--month", "2026-10", "--out", out)
    assert result.exit_code == 0, result.output
    words = text(out)
    for word in ("爱心捐赠公示", "韦爱民", "食盐（400 克） ×5 包", "现金 200.00 元", "210.00"):
        assert word in words
    assert "天等县供销合作社" not in words  # November's donor


def test_honours_pdf_names_earners_and_counts_deductions_without_names(db_file, tmp_path):
    out = tmp_path / "roll.pdf"
    result = run("honours", "--db", db_file, "--village", VILLAGE, "--month", "2026-10",
                 "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    words = text(out)
    assert "积分光荣榜" in words and "张三" in words and "李四" in words
    assert "王五" not in words  # deducted only, and deductions are not named
    assert "本月扣分 1 次，涉及 1 户，共 -3 分。" in words


def test_english_headings(db_file, tmp_path):
    out = tmp_path / "roll.pdf"
    result = run("--lang", "en", "honours", "--db", db_file, "--village", VILLAGE,
                 "--month", "2026-10", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Honour roll" in text(out) and "张三" in text(out)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["statement", "1012010001", "--from", "2026-10-32"], "应写成 YYYY-MM-DD"),
        (["statement", "1012010001", "--from", "2026-11-02", "--to", "2026-11-01"], "晚于"),
        (["statement", "9999999999"], "户号 9999999999 不存在"),
        (["donors", "--month", "2026-1"], "月份应写成 YYYY-MM"),
        (["honours", "--village", "451425109999", "--month", "2026-10"], "不存在"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(db_file, tmp_path, args, words):
    out = tmp_path / "x.pdf"
    result = run(*args[:1], "--db", db_file, *args[1:], "--out", out)
    assert result.exit_code == 1, result.output
    assert words in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_a_wrong_suffix_is_refused(db_file, tmp_path):
    result = run("donors", "--db", db_file, "--month", "2026-10", "--out", tmp_path / "x.txt")
    assert result.exit_code == 1 and ".pdf" in result.output
