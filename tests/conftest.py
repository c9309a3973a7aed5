"""Shared fixtures: a fresh PostgreSQL+PostGIS test database per session, real Redis, savepoint-per-test.

Fixture modules live in tests/fixtures/ and are loaded as plugins here.
"""

pytest_plugins = [
    "tests.fixtures.accounts",
    "tests.fixtures.clamd",
    "tests.fixtures.database",
    "tests.fixtures.factories",
    "tests.fixtures.places",
    "tests.fixtures.services",
]
