"""The station's books: operators and roles, households, cards, the points ledger and its
services (awards, redemptions, corrections), goods and stock, setup, figures and `verify`.
What the screens and commands get back is a frozen value of `views.py`, never a model.
Imports `db.store` and `catalog`."""
