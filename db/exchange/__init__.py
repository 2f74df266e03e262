"""The files that travel between a station and its county: their tables, sealing and opening
them, the station's monthly export, checking a month file on its own, and a station taking in
its setup and update files. Imports `db.books`, `db.store` and `catalog`."""
