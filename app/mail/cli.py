"""`flask relay` and `flask mailsink`."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("relay")
@click.option("--once", is_flag=True, help="One pass, then exit.")
@with_appcontext
def relay_command(once: bool) -> None:
    """Re-enqueue undelivered mail and run the daily tasks, every RELAY_INTERVAL seconds."""
    from app.mail import relay

    if once:
        enqueued, ran = relay.run_once()
        click.echo(f"relay: {enqueued} re-enqueued; daily tasks run: {', '.join(ran) or 'none'}")
        return
    click.echo(f"relay: every {current_app.config['RELAY_INTERVAL']}s, "
               f"re-enqueueing mail older than {current_app.config['RELAY_STALE_AFTER']}s")
    relay.run_forever(current_app._get_current_object())


@click.command("mailsink")
@click.option("--port", type=int, default=None, help="Default: SMTP_PORT (8025).")
@with_appcontext
def mailsink_command(port: int | None) -> None:
    """A local SMTP server on 127.0.0.1 that writes every message to MAIL_DIR (var/mail/)."""
    from app.mail.sink import serve

    directory = Path(current_app.config["MAIL_DIR"])
    controller = serve(directory, port or current_app.config["SMTP_PORT"])
    click.echo(f"mailsink: 127.0.0.1:{controller.port} → {directory}/")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()
