"""gunicorn settings for `make run`: loopback only, an access log without personal data or forged lines,
and a control socket of this instance's own (two `make run` on one machine never share one)."""

import os
from pathlib import Path

bind = f"127.0.0.1:{os.environ.get('PORT', '5000')}"
worker_class = "gthread"
workers = 2
threads = 4
graceful_timeout = 5
accesslog = "-"
# No client IP, no request line (it holds the query string, e.g. filer tokens), no referer:
# method, path without query, status, bytes, duration in ms. Every atom is escaped (app.logs).
access_log_format = '%(m)s %(U)s %(s)s %(B)s %(M)sms'
logger_class = "app.logs.SafeGunicornLogger"
errorlog = "-"
_var = Path(os.environ.get("VAR_DIR") or Path(__file__).resolve().parent / "var")
_var.mkdir(parents=True, exist_ok=True)
control_socket = str(_var / "gunicorn.ctl")
