"""The file-size filter: never "0 KB" for a small file, megabytes with the locale's decimal mark."""

from __future__ import annotations

from flask_babel import force_locale

from app.web.templating import filesize


def test_file_sizes_read_as_people_expect(app):
    with app.test_request_context():
        assert filesize(0) == "1 KB" and filesize(300) == "1 KB" and filesize(10 * 1024) == "10 KB"
        with force_locale("bg"):
            assert filesize(int(2.5 * 1024 * 1024)) == "2,5 MB"
        with force_locale("en"):
            assert filesize(int(2.5 * 1024 * 1024)) == "2.5 MB"
