"""The scoring history of a large bench station: rounds of village sheets, every ten days.

Scoring is set-based: every round scores every household, village by village (one sheet per
village, one time stamp per sheet), by `INSERT … SELECT` over a recursive series of rounds
crossed with the households, into a temp table in id order. The rules hold by construction:
every task is given at its monthly cap at most once a month (a household is scored every
ten days and the task turns with the round), a deduction never comes two rounds running
and is smaller than any award, so no balance ever dips below zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from db.store.clock import stamp
from db.store.connection import database
from db.store.ids import id_range
from tests.bench.roster import FIRST_DAY, STATION

ROUND_DAYS = 10
MIN_AWARD = 5
AWARD_NOTE = "村评议小组"
DEDUCTION_NOTE = "村评议：经核实"


@dataclass(frozen=True)
class Scoring:
    rounds: int
    entries: int
    end: datetime  # the day after the last round


def rounds_for(households: int, entries: int) -> int:
    return math.ceil(entries / households)


def stage_scoring(households: int, entries: int) -> Scoring:
    """Stage `entries` award and deduction entries, round after round, in temp.bench_entry."""
    rounds = rounds_for(households, entries)
    awards, deduction = _award_choices()
    database.execute_sql(
        "CREATE TEMP TABLE bench_entry (id INTEGER PRIMARY KEY, household_id TEXT NOT NULL, "
        "points INTEGER NOT NULL, kind TEXT NOT NULL, task_id TEXT, redemption_id INTEGER, "
        "reverses_id INTEGER, qty INTEGER NOT NULL, note TEXT NOT NULL, operator TEXT NOT NULL, "
        "station TEXT NOT NULL, time TEXT NOT NULL)"
    )
    database.execute_sql(
        "CREATE TEMP TABLE bench_award (k INTEGER PRIMARY KEY, task TEXT NOT NULL, "
        "qty INTEGER NOT NULL, points INTEGER NOT NULL)"
    )
    database.connection().executemany(
        "INSERT INTO temp.bench_award VALUES (?, ?, ?, ?)",
        [(k, *choice) for k, choice in enumerate(awards)],
    )
    low, _ = id_range(STATION)
    database.execute_sql(
        SCORING,
        {
            "rounds": rounds,
            "households": households,
            "entries": entries,
            "low": low,
            "choices": len(awards),
            "round_minutes": ROUND_DAYS * 1440,
            "first_day": stamp(FIRST_DAY),
            "deduction_task": deduction[0],
            "deduction_points": deduction[1],
            "award_note": AWARD_NOTE,
            "deduction_note": DEDUCTION_NOTE,
            "station": STATION,
        },
    )
    return Scoring(rounds, entries, FIRST_DAY + timedelta(days=rounds * ROUND_DAYS))


def _award_choices() -> tuple[list[tuple[str, int, int]], tuple[str, int]]:
    """(task, qty, points) for each task given at its cap; the mildest deduction."""
    tasks = database.execute_sql(
        "SELECT code, points, cap FROM task WHERE active = 1 ORDER BY code"
    ).fetchall()
    awards = [
        (code, cap // points, cap // points * points)
        for code, points, cap in tasks
        if points > 0 and cap and cap // points * points >= MIN_AWARD
    ]
    deductions = [
        (code, points)
        for code, points, cap in tasks
        if points < 0 and (cap is None or cap >= -points)
    ]
    deduction = max(deductions, key=lambda d: d[1])
    # Four rounds can fall in one month: four different tasks keep every monthly cap.
    if len(awards) < 4 or -deduction[1] >= MIN_AWARD:
        raise ValueError("the rules sheet cannot make a valid bench history")
    return awards, deduction


SCORING = """
WITH RECURSIVE rounds(r) AS (SELECT 0 UNION ALL SELECT r + 1 FROM rounds WHERE r + 1 < :rounds)
INSERT INTO temp.bench_entry (id, household_id, points, kind, task_id, qty, note, operator,
                              station, time)
SELECT :low + 1 + r * :households + pos, number,
       CASE WHEN deduct THEN :deduction_points ELSE points END,
       CASE WHEN deduct THEN 'deduction' ELSE 'award' END,
       CASE WHEN deduct THEN :deduction_task ELSE task END,
       CASE WHEN deduct THEN 1 ELSE qty END,
       CASE WHEN deduct THEN :deduction_note ELSE :award_note END,
       CASE WHEN township = 0 THEN 'cadre' ELSE 'manager' END, :station,
       datetime(:first_day, '+' || (r * :round_minutes + minute) || ' minutes')
FROM (SELECT r, h.pos, h.number, v.township, v.minute, a.task, a.qty, a.points,
             r >= 2 AND (h.pos * 31 + r * 7) % 20 = 0 AS deduct
      FROM rounds CROSS JOIN temp.bench_household h
      JOIN temp.bench_village v ON v.pos = h.village
      JOIN temp.bench_award a ON a.k = (h.pos + r) % :choices
      WHERE r * :households + h.pos < :entries)
"""
