"""Two `make run` on one machine stay apart: INSTANCE (default: the clone's folder) names the database, the
test database, the queue and the rate-limit keys; gunicorn's control socket lives in the instance's var/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.config import embedded_names, instance_name, load

ROOT = Path(__file__).resolve().parents[1]


def test_each_instance_has_its_own_names():
    one, two = load(environ={"INSTANCE": "Alpha"}), load(environ={"INSTANCE": "beta-2"})
    assert one["SQLALCHEMY_DATABASE_URI"].endswith("/contact_centre_alpha?host=/var/run/postgresql")
    assert two["SQLALCHEMY_DATABASE_URI"].endswith("/contact_centre_beta_2?host=/var/run/postgresql")
    assert (one["RQ_QUEUE"], two["RQ_QUEUE"]) == ("cc-alpha", "cc-beta_2")
    assert one["RATELIMIT_KEY_PREFIX"] != two["RATELIMIT_KEY_PREFIX"]
    assert embedded_names({"INSTANCE": "Alpha"})["TEST_DB_NAME"] == "contact_centre_alpha_test"


def test_without_instance_the_clones_folder_names_it():
    assert instance_name({}, Path("/home/ann/Contact Centre-2")) == "contact_centre_2"
    assert instance_name({}, Path("/")) == "main"
    assert instance_name({"INSTANCE": "x"}, Path("/home/ann/other")) == "x"


def test_explicit_settings_still_win():
    cfg = load(environ={"INSTANCE": "alpha", "DATABASE_URL": "postgresql://db.example.org/cc", "RQ_QUEUE": "mail"})
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg2://db.example.org/cc" and cfg["RQ_QUEUE"] == "mail"


def test_the_bootstrap_reads_the_same_names():
    out = subprocess.run([sys.executable, "-m", "app.config", "names"], cwd=ROOT, capture_output=True, text=True,
                         env={"INSTANCE": "gamma", "PATH": "/usr/bin:/bin"}, check=True).stdout
    assert "DB_NAME=contact_centre_gamma\n" in out and "RQ_QUEUE=cc-gamma\n" in out


def test_gunicorns_control_socket_is_in_the_instances_var(tmp_path, monkeypatch):
    namespace: dict = {"__file__": str(ROOT / "gunicorn.conf.py")}
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)
    assert namespace["control_socket"] == str(tmp_path / "gunicorn.ctl")
    assert namespace["logger_class"] == "app.logs.SafeGunicornLogger"
