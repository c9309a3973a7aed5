"""Logs hold no personal data and no forged lines: a filing that fails in the database, and a registration and its
logins, leave their canaries in no log (gunicorn's access and error log with the application's lines, the worker's, the relay's, the embedded
PostgreSQL's), and a path with an encoded newline cannot start a line of its own."""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import text

from app.extensions import db
from app.departments.models import Category

ROOT = Path(__file__).resolve().parents[2]
CANARIES = {"title": "CANARYTITLE 4f1d", "description": "CANARYDESC 8e2a описание на проблема",
            "name": "CANARYNAME 77c3", "email": "canary.77c3@example.org", "place_description": "CANARYPLACE 1b9"}
FAIL_ON_CANARY = """
CREATE OR REPLACE FUNCTION test_fail_on_canary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.description LIKE 'CANARYDESC%' THEN RAISE EXCEPTION 'forced failure for the log test'; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER test_fail_on_canary BEFORE INSERT ON signals FOR EACH ROW EXECUTE FUNCTION test_fail_on_canary();
"""


ACCOUNT_CANARIES = {"first_name": "CANARYFIRST 91", "last_name": "CANARYLAST 92", "address": "CANARYADDR 93",
                    "phone": "+359700939393", "email": "canary.reg91@example.org",
                    "password": "CANARYPASS-lantern-harbour-91"}


def _register_and_log_in(opener, base: str) -> None:
    """A registration (its confirmation mail goes to the worker), a wrong password and a right one."""
    def token(path: str) -> str:
        page = opener.open(base + path).read().decode()
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    opener.open(base + "/account/register", data=urlencode({
        **ACCOUNT_CANARIES, "kind": "person", "locale": "bg", "csrf_token": token("/account/register")}).encode())
    for password in ("CANARYWRONG-9x", ACCOUNT_CANARIES["password"]):
        opener.open(base + "/account/login", data=urlencode({
            "email": ACCOUNT_CANARIES["email"], "password": password, "csrf_token": token("/account/login")}).encode())


def _postgres_log() -> Path | None:
    found = sorted(glob.glob("/var/log/postgresql/postgresql-*-main.log"))
    return Path(found[-1]) if found else None


def _process(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


@pytest.fixture
def failing_inserts(demo_city):
    with db.engine.begin() as conn:
        conn.execute(text(FAIL_ON_CANARY))
    yield
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS test_fail_on_canary ON signals; "
                          "DROP FUNCTION IF EXISTS test_fail_on_canary()"))


def test_a_filing_that_fails_in_the_database_leaves_no_canary_in_any_log(failing_inserts, live_server, test_config,
                                                                         tmp_path):
    env = {**os.environ, "DATABASE_URL": test_config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": test_config["REDIS_URL"],
           "RQ_QUEUE": test_config["RQ_QUEUE"], "VAR_DIR": str(tmp_path), "RELAY_INTERVAL": "0.5",
           "FILER_TOKEN_KEY": "logs-test"}
    bin_dir = Path(sys.executable).parent
    others = [_process([str(bin_dir / "rq"), "worker", "-w", "app.worker.AppWorker", "--url", env["REDIS_URL"],
                        env["RQ_QUEUE"]], env,
                       tmp_path / "worker.log"),
              _process([str(bin_dir / "flask"), "--app", "wsgi", "relay"], env, tmp_path / "relay.log")]
    pg_log = _postgres_log()
    if pg_log is None and not os.environ.get("TEST_DATABASE_URL"):    # the embedded server's log must be read
        pytest.fail("the embedded PostgreSQL's log (/var/log/postgresql/postgresql-*-main.log) was not found")
    pg_start = pg_log.stat().st_size if pg_log else 0
    try:
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(live_server + "/signals/new").read().decode()
        hidden = dict(re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]+)"', form))
        category = db.session.scalar(db.select(Category.code).where(Category.kind == "problem"))
        data = {**hidden, "kind": "problem", "category": category, "lat": "42.694517", "lon": "23.326517",
                "district": "", "website": "", **CANARIES}
        with pytest.raises(urllib.error.HTTPError) as failed:
            opener.open(live_server + "/signals/new", data=urlencode(data).encode())
        page = failed.value.read().decode()
        assert failed.value.code == 500 and 'id="error-id"' in page
        error_id = re.search(r'id="error-id">([0-9a-f]+)<', page).group(1)
        with pytest.raises(urllib.error.HTTPError):
            opener.open(live_server + "/nope%0aFORGED%0d%00x")
        _register_and_log_in(opener, live_server)
        time.sleep(2)                       # the relay passes a few times; the worker idles
    finally:
        for process in others:
            process.terminate()
            process.wait(10)
    logs = {name: (tmp_path / name).read_text(errors="replace") for name in ("gunicorn.log", "worker.log", "relay.log")}
    if pg_log:
        with pg_log.open("rb") as handle:
            handle.seek(pg_start)
            logs["postgresql"] = handle.read().decode(errors="replace")
        assert "forced failure for the log test" in logs["postgresql"]     # the failure itself is logged …
    assert error_id in logs["gunicorn.log"]                                # … and so is our error line
    for name, content in logs.items():
        for canary in [*CANARIES.values(), "42.694517", "23.326517", *ACCOUNT_CANARIES.values(), "CANARYWRONG"]:
            assert canary.split()[0] not in content, (name, canary)
    assert not [line for line in logs["gunicorn.log"].splitlines() if line.startswith("FORGED")]
    assert "/nope\\nFORGED\\r\\x00x" in logs["gunicorn.log"]
