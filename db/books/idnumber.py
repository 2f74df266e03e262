"""Resident ID numbers (GB 11643): the check digit, and the masked form shown everywhere."""

from __future__ import annotations

import re
from datetime import date

from catalog.messages import N_

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def problem(number: str) -> str | None:
    """Why `number` is not a valid ID number, or None when it is."""
    if not SHAPE.match(number):
        return N_("身份证号应为 18 位：17 位数字加一位数字或 X")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return N_("身份证号中的出生日期不存在")
    if born.year < 1900:
        return N_("身份证号中的出生日期不对")
    if check_char(number[:17]) != number[17]:
        return N_("身份证号校验位不对，请核对是否输错")
    return None


def normalize(number: str) -> str:
    return number.strip().upper().replace(" ", "")


def mask(number: str) -> str:
    """'451425198001011234' -> '4514**********1234'."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
