"""`flask calendar ...`: the working-day calendar."""

import click
from flask.cli import AppGroup

from app import clock
from app.extensions import db
from signals import calendar

calendar_cli = AppGroup("calendar", help="The working-day calendar (calendar_days).")


@calendar_cli.command("sync")
@click.option("--span", default=3, show_default=True, help="Years before and after the current one.")
def sync_command(span: int) -> None:
    """Fill the calendar from official holidays for ±SPAN years (idempotent; admin edits kept)."""
    written = calendar.sync(clock.today().year, span)
    db.session.commit()
    click.echo(f"calendar: {written} days synced ({clock.today().year - span}–{clock.today().year + span})")
