"""Default catalogs, barcodes, catalog files, pinyin initials."""

from __future__ import annotations

import pytest

from catalog import barcodes, loader
from catalog.messages import Refused, SheetRefused
from catalog.pinyin import initials, like_pattern, match_rank


def test_check_digits_of_real_codes():
    assert barcodes.check_digit("690123456789") == "2"  # EAN-13
    assert barcodes.is_valid("6901234567892") and not barcodes.is_valid("6901234567893")
    assert barcodes.is_valid("96385074")  # EAN-8
    assert not barcodes.is_valid("69012345678９2") and not barcodes.is_valid("12345")
    assert barcodes.in_store(1) == "2000000000015" and barcodes.is_in_store("2000000000015")
    with pytest.raises(ValueError):
        barcodes.in_store(1, prefix=19)


def test_default_rules_sheet():
    tasks = loader.default_tasks()
    assert len(tasks) >= 20
    assert {t.category for t in tasks} >= {
        "环境卫生",
        "公益劳动",
        "产业发展",
        "乡风文明",
        "学习培训",
        "扣分",
    }
    assert any(t.points < 0 for t in tasks) and all(t.cap for t in tasks)
    assert all((t.category == "扣分") == (t.points < 0) for t in tasks)


def test_default_goods_have_valid_in_store_barcodes():
    goods = loader.default_goods()
    assert len(goods) >= 30
    codes = [b for g in goods for b in g.barcodes]
    assert len(codes) == len(set(codes)) == len(goods)
    assert all(
        barcodes.is_in_store(code) and code[:2] in {str(p) for p in range(20, 30)} for code in codes
    )
    names = " ".join(g.name for g in goods)
    for wanted in ("大米", "油", "肥皂", "牙膏", "毛巾", "书包"):
        assert wanted in names
    assert all(g.price > 0 for g in goods)


def test_a_bad_catalog_file_is_refused_naming_every_line(tmp_path):
    path = tmp_path / "goods.csv"
    path.write_text(
        "code,barcode,name,unit,category,price\n"
        "G1,2000000000015,米,袋,粮油,10\n"
        "G2,2000000000016,油,桶,粮油,10\n"
        "G3,,盐,包,粮油,1.5\n"
        "G1,,重复,包,粮油,1\n"
        "g4,,,包,粮油,3\n",
        encoding="utf-8",
    )
    with pytest.raises(SheetRefused) as refused:
        loader.load_goods(path)
    assert [line for line, _ in refused.value.problems] == [3, 4, 5, 6]
    text = str(refused.value)
    assert (
        "校验位不对" in text and "积分价应为整数" in text and "重复" in text and "没有名称" in text
    )


def test_a_bad_rules_sheet_is_refused(tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_text(
        "code,name,category,points,unit,cap\n"
        "A1,扫地,环境卫生,-2,次,\n"
        "A2,扫地,环境卫生,0,次,\n"
        "A3,扫地,吃饭,2,次,\n"
        "A4,扫地,环境卫生,5,年,\n"
        "A5,扫地,环境卫生,5,次,3\n"
        "A6,扫地,环境卫生,5,次,\n",
        encoding="utf-8",
    )
    with pytest.raises(SheetRefused) as refused:
        loader.load_tasks(path)
    assert [line for line, _ in refused.value.problems] == [2, 3, 4, 5, 6]


def test_pinyin_initials():
    assert initials("张三") == " zs"
    assert " zxm" in initials("曾小明") and " cxm" in initials("曾小明")
    assert like_pattern("ZS") == "% zs%"
    assert like_pattern("xyf", anywhere=True) == "%xyf%"


def test_a_search_ranks_the_code_before_initials_inside_a_name():
    assert match_rank("hj", "HJ01", "村屯环境卫生大扫除") == 0
    assert match_rank("hj", "CY02", "加入合作社或基地务工满一个月") == 3  # h-z-s-h-j-d
    assert match_rank("jr", "CY02", "加入合作社或基地务工满一个月") == 1
    assert match_rank("合作社", "CY02", "加入合作社或基地务工满一个月") == 2
    assert match_rank("xx", "CY02", "加入合作社或基地务工满一个月") is None
    assert match_rank("", "CY02", "加入合作社") == 0


def test_whole_numbers_as_people_type_them():
    from catalog.loader import whole_number

    assert [whole_number(t, "分值") for t in ("12", "+3", "１２", " 5 ")] == [12, 3, 12, 5]
    assert whole_number("-2", "分值", signed=True) == -2
    for bad in ("1.5", "", "abc", "-2", "9" * 5000):  # a 5,000-digit number is refused, not parsed
        with pytest.raises(Refused, match="应为整数"):
            whole_number(bad, "分值")
