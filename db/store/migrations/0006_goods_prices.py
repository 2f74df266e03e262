"""Goods a station adds itself, and prices with their history (docs/design.md §3, §4.13).

Frozen as SQL like 0001. It adds
- `item.station`: NULL for the county's catalog; for an item a station added on its own
  (its local goods), that station's code. A local item's code (`L03-0001`) and its in-store
  barcode (`2103xxxxxxxxC`) are derived from the station's number, so two stations never
  give the same code or barcode (catalog/local_codes.py);
- `item_price`: every price change (明码标分) of an item, from `since` on: the price before
  and after, who changed it and where. Rows are entries: neither changed nor deleted. The
  price of an item at a moment is answered in one place, db/books/catalog_at.py.
"""

STATEMENTS = (
    "ALTER TABLE item ADD COLUMN station TEXT",
    """CREATE TABLE item_price (
    id INTEGER NOT NULL PRIMARY KEY,
    item_id VARCHAR(255) NOT NULL REFERENCES item (code),
    since TEXT NOT NULL,
    old_price INTEGER NOT NULL CHECK (typeof(old_price) = 'integer' AND old_price > 0),
    price INTEGER NOT NULL CHECK (typeof(price) = 'integer' AND price > 0),
    operator TEXT NOT NULL, station TEXT NOT NULL)""",
    "CREATE INDEX item_price_item_id_since ON item_price (item_id, since)",
    "CREATE TRIGGER item_price_no_update BEFORE UPDATE ON item_price "
    "BEGIN SELECT RAISE(ABORT, 'item_price rows are immutable: write a reversal instead'); END",
    "CREATE TRIGGER item_price_no_delete BEFORE DELETE ON item_price "
    "BEGIN SELECT RAISE(ABORT, 'item_price rows are immutable: write a reversal instead'); END",
)


def up(migrator, db):
    for sql in STATEMENTS:
        db.execute_sql(sql)
