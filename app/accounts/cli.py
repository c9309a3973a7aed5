"""`flask accounts …`: change a user's role (until the admin console exists); the change ends their sessions."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.accounts import services
from app.accounts.models import Role
from app.unit_of_work import unit_of_work

accounts_cli = click.Group("accounts", help="User accounts.")


@accounts_cli.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice([role.value for role in Role]))
@with_appcontext
def role_command(email: str, role: str) -> None:
    """Give the account of EMAIL the ROLE; every session of it ends."""
    user = services.by_email(email)
    if user is None:
        raise click.ClickException("no account has this address")
    with unit_of_work():
        services.change_role(user, Role(role))
    click.echo(f"{user.email}: {role}; every session ended")
