"""The chain's link format is a contract: files already handed to the county carry it."""

from __future__ import annotations

from db.store import chain

ROWS = (
    (
        451425030000000001,
        "1012010001",
        20,
        "award",
        "CY01",
        None,
        None,
        2,
        "村评议小组",
        "cadre",
        "451425-03",
        "2025-01-06 08:00:00",
        chain.GENESIS,
    ),
    (
        451425030000000002,
        "1012010002",
        -57,
        "redemption",
        None,
        451425030000000009,
        None,
        3,
        '“引号” \\ 与 " 和 é',
        "clerk",
        "451425-03",
        "2025-01-06 08:00:01",
        "558562f91cb0fee15bef6ecf0480c4ac",
    ),
)


def test_links_are_pinned():
    assert [chain.link(row) for row in ROWS] == [
        "558562f91cb0fee15bef6ecf0480c4ac",
        "20723efb2d432c6a8820afc7214a08b7",
    ]


def test_a_list_and_a_tuple_link_the_same():
    assert chain.link(list(ROWS[1])) == chain.link(ROWS[1])
