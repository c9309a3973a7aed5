"""`flask calendar ...`: the working-day calendar."""

from flask.cli import AppGroup

calendar_cli = AppGroup("calendar", help="The working-day calendar (calendar_days).")
