"""A local SMTP sink for development: every message becomes a file in var/mail/ (mode 0600)."""

from __future__ import annotations

import os
import re
import time
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller

_UNSAFE = re.compile(r"[^A-Za-z0-9.@_-]+")


class MaildirSink:
    """aiosmtpd handler that writes each message as <time>-<message-id>.eml."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        """Store the message and accept it."""
        raw = envelope.original_content or envelope.content
        message_id = message_from_bytes(raw).get("Message-ID", "") or "no-id"
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{_UNSAFE.sub('_', message_id.strip('<>'))[:80]}.eml"
        path = self.directory / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        return "250 Message accepted for delivery"


def serve(directory: Path, port: int, host: str = "127.0.0.1") -> Controller:
    """Start the sink in a background thread; the caller stops it."""
    controller = Controller(MaildirSink(directory), hostname=host, port=port, enable_SMTPUTF8=True)
    controller.start()
    return controller
