"""The county world's county on both engines, for the update tests (tests/county_copies.py)."""

from tests.county_copies import county, county_engine, world_template  # noqa: F401 - fixtures
