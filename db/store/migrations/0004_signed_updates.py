"""Updates only the county can make, in order (docs/design.md §10).

Frozen as SQL like 0001. It adds
- `county.public_key`: the county's Ed25519 public key (hex). At the county it pairs with the
  private key in the `setting` row `county_signing_key`, which no file that leaves the county
  copies; a station receives the public key in its setup file and checks every update with it;
- `station.update_seq`: the sequence number of update files — at the county, the last one sent
  to that station; at a station, on its own row, the last one it applied. An update whose
  number is not above the last applied changes nothing.
"""

from db.store.connection import is_postgres
from db.store.references import server_schema

STATEMENTS = (
    "ALTER TABLE county ADD COLUMN public_key TEXT",
    "ALTER TABLE station ADD COLUMN update_seq INTEGER NOT NULL DEFAULT 0 "
    "CHECK (typeof(update_seq) = 'integer')",
)


# PostgreSQL: the same columns (an INTEGER column holds nothing but integers there).
POSTGRES = (
    'ALTER TABLE county ADD COLUMN public_key TEXT COLLATE "C"',
    "ALTER TABLE station ADD COLUMN update_seq INTEGER NOT NULL DEFAULT 0",
)


def up(migrator, db):
    for sql in server_schema(POSTGRES) if is_postgres(db) else STATEMENTS:
        db.execute_sql(sql)
