"""Security defaults: CSP on every response, cookie flags by PUBLIC_BASE_URL, CSRF, ProxyFix, production mode."""

from __future__ import annotations

import pytest
from flask import Blueprint, request

from app import create_app
from app.accounts.models import Role, User
from app.config import ConfigError, load


def test_every_response_carries_a_csp_without_inline_scripts(client):
    for path in ("/", "/healthz", "/no-such-page"):
        csp = client.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp


def test_tiles_host_is_allowed_only_when_configured(test_config):
    plain = create_app(test_config)
    tiled = create_app({**test_config, "TILE_URL": "https://tiles.example.org/{z}/{x}/{y}.png"})
    assert "tiles.example.org" not in plain.test_client().get("/healthz").headers["Content-Security-Policy"]
    assert "https://tiles.example.org" in tiled.test_client().get("/healthz").headers["Content-Security-Policy"]


@pytest.mark.parametrize("base,secure", [("http://127.0.0.1:5000", False), ("https://kc.sofia.example.org", True)])
def test_cookie_flags_follow_the_public_base_url(test_config, base, secure):
    app = create_app({**test_config, "PUBLIC_BASE_URL": base})
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def _probe_app(test_config, **extra):
    app = create_app({**test_config, **extra})
    bp = Blueprint("probe", __name__)

    @bp.route("/probe", methods=["GET", "POST"])
    def probe():
        return {"remote_addr": request.remote_addr, "scheme": request.scheme}

    app.register_blueprint(bp)
    return app


def test_a_post_without_csrf_token_is_refused(test_config):
    app = _probe_app(test_config)
    assert app.test_client().post("/probe", data={"x": "1"}).status_code == 400


def test_proxy_headers_are_trusted_only_when_configured(test_config):
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    direct = _probe_app(test_config).test_client().get("/probe", headers=headers).json
    proxied = _probe_app(test_config, TRUSTED_PROXY_COUNT=1).test_client().get("/probe", headers=headers).json
    assert direct == {"remote_addr": "127.0.0.1", "scheme": "http"}
    assert proxied == {"remote_addr": "203.0.113.9", "scheme": "https"}


@pytest.mark.parametrize("env,problem", [
    ({"PUBLIC_BASE_URL": "https://kc.example.org"}, "SECRET_KEY"),
    ({"SECRET_KEY": "x" * 40, "PUBLIC_BASE_URL": "http://kc.example.org"}, "https"),
    ({"SECRET_KEY": "x" * 40, "PUBLIC_BASE_URL": "https://kc.example.org", "DEBUG": "1"}, "DEBUG"),
    ({"SECRET_KEY": "x" * 40, "PUBLIC_BASE_URL": "https://kc.example.org"}, "FILER_TOKEN_KEY is not set"),
    ({"SECRET_KEY": "x" * 40, "FILER_TOKEN_KEY": "x" * 40, "PUBLIC_BASE_URL": "https://kc.example.org"},
     "FILER_TOKEN_KEY must differ"),
])
def test_production_refuses_unsafe_settings(env, problem):
    with pytest.raises(ConfigError, match=problem):
        create_app(load(environ={"APP_ENV": "production", **env}))


def test_production_starts_with_safe_settings(tmp_path):
    cfg = load(environ={"APP_ENV": "production", "SECRET_KEY": "x" * 40, "FILER_TOKEN_KEY": "y" * 40,
                        "PUBLIC_BASE_URL": "https://kc.example.org",
                        "VAR_DIR": str(tmp_path)})
    app = create_app(cfg)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_create_app_needs_no_database(test_config):
    app = create_app({**test_config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg2://127.0.0.1:1/nowhere"})
    assert app.name == "app"


def test_production_refuses_to_serve_while_demo_accounts_exist(test_config, committed):
    from app.accounts.safety import refuse_demo_accounts

    cfg = {**test_config, "APP_ENV": "production", "SECRET_KEY": "x" * 40, "PUBLIC_BASE_URL": "https://kc.example.org"}
    app = create_app(cfg)
    refuse_demo_accounts(app)  # no accounts yet: starts
    committed.add(User(email="admin@example.org", role=Role.admin))
    committed.commit()
    with pytest.raises(ConfigError, match="demo account"):
        refuse_demo_accounts(app)


def test_trusted_hosts_come_from_the_public_address_and_loopback_only_outside_production():
    from app.config import trusted_hosts

    production = {"PUBLIC_BASE_URL": "https://e-contact.sofia.bg/", "APP_ENV": "production",
                  "EXTRA_TRUSTED_HOSTS": ["contact.sofia.bg"]}
    assert trusted_hosts(production) == ["contact.sofia.bg", "e-contact.sofia.bg"]
    development = {"PUBLIC_BASE_URL": "http://127.0.0.1:5000", "APP_ENV": "development"}
    assert trusted_hosts(development) == ["127.0.0.1", "localhost"]
