"""The raw material of the demo station: places and names of a Guangxi border county.

Township names are those of 天等县 (451425); village names and people are made up in the
local style (Zhuang place names with 那, 陇, 弄, 岜 ...).
"""

from __future__ import annotations

import random

from db.books.idnumber import check_char

COUNTIES = {"451425": "天等县"}
DEFAULT_COUNTY_NAME = "示范县"

TOWNSHIPS = (
    "天等镇",
    "龙茗镇",
    "进结镇",
    "向都镇",
    "东平镇",
    "福新镇",
    "都康乡",
    "宁干乡",
    "驮堪乡",
    "把荷乡",
    "上映乡",
    "小山乡",
    "进远乡",
)

VILLAGE_STEMS = (
    "那造",
    "那龙",
    "那隆",
    "那孟",
    "陇林",
    "陇念",
    "弄平",
    "弄京",
    "岜龙",
    "岜独",
    "板坡",
    "板旺",
    "古朗",
    "古立",
    "德读",
    "德天",
    "伏来",
    "龙利",
    "凌均",
    "平江",
    "东岭",
    "结安",
    "信孚",
    "仁惠",
    "民族",
    "新和",
    "同德",
    "振兴",
    "团结",
    "龙原",
)

GROUP_NAMES = ("一组", "二组", "三组", "四组", "五组", "六组")

SURNAMES = (
    "黄",
    "黄",
    "黄",
    "农",
    "农",
    "韦",
    "韦",
    "李",
    "李",
    "陆",
    "赵",
    "梁",
    "覃",
    "覃",
    "蒙",
    "莫",
    "冯",
    "马",
    "潘",
    "卢",
    "凌",
    "许",
    "何",
    "廖",
    "罗",
    "张",
    "周",
    "刘",
    "陈",
    "杨",
    "谭",
    "闭",
    "零",
    "磨",
    "言",
    "甘",
    "曾",
    "单",
)
GIVEN = (
    "建",
    "国",
    "文",
    "华",
    "明",
    "秀",
    "英",
    "丽",
    "志",
    "强",
    "海",
    "燕",
    "春",
    "梅",
    "桂",
    "芳",
    "德",
    "福",
    "金",
    "玉",
    "兰",
    "成",
    "忠",
    "林",
    "光",
    "荣",
    "凤",
    "琼",
    "新",
    "永",
    "宝",
    "贵",
    "家",
    "红",
    "平",
    "军",
    "冬",
    "秋",
    "月",
    "勇",
    "胜",
    "良",
)

CATEGORIES = (
    ("脱贫户", 40),
    ("监测户", 10),
    ("建档立卡贫困户", 10),
    ("低保户", 10),
    ("特困户", 5),
    ("残疾户", 5),
    ("易地搬迁户", 5),
    ("一般农户", 15),
)

COMPANY_DONORS = (
    "天等县供销合作社",
    "广西崇左农垦糖业有限公司",
    "天等县农村信用合作联社",
    "崇左市爱心企业联合会",
    "天等县指天椒产业协会",
)
PERSON_DONORS = ("黄志强", "李秀英", "农建华", "梁海燕", "赵德福", "覃桂兰")


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(SURNAMES) + given


def id_number(rng: random.Random, county: str) -> str:
    year = rng.randint(1945, 1995)
    born = f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"{county}{born}{rng.randint(1, 999):03d}"
    return first17 + check_char(first17)


def phone(rng: random.Random) -> str:
    return (
        rng.choice(("138", "139", "150", "152", "177", "188")) + f"{rng.randint(0, 10**8 - 1):08d}"
    )


def category(rng: random.Random) -> str:
    names, weights = zip(*CATEGORIES, strict=True)
    return rng.choices(names, weights)[0]
