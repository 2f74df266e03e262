"""`aixin catalog import|price`, `aixin labels print`, `aixin donation add` (docs/design.md §7)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image

from pos.cli import main

# Its module fixture builds a demo station: the module's tests run on one
# worker (`--dist loadgroup`), which builds it once.
pytestmark = pytest.mark.xdist_group("goods_cli")

CLOCK = "2026-11-23T09:30:00"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("goods")
    env = {"AIXIN_CLOCK": CLOCK}
    result = CliRunner().invoke(main, ["demo", "--no-ui", "--db", str(root / "s.sqlite")], env=env)
    assert result.exit_code == 0, result.output
    county = root / "c.sqlite"
    result = CliRunner().invoke(
        main,
        ["county", "init", "--db", str(county), "--county", "451425", "--name", "天等县"],
        env={**env, "AIXIN_NEW_PIN": "1234", "AIXIN_PIN": "1234"},
        input="1234\n1234\n",
    )
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def db(built, tmp_path):
    shutil.copy(built / "s.sqlite", tmp_path / "s.sqlite")
    return tmp_path / "s.sqlite"


@pytest.fixture
def county(built, tmp_path):
    shutil.copy(built / "c.sqlite", tmp_path / "c.sqlite")
    return tmp_path / "c.sqlite"


def run(*args, pin="1234"):
    return CliRunner().invoke(
        main, [str(a) for a in args], env={"AIXIN_PIN": pin, "AIXIN_CLOCK": CLOCK}
    )


def ok(*args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def refused(*args, says):
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert says in result.stderr, result.stderr
    assert "Traceback" not in result.output
    return result


def rows(path, sql):
    raw = sqlite3.connect(path)
    found = raw.execute(sql).fetchall()
    raw.close()
    return found


def everything(path):
    names = [n for (n,) in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {n: rows(path, f'SELECT * FROM "{n}" ORDER BY 1') for n in names if n != "audit"}


MANAGER = ("--operator", "manager")


def test_a_station_imports_its_own_goods_from_a_gbk_csv(db, tmp_path):
    sheet = tmp_path / "local.csv"
    sheet.write_bytes("名称,单位,类别,积分价\n腊肉,斤,粮油副食,30\n土蜂蜜,瓶,,45\n".encode("gbk"))
    result = ok("catalog", "import", "--db", db, sheet, *MANAGER)
    assert "新增 2 种" in result.output
    assert rows(db, "SELECT code, station FROM item WHERE station IS NOT NULL") == [
        ("L03-0001", "451425-03"),
        ("L03-0002", "451425-03"),
    ]
    listed = ok("catalog", "list", "--db", db, "--tsv").output
    assert "L03-0001\t2103000000013\t腊肉\t斤\t30" in listed


def test_a_bad_goods_sheet_is_refused_whole_naming_every_row(db, tmp_path):
    sheet = tmp_path / "bad.csv"
    sheet.write_text("名称,单位,积分价\n腊肉,斤,30\n,斤,3\n土鸡,只,三十\n", encoding="utf-8")
    before = everything(db)
    result = refused("catalog", "import", "--db", db, sheet, *MANAGER, says="第 3 行")
    assert "第 4 行" in result.stderr
    assert everything(db) == before


def test_the_county_imports_its_catalog(county, tmp_path):
    sheet = tmp_path / "goods.csv"
    sheet.write_text(
        "编码,条码,名称,单位,类别,积分价\nX01,6901234567892,挂面,包,粮油副食,8\n", encoding="utf-8"
    )
    ok("catalog", "import", "--db", county, sheet, "--operator", "county")
    assert ("X01", None) in rows(county, "SELECT code, station FROM item")
    bad = tmp_path / "bad.csv"
    bad.write_text("编码,条码,名称,单位,积分价\nL03-0001,,腊肉,斤,30\n", encoding="utf-8")
    refused("catalog", "import", "--db", county, bad, "--operator", "county", says="留给站点")


def test_price_change_with_history_and_refusals(db, tmp_path):
    sheet = tmp_path / "local.csv"
    sheet.write_text("名称,单位,积分价\n腊肉,斤,30\n", encoding="utf-8")
    ok("catalog", "import", "--db", db, sheet, *MANAGER)
    result = ok("catalog", "price", "--db", db, "L03-0001", "35", *MANAGER)
    assert "从 30 分改为 35 分" in result.output
    assert rows(db, "SELECT item_id, old_price, price, operator FROM item_price") == [
        ("L03-0001", 30, 35, "manager")
    ]
    refused("catalog", "price", "--db", db, "G001", "60", *MANAGER, says="属于县目录")
    refused("catalog", "price", "--db", db, "L03-0001", "3.5", *MANAGER, says="应为整数")
    refused("catalog", "price", "--db", db, "L03-0001", "40", "--operator", "clerk", says="无权")
    assert rows(db, "SELECT COUNT(*) FROM item_price") == [(1,)]


def test_labels_print_barcodes_a_scanner_reads(db, tmp_path):
    sheet = tmp_path / "local.csv"
    sheet.write_text("名称,单位,积分价\n腊肉,斤,30\n", encoding="utf-8")
    ok("catalog", "import", "--db", db, sheet, *MANAGER)
    out = tmp_path / "labels.pdf"
    result = ok("labels", "print", "--db", db, "--item", "L03-0001", "--item", "G001", "--out", out)
    assert "2 张标签" in result.output
    text = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True).stdout
    assert "腊肉" in text and "30 分 / 斤" in text
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", out, tmp_path / "p"])
    [png] = tmp_path.glob("p*.png")
    found = sorted(r.text for r in zxingcpp.read_barcodes(Image.open(png)))
    assert found == ["2000000000015", "2103000000013"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--item", "NOPE"), "没有条码或编码为 NOPE 的商品"),
        (("--item", "G001", "--copies", "0"), "1 到 100 张"),
        (("--item", "G001", "--copies", "x"), "应为整数"),
    ],
)
def test_labels_refusals(db, tmp_path, args, says):
    out = tmp_path / "labels.pdf"
    refused("labels", "print", "--db", db, *args, "--out", out, says=says)
    assert not out.exists()


def test_donation_add_books_all_lines_and_prints_the_receipt(db):
    stock = rows(db, "SELECT stock FROM item WHERE code = 'G001'")[0][0]
    result = ok(
        "donation", "add", "--db", db, "--donor", "天等县粮油公司", "--company",
        "--item", "G001:200:5000", "--item", "2000000000022:3", "--cash", "200.50",
        "--operator", "clerk",
    )  # fmt: skip
    assert "天等县粮油公司" in result.output and "200.50" in result.output
    assert rows(db, "SELECT stock FROM item WHERE code = 'G001'")[0][0] == stock + 200
    assert rows(db, "SELECT cash_fen FROM donation ORDER BY id DESC LIMIT 1") == [(20050,)]
    assert rows(
        db, "SELECT item_id, qty, value_fen FROM donation_line ORDER BY id DESC LIMIT 2"
    ) == [("G002", 3, 0), ("G001", 200, 500000)]


def test_donation_add_from_a_sheet(db, tmp_path):
    sheet = tmp_path / "list.csv"
    sheet.write_bytes("编码,数量,估价（元）\nG001,10,500\nG007,5,\n".encode("gb18030"))
    ok("donation", "add", "--db", db, "--donor", "县扶贫办", "--from-file", sheet, *MANAGER)
    assert rows(db, "SELECT COUNT(*) FROM donation_line WHERE value_fen = 50000") == [(1,)]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ("--donor", "某人", "--item", "G001:1", "--item", "NOPE:2"),
            "第 2 行：没有条码或编码为 NOPE",
        ),
        (("--donor", "某人", "--item", "G001:1:12.345"), "估价应为元"),
        (("--donor", "某人", "--item", "G001"), "编码:数量"),
        (("--donor", "某人", "--item", "G001:0"), "数量应为 1 到 99999"),
        (("--donor", "某\x1b[2J人", "--item", "G001:1"), "控制字符"),
        (("--donor", "某人", "--cash", "-5"), "现金应为元"),
        (
            (
                "--donor",
                "某人",
            ),
            "没有物品也没有现金",
        ),
        (("--donor", "某人", "--item", "G001:1", "--from-file", "x.csv"), "只能用一种"),
    ],
)
def test_donation_add_refusals_change_nothing(db, args, says):
    before = everything(db)
    refused("donation", "add", "--db", db, *args, "--operator", "clerk", says=says)
    assert everything(db) == before


def test_donation_add_is_for_clerks_and_managers(db):
    refused(
        "donation", "add", "--db", db, "--donor", "某人", "--item", "G001:1", "--operator", "cadre",
        says="无权",
    )  # fmt: skip


def test_the_county_reprices_its_catalog_and_not_a_stations_goods(county):
    result = ok("catalog", "price", "--db", county, "G001", "55", "--operator", "county")
    assert "从 50 分改为 55 分" in result.output
    assert rows(county, "SELECT item_id, old_price, price, station FROM item_price") == [
        ("G001", 50, 55, "451425-00")
    ]
    refused("catalog", "price", "--db", county, "G001", "55", "--operator", "county", says="已经是")
    refused("catalog", "price", "--db", county, "NOPE", "5", "--operator", "county", says="NOPE")
