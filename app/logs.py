"""Logs that hold no personal data and cannot be forged.

- Text that a visitor controls (a path, a typed value) reaches a log line only through
  `escape`: control characters, newlines included, become visible escapes, so
  `/nope%0aFORGED` cannot start a line of its own. `install()` escapes the arguments
  of every log record in this process, whoever logs it; gunicorn's access log uses
  `SafeGunicornLogger`.
- An exception is logged by `exception_line`: its type, its frames and, for a database
  error, the statement with placeholders, never its message, which may quote the
  values it got (a resident's description, an address, a position).
"""

from __future__ import annotations

import logging
import traceback

from sqlalchemy.exc import StatementError

_CONTROL = {i: f"\\x{i:02x}" for i in range(0x20)} | {0x7F: "\\x7f", ord("\\"): "\\\\",
                                                        0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}
_CONTROL |= {c: f"\\u{c:04x}" for c in (0x85, 0x2028, 0x2029)}     # other line breaks


def escape(text: object) -> str:
    """A value as a log line may hold it: control characters and line breaks as escapes."""
    return str(text).translate(_CONTROL)


def exception_line(error: BaseException) -> str:
    """Type, frames and (for a database error) the statement with placeholders; never the message."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    statement = f"\nstatement: {error.statement}" if isinstance(error, StatementError) and error.statement else ""
    return f"{type(error).__module__}.{type(error).__qualname__}{statement}\n{frames}"


_installed: list[bool] = []


def install() -> None:
    """Escape the string arguments of every log record made in this process (once), and give the app's own
    lines a level and a time when nothing else (gunicorn's root, pytest) has configured logging."""
    if _installed:
        return
    _installed.append(True)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    make_record = logging.getLogRecordFactory()

    def safe_record(*args, **kwargs):
        record = make_record(*args, **kwargs)
        if isinstance(record.args, tuple):
            record.args = tuple(escape(a) if isinstance(a, str) else a for a in record.args)
        elif type(record.args) is dict:    # (gunicorn's own mapping escapes itself: SafeGunicornLogger)
            record.args = {k: escape(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return record

    logging.setLogRecordFactory(safe_record)


try:  # gunicorn is a dependency of `make run`, not of the application
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object


class SafeGunicornLogger(_GunicornLogger):
    """gunicorn's logger whose access-log atoms (the path above all) are escaped."""

    def atoms(self, resp, req, environ, request_time):
        """gunicorn's atoms, each string escaped."""
        values = super().atoms(resp, req, environ, request_time)
        return {key: escape(value) if isinstance(value, str) else value for key, value in values.items()}
