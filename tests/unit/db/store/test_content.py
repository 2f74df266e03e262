"""The books' content digest (db/store/content.py): every table, in key order, the same for the
same rows on either engine, and changed by any change of any row."""

from __future__ import annotations

from datetime import datetime

from db.county import office
from db.store import content
from db.store.clock import FixedClock
from db.store.connection import close, connect, database

CLOCK = FixedClock(datetime(2026, 9, 20, 9))
# Made afresh by every `county init`: keys, PIN salts, the work log's ids.
RANDOM = ("audit", "county", "operator", "setting", "station")


def county(target) -> dict[str, str]:
    connect(target, create=True)
    office.init_county("451425", "天等县", CLOCK, pin="1234", card_key="11" * 32)
    return content.digests(skip=RANDOM)


def test_the_same_rows_give_the_same_digest_on_either_engine(county_db, tmp_path):
    here = county(county_db)
    close()
    assert here == county(tmp_path / "other.sqlite")  # a county file made the same way
    close()


def test_a_row_added_or_changed_shows_in_its_table_alone(county_db):
    before = county(county_db)
    with database.atomic():
        database.execute_sql("INSERT INTO township (code, name) VALUES ('451425101', '龙茗镇')")
    added = content.digests(skip=RANDOM)
    assert {t for t in before if before[t] != added[t]} == {"township"}
    with database.atomic():
        database.execute_sql("UPDATE township SET name = '龙茗乡' WHERE code = '451425101'")
    changed = content.digests(skip=RANDOM)
    assert {t for t in added if added[t] != changed[t]} == {"township"}
    assert "schema_migration" not in content.tables()  # when migrations ran is not content
    close()
