"""`flask calendar …` (the working-day calendar), `flask decide …` (who may decide) and `flask moderate …`
(moderation from the terminal, beside the console: the same services).

Commands are views for the terminal: they call one service and commit.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app import clock
from app.accounts.services import by_email
from app.departments.models import Department
from app.extensions import db
from signals import calendar, map_cells, queries, registry
from signals.models import HiddenReason, Signal
from signals.services import blocklist, decisions, moderation
from signals.services.errors import InvalidInput

calendar_cli = AppGroup("calendar", help="The working-day calendar (calendar_days).")
moderate_cli = AppGroup("moderate", help="Approve, hide or unhide public items; hold new ones during a spam wave; "
                                          "block addresses.")
map_cli = AppGroup("map", help="The map's cell counts.")
decide_cli = AppGroup("decide", help="Who may decide information requests and proposals (per department).")


@decide_cli.command("grant")
@click.argument("email")
@click.argument("department")
@click.option("--revoke", is_flag=True, help="Take the authorisation back.")
def grant_command(email: str, department: str, revoke: bool) -> None:
    """Authorise the official with EMAIL to decide for the DEPARTMENT (its code) they are a member of."""
    user = by_email(email)
    found = db.session.scalar(select(Department).where(Department.code == department))
    if user is None or found is None:
        raise click.ClickException("no such account or department")
    try:
        decisions.authorise(user, found.id, not revoke)
    except InvalidInput:
        raise click.ClickException(f"{email} is not a member of {department}") from None
    db.session.commit()
    click.echo(f"{email}: {'may not' if revoke else 'may'} decide for {department}")


@map_cli.command("rebuild")
def rebuild_command() -> None:
    """Recount every map cell from the signals (after a bulk load or a restore)."""
    counted = map_cells.rebuild()
    db.session.commit()
    click.echo(f"map: {counted} public signals counted into cells")


@calendar_cli.command("sync")
@click.option("--span", default=3, show_default=True, help="Years before and after the current one.")
def sync_command(span: int) -> None:
    """Fill the calendar from official holidays for ±SPAN years (idempotent; admin edits kept)."""
    written = calendar.sync(clock.today().year, span)
    db.session.commit()
    click.echo(f"calendar: {written} days synced ({clock.today().year - span}–{clock.today().year + span})")


def _item(number: str) -> Signal:
    signal = registry.find(number)
    if signal is None:
        raise click.ClickException(f"no item {number!r}")
    return signal


@moderate_cli.command("list")
def list_command() -> None:
    """Items waiting for review (texts or photos)."""
    items = db.session.scalars(queries.moderation_queue()).all()
    click.echo(f"hold: {'on' if moderation.hold_is_on() else 'off'}; waiting: {len(items)}")
    for item in items:
        photos = len(moderation.waiting_photos(item))
        click.echo(f"{item.number}\t{item.kind.value}\t{'text' if not item.text_approved else '-'}\t"
                   f"{photos} photo(s)\t{item.title[:60]}")


def _moderate(number: str, write, outcome: str) -> None:
    """Apply one moderation service to an item and commit (the command is the view)."""
    signal = _item(number)
    try:
        write(signal)
    except InvalidInput as error:
        db.session.rollback()
        raise click.ClickException(f"{signal.number}: {error}") from None
    db.session.commit()
    click.echo(f"{signal.number}: {outcome}")


@moderate_cli.command("approve")
@click.argument("number")
def approve_command(number: str) -> None:
    """Publish an item's text and photos."""
    _moderate(number, lambda signal: moderation.approve(signal, None), "approved")


@moderate_cli.command("hide")
@click.argument("number")
@click.argument("reason", type=click.Choice([r.value for r in HiddenReason]))
def hide_command(number: str, reason: str) -> None:
    """Hide a public item, with a reason category shown on its card."""
    _moderate(number, lambda signal: moderation.hide(signal, HiddenReason(reason), None), f"hidden ({reason})")


@moderate_cli.command("unhide")
@click.argument("number")
def unhide_command(number: str) -> None:
    """Show a hidden item again."""
    _moderate(number, lambda signal: moderation.unhide(signal, None), "shown again")


@moderate_cli.command("hold")
@click.argument("state", type=click.Choice(["on", "off"]))
def hold_command(state: str) -> None:
    """Hold every new public item for review (on), or publish problems at once again (off)."""
    moderation.set_hold(state == "on", None)
    db.session.commit()
    click.echo(f"hold: {state}")


@moderate_cli.command("block")
@click.argument("address")
@click.option("--reason", default="", help="Why (shown to moderators in the console).")
def block_command(address: str, reason: str) -> None:
    """Block an address (name@example.org) or a domain (@example.org): its public reports wait for review and no
    mail goes to it."""
    try:
        entry = blocklist.block(address, reason, None)
    except blocklist.AlreadyBlocked as error:
        raise click.ClickException(f"{error} is blocked already") from None
    except InvalidInput:
        raise click.ClickException(f"not an address or a @domain: {address[:80]!r}") from None
    db.session.commit()
    click.echo(f"blocked: {entry.pattern}")


@moderate_cli.command("unblock")
@click.argument("address")
def unblock_command(address: str) -> None:
    """Remove an address or a domain from the blocklist."""
    entry = blocklist.find(address)
    if entry is None:
        raise click.ClickException(f"not on the blocklist: {address[:80]!r}")
    pattern = entry.pattern
    blocklist.unblock(entry, None)
    db.session.commit()
    click.echo(f"unblocked: {pattern}")


@moderate_cli.command("blocked")
def blocked_command() -> None:
    """The blocklist."""
    for entry in db.session.scalars(blocklist.entries()):
        click.echo(f"{entry.pattern}\t{entry.created_at:%Y-%m-%d}\t{entry.reason}")
