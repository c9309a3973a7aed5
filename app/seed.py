"""`flask seed demo`: the demo city (Sofia's districts, departments, categories, accounts, signals)."""

from flask.cli import AppGroup

seed_cli = AppGroup("seed", help="Demo data.")
