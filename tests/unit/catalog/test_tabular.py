"""Reading sheets within bounds: CSV, the file itself, and a refusal that stays short."""

from __future__ import annotations

import os
import time

import pytest

from catalog import loader
from catalog.messages import SHOWN_ROWS, STOP_AFTER, Refused, SheetRefused
from catalog.tabular import CELL_CHARS, COLUMNS, RECORD_CHARS, Bounds, column_name, read_rows
from db.books import awards

SHEET = awards.SHEET_COLUMNS
NEEDED = ("household", "task")


def csv_file(tmp_path, body: str, name: str = "s.csv", newline: str = "\n"):
    path = tmp_path / name
    path.write_bytes(("户号,项目编码,数量\n" + body).replace("\n", newline).encode("utf-8"))
    return path


def refusal(path, **bounds) -> Refused:
    with pytest.raises(Refused) as refused:
        read_rows(path, SHEET, NEEDED, **bounds)
    return refused.value


def test_column_names():
    assert [column_name(n) for n in (1, 26, 27, 52, 16384)] == ["A", "Z", "AA", "AZ", "XFD"]


def test_only_regular_files_are_read(tmp_path):
    (tmp_path / "dir.csv").mkdir()
    assert str(refusal(tmp_path / "dir.csv")) == "dir.csv 不是普通文件"
    os.mkfifo(tmp_path / "pipe.csv")  # opening it would wait for a writer for ever
    assert str(refusal(tmp_path / "pipe.csv")) == "pipe.csv 不是普通文件"
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    assert str(refusal(tmp_path / "zero.csv")) == "zero.csv 不是普通文件"
    assert "找不到文件" in str(refusal(tmp_path / "none.csv"))


def test_a_file_bigger_than_the_bound_is_refused_unread(tmp_path):
    path = tmp_path / "s.csv"
    with path.open("wb") as file:
        file.truncate(Bounds(10).file_bytes + 1)
    refused = refusal(path, max_rows=10)
    assert refused.fields == {"name": "s.csv", "size": 4.0, "most": 4.0}


def test_rows_past_the_bound_are_refused_blank_ones_are_not(tmp_path):
    path = csv_file(tmp_path, "1,HJ02,1\n" * 5 + ",,\n" * 20)
    assert len(read_rows(path, SHEET, NEEDED, max_rows=5)) == 5
    refused = refusal(csv_file(tmp_path, "1,HJ02,1\n" * 6), max_rows=5)
    assert refused.fields == {"most": 5, "line": 7}


def test_a_hundred_thousand_row_csv_is_refused_in_a_moment(tmp_path):
    path = csv_file(tmp_path, "".join(f"X{n},HJ01,1\n" for n in range(100_000)))
    started = time.process_time()
    refused = refusal(path)
    assert time.process_time() - started < 1
    assert refused.fields == {"most": 10_000, "line": 10_002}


def test_a_quote_left_open_is_refused_at_its_line(tmp_path):
    path = csv_file(tmp_path, '1,HJ02,1\n2,"HJ02,1\n' + "3,HJ02,1\n" * 20_000)
    started = time.process_time()
    refused = refusal(path)
    assert time.process_time() - started < 1
    assert refused.fields == {"line": 3, "most": RECORD_CHARS}
    long_line = csv_file(tmp_path, "1,HJ02," + "1" * (RECORD_CHARS + 10) + "\n")
    assert refusal(long_line).fields["line"] == 2


def test_a_cell_longer_than_excel_holds_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(f"户号,项目编码,备注\n1,HJ02,{'备' * (CELL_CHARS + 1)}\n", encoding="utf-8")
    [(line, problem)] = refusal(path).problems
    assert (line, problem.fields["column"]) == (2, "C")


def test_old_mac_line_ends_and_wide_rows(tmp_path):
    path = csv_file(tmp_path, "1012010001,HJ02,2\n1012010002,HJ02,1\n", newline="\r")
    assert [r.values["qty"] for r in read_rows(path, SHEET, NEEDED)] == ["2", "1"]
    wide = tmp_path / "w.csv"
    wide.write_text("户号,项目编码\n1,HJ02" + ",x" * 20_000 + "\n", encoding="utf-8")
    rows = read_rows(wide, SHEET, NEEDED)
    assert rows[0].values == {"household": "1", "task": "HJ02"} and COLUMNS < 20_000


def test_reading_stops_at_the_time_bound(tmp_path, monkeypatch):
    path = csv_file(tmp_path, "1,HJ02,1\n" * 2000)
    monkeypatch.setattr(Bounds, "seconds", property(lambda self: -1))
    assert "秒还没有读完 s.csv" in str(refusal(path))


def test_a_stopped_check_says_where_it_stopped_and_stays_short():
    problems = [(n, Refused("数量应为 1 到 1000 的整数")) for n in range(2, STOP_AFTER + 2)]
    refused = SheetRefused(problems, stopped_at=STOP_AFTER + 1)
    lines = str(refused).splitlines()
    assert lines[0] == (
        f"表格到第 {STOP_AFTER + 1} 行已有 {STOP_AFTER} 行不能接受，后面的没有再查；"
        "整张表都没有入账"
    )
    assert len(lines) == 1 + SHOWN_ROWS + 1
    assert lines[-1] == f"还有 {STOP_AFTER - SHOWN_ROWS} 行有问题，没有列出"


def test_a_bad_catalog_is_refused_after_the_first_few_hundred_bad_lines(tmp_path):
    path = tmp_path / "goods.csv"
    path.write_text(
        "code,name,unit,price\n" + "".join(f"G{n},米,袋,0\n" for n in range(5000)),
        encoding="utf-8",
    )
    with pytest.raises(SheetRefused) as refused:
        loader.load_goods(path)
    assert len(refused.value.problems) == STOP_AFTER
    assert refused.value.stopped_at == STOP_AFTER + 1
