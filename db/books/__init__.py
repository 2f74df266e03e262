"""The station's books: operators and roles, households, cards, the points ledger and its
services (awards, redemptions, corrections), goods and stock, setup, figures and `verify`.
Imports `db.store` and `catalog`."""
