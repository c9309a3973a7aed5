"""gunicorn settings for `make run`: loopback only, and an access log without personal data."""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '5000')}"
worker_class = "gthread"
workers = 2
threads = 4
graceful_timeout = 5
accesslog = "-"
# No client IP, no request line (it holds the query string, e.g. filer tokens), no referer:
# method, path without query, status, bytes, duration in ms.
access_log_format = '%(m)s %(U)s %(s)s %(B)s %(M)sms'
errorlog = "-"
