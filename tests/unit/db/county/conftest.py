"""The county tests' county, on both engines (tests/county_copies.py)."""

from tests.county_copies import (  # noqa: F401 - fixtures
    county,
    county_engine,
    county_from,
    county_with,
    world_template,
)
