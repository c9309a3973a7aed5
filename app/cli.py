"""Every `flask …` command group, registered in one place (`flask --app wsgi --help` lists them)."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    """Add each package's commands to the app's CLI (imported here, inside create_app, never at import time)."""
    from app.accounts.cli import accounts_cli
    from app.mail.cli import mailsink_command, relay_command
    from app.seed import seed_cli
    from geo.cli import areas_cli, places_cli, streets_cli
    from signals.cli import calendar_cli, decide_cli, map_cli, moderate_cli

    for command in (areas_cli, places_cli, streets_cli, calendar_cli, decide_cli, map_cli, moderate_cli, seed_cli,
                    relay_command, mailsink_command, accounts_cli):
        app.cli.add_command(command)
