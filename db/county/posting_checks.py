"""What the county checks of a month file's postings (公示) against its own books (docs/design.md
§4.12, §14.2), beside db.county.row_checks, in the merge's write transaction (`f` staged).

A posting's lines are for households of its village; an objection is taken down during its
posting's period, a credit written after it; each entry a credit made is the line it credits
(household, task, points, quantity, kind by the sign), a line is credited once, and never a line
whose household had an upheld objection or one still open at the credit. The postings,
objections and lines a file's rows name are in the file or at the county: a month that names a
posting of an earlier month the county has not merged yet is refused until that month is in.
"""

from __future__ import annotations

from functools import partial

from catalog.messages import N_, Finding
from db.county.catalog_checks import Found, problem
from db.store.dialect import same
from db.store.ids import human

# The station's postings, objections and lines, in the file or at the county.
KNOWN = (
    "WITH ps AS (SELECT id, published, until FROM f.posting UNION ALL SELECT id, published, "
    "until FROM posting WHERE id >= :low AND id < :high), "
    "os AS (SELECT id, posting_id, household_id, time FROM f.objection UNION ALL "
    "SELECT id, posting_id, household_id, time FROM objection "
    "WHERE id >= :low AND id < :high), "
    "us AS (SELECT objection_id, upheld, time FROM f.objection_ruling UNION ALL "
    "SELECT objection_id, upheld, time FROM objection_ruling "
    "WHERE id >= :low AND id < :high), "
    "ls AS (SELECT id, posting_id, household_id, task_id, points, qty FROM f.posting_line "
    "UNION ALL SELECT id, posting_id, household_id, task_id, points, qty "
    "FROM posting_line WHERE id >= :low AND id < :high) "
)


UNKNOWN = N_("{table} {record}：它所属的公示、异议或记分行县里还没有，请先并入之前月份的月报")


def _unknown(table: str, row: tuple) -> Finding:
    return problem("unknown_posting", UNKNOWN, row[0], table=table, record=human(row[0]))


def check(found: Found, p: dict) -> None:
    found.gather(
        "SELECT l.id, l.household_id FROM f.posting_line AS l "
        "JOIN f.posting AS p ON p.id = l.posting_id "
        "WHERE NOT EXISTS (SELECT 1 FROM household AS h WHERE h.number = l.household_id "
        "AND h.village_id = p.village_id) AND NOT EXISTS (SELECT 1 FROM f.household_version "
        "AS v WHERE v.number = l.household_id AND v.village_id = p.village_id) ORDER BY l.id",
        p,
        lambda r: problem(
            "posting_household",
            N_("公示记分行 {line}：户号 {number} 不是这个村的农户"),
            r[0],
            line=human(r[0]),
            number=r[1],
        ),
    )
    for table, column, among in (
        ("objection", "posting_id", "ps"),
        ("posting_credit", "posting_id", "ps"),
        ("objection_ruling", "objection_id", "os"),
    ):
        found.gather(
            f"{KNOWN}SELECT t.id FROM f.{table} AS t WHERE NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {among} AS k WHERE k.id = t.{column}) ORDER BY t.id",
            p,
            partial(_unknown, table),
        )
    found.gather(
        f"{KNOWN}SELECT e.entry_id FROM f.posting_entry AS e WHERE NOT EXISTS "  # noqa: S608 - constants
        "(SELECT 1 FROM ls AS k WHERE k.id = e.line_id) ORDER BY e.entry_id",
        p,
        partial(_unknown, "posting_entry"),
    )
    found.gather(
        f"{KNOWN}SELECT o.id FROM f.objection AS o JOIN ps ON ps.id = o.posting_id "  # noqa: S608 - constants
        "WHERE o.time < ps.published OR substr(o.time, 1, 10) > ps.until ORDER BY o.id",
        p,
        lambda r: problem(
            "objection_outside",
            N_("异议 {record} 不是在公示期内登记的"),
            r[0],
            record=human(r[0]),
        ),
    )
    found.gather(
        f"{KNOWN}SELECT c.id FROM f.posting_credit AS c JOIN ps ON ps.id = c.posting_id "  # noqa: S608 - constants
        "WHERE substr(c.time, 1, 10) <= ps.until ORDER BY c.id",
        p,
        lambda r: problem(
            "credit_early", N_("公示入账 {record} 早于公示期满"), r[0], record=human(r[0])
        ),
    )
    found.gather(
        f"{KNOWN}SELECT pe.entry_id FROM f.posting_entry AS pe JOIN ls ON ls.id = pe.line_id "  # noqa: S608 - constants
        "JOIN f.posting_credit AS c ON c.id = pe.credit_id "
        "JOIN f.ledger_entry AS e ON e.id = pe.entry_id "
        "WHERE c.posting_id <> ls.posting_id OR e.household_id <> ls.household_id "
        f"OR NOT {same('e.task_id', 'ls.task_id')} OR e.points <> ls.points OR e.qty <> ls.qty "
        "OR e.kind <> CASE WHEN ls.points < 0 THEN 'deduction' ELSE 'award' END "
        "OR EXISTS (SELECT 1 FROM posting_entry AS m WHERE m.line_id = pe.line_id "
        "AND m.entry_id <> pe.entry_id) "
        "OR pe.line_id IN (SELECT line_id FROM f.posting_entry GROUP BY 1 HAVING COUNT(*) > 1) "
        "OR EXISTS (SELECT 1 FROM os LEFT JOIN us ON us.objection_id = os.id "
        "WHERE os.posting_id = ls.posting_id AND os.household_id = ls.household_id "
        "AND os.time <= c.time AND (us.time IS NULL OR us.time > c.time OR us.upheld = 1)) "
        "ORDER BY pe.entry_id",
        p,
        lambda r: problem(
            "posting_entry",
            N_("条目 {entry} 与它入账的公示记分行不符，或那一行不该入账"),
            r[0],
            entry=human(r[0]),
        ),
    )
