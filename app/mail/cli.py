"""`flask relay` and `flask mailsink`."""

from flask import Flask


def register(app: Flask) -> None:
    """Add the mail commands to the app's CLI."""
