"""Loading and validating the rules sheet (积分明细表) and the goods catalog from files.

The defaults ship in catalog/data; a county may send its own files in the same columns.
A file with any bad line is refused whole, every bad line named.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path

from catalog import barcodes
from catalog.messages import N_, STOP_AFTER, Message, Refused, SheetRefused
from catalog.tabular import Row, read_rows

TASK_CATEGORIES = ("环境卫生", "公益劳动", "产业发展", "乡风文明", "学习培训", "扣分", "其他")
TASK_UNITS = ("次", "天", "月", "项", "人")
CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")
MAX_POINTS = 10_000  # per unit: county rules go from 1 to 600

TASK_COLUMNS = {
    "code": "code",
    "编码": "code",
    "项目编码": "code",
    "name": "name",
    "名称": "name",
    "项目": "name",
    "category": "category",
    "类别": "category",
    "points": "points",
    "分值": "points",
    "积分": "points",
    "unit": "unit",
    "单位": "unit",
    "cap": "cap",
    "每月上限": "cap",
    "上限": "cap",
    "yearcap": "year_cap",
    "每年上限": "year_cap",
    "per": "per",
    "上限周期": "per",
    "上限按": "per",
}
# What a cap counts, as a sheet may say it: 月/年, month/year, 每月/每年.
CAP_PERIODS = {"": "month", "月": "month", "每月": "month", "month": "month"}
CAP_PERIODS |= {"年": "year", "每年": "year", "year": "year"}
GOODS_COLUMNS = {
    "code": "code",
    "编码": "code",
    "商品编码": "code",
    "barcode": "barcode",
    "条码": "barcode",
    "name": "name",
    "名称": "name",
    "商品": "name",
    "unit": "unit",
    "单位": "unit",
    "category": "category",
    "类别": "category",
    "price": "price",
    "积分": "price",
    "积分价": "price",
    "分值": "price",
    "价格": "price",
    "reorderlevel": "reorder_level",
    "补货线": "reorder_level",
}


@dataclass(frozen=True)
class TaskLine:
    code: str
    name: str
    category: str
    points: int
    unit: str
    cap: int | None
    per: str = "month"  # what the cap counts: a household's 'month' or 'year'


@dataclass(frozen=True)
class GoodsLine:
    code: str
    barcodes: tuple[str, ...]
    name: str
    unit: str
    category: str
    price: int
    reorder_level: int


def whole_number(text: str, what: str | Message, *, signed: bool = False) -> int:
    """Parse an integer as people type it; refuse '3.5', '', 'abc'. `what` names the
    column (a Message, so the refusal reads in the operator's language)."""
    typed = unicodedata.normalize("NFKC", text).strip()  # full-width digits from an IME: ５ → 5
    pattern = r"^[+-]?[0-9]{1,9}$" if signed else r"^\+?[0-9]{1,9}$"
    if not re.match(pattern, typed):
        raise Refused("{what}应为整数，而不是“{text}”", what=what, text=text)
    return int(typed)


def parse_task(row: Row) -> TaskLine:
    code = row.get("code").upper()
    if not CODE.match(code):
        raise Refused("项目编码“{code}”不对：只用大写字母、数字和 -，最多 16 位", code=code)
    name = row.get("name")
    if not name:
        raise Refused("项目 {code} 没有名称", code=code)
    category = row.get("category")
    if category not in TASK_CATEGORIES:
        raise Refused(
            "类别“{category}”不在 {known} 之中", category=category, known=tuple(TASK_CATEGORIES)
        )
    points = whole_number(row.get("points"), Message(N_("分值")), signed=True)
    if points == 0:
        raise Refused("项目 {code} 的分值不能为 0", code=code)
    if (category == "扣分") != (points < 0):
        raise Refused("项目 {code}：扣分项目的分值应为负数，其他项目应为正数", code=code)
    unit = row.get("unit")
    if unit not in TASK_UNITS:
        raise Refused("单位“{unit}”应为 {known} 之一", unit=unit, known=tuple(TASK_UNITS))
    if abs(points) > MAX_POINTS:
        raise Refused(
            "项目 {code} 的分值 {points} 太大：一次最多 {most} 分",
            code=code,
            points=points,
            most=MAX_POINTS,
        )
    per = CAP_PERIODS.get(row.get("per").strip().lower())
    if per is None:
        raise Refused("上限周期“{per}”应为 月 或 年", per=row.get("per"))
    cap_text, year_text = row.get("cap"), row.get("year_cap")
    if cap_text and year_text:
        raise Refused("项目 {code} 只能有每月上限或每年上限，不能两个都填", code=code)
    if year_text:
        cap_text, per = year_text, "year"
    cap = whole_number(cap_text, Message(N_("上限"))) if cap_text else None
    if cap is not None and (cap <= 0 or cap < abs(points)):
        raise Refused("项目 {code} 的上限 {cap} 小于一次的分值", code=code, cap=cap)
    return TaskLine(code, name, category, points, unit, cap, per if cap is not None else "month")


def parse_goods(row: Row, *, local: bool = False) -> GoodsLine:
    code = row.get("code").upper()
    if not (local and not code) and not CODE.match(code):
        raise Refused("商品编码“{code}”不对：只用大写字母、数字和 -，最多 16 位", code=code)
    codes = tuple(c for c in re.split(r"[\s;；,，]+", row.get("barcode")) if c)
    for barcode in codes:
        if not barcodes.is_valid(barcode):
            raise Refused("条码 {barcode} 不是有效的 EAN-13/EAN-8（校验位不对）", barcode=barcode)
    name = row.get("name")
    if not name:
        raise Refused("商品 {code} 没有名称", code=code or row.get("name"))
    unit = row.get("unit")
    if not unit:
        raise Refused("商品 {code} 没有单位", code=code or name)
    price = whole_number(row.get("price"), Message(N_("积分价")))
    if price <= 0:
        raise Refused("商品 {code} 的积分价应大于 0", code=code or name)
    reorder_text = row.get("reorder_level")
    reorder = whole_number(reorder_text, Message(N_("补货线"))) if reorder_text else 0
    return GoodsLine(code, codes, name, unit, row.get("category") or "其他", price, reorder)


def _load(rows: list[Row], parse, kind: Message) -> list:
    problems: list[tuple[int, Refused]] = []
    lines, seen, seen_barcodes = [], set(), set()
    for row in rows:
        try:
            line = parse(row)
            if line.code and line.code in seen:
                raise Refused("{kind}编码 {code} 重复", kind=kind, code=line.code)
            for barcode in getattr(line, "barcodes", ()):
                if barcode in seen_barcodes:
                    raise Refused("条码 {barcode} 重复", barcode=barcode)
                seen_barcodes.add(barcode)
            seen.add(line.code)
            lines.append(line)
        except Refused as refusal:
            problems.append((row.line, refusal))
            if len(problems) == STOP_AFTER:
                raise SheetRefused(problems, stopped_at=row.line) from None
    if problems:
        raise SheetRefused(problems)
    return lines


def load_tasks(path: str | Path) -> list[TaskLine]:
    rows = read_rows(path, TASK_COLUMNS, ("code", "name", "category", "points", "unit"))
    return _load(rows, parse_task, Message(N_("项目")))


def load_goods(path: str | Path) -> list[GoodsLine]:
    rows = read_rows(path, GOODS_COLUMNS, ("code", "name", "unit", "price"))
    return _load(rows, parse_goods, Message(N_("商品")))


def load_local_goods(path: str | Path) -> list[GoodsLine]:
    """A station's own goods: as `load_goods`, but a line may leave the code empty (a new
    item, which the station numbers itself)."""
    rows = read_rows(path, GOODS_COLUMNS, ("name", "unit", "price"))
    return _load(rows, partial(parse_goods, local=True), Message(N_("商品")))


def _default(name: str) -> Path:
    return Path(str(resources.files("catalog") / "data" / name))


def default_tasks() -> list[TaskLine]:
    return load_tasks(_default("tasks.csv"))


def default_goods() -> list[GoodsLine]:
    return load_goods(_default("goods.csv"))
