"""The application factory. Nothing here touches the database at import or start-up."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app; `config` overrides the environment (tests)."""
    from app import config as settings

    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(settings.load(config))
    settings.check_production(app.config)

    from app import clock

    clock.configure(app.config["APP_TIMEZONE"])
    _init_extensions(app)
    if app.config["TRUSTED_PROXY_COUNT"]:
        n = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)

    _import_models()
    _register_blueprints(app)
    _register_cli(app)
    # Receivers connect to signals.events when imported: the higher layer listens.
    import subscriptions.receivers  # noqa: F401

    from app.security import init_security
    from app.templating import init_templating

    from app.errors import init_errors

    init_security(app)
    init_templating(app)
    init_errors(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: app.config["APP_TIMEZONE"])
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    from app.accounts.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    from app.mail.outbox import install_after_commit_hook

    install_after_commit_hook(app)


def select_locale() -> str:
    """The `lang` cookie, then the browser's Accept-Language, then Bulgarian."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def _import_models() -> None:
    import app.accounts.models  # noqa: F401
    import app.audit  # noqa: F401
    import app.departments.models  # noqa: F401
    import app.mail.models  # noqa: F401
    import app.site_settings  # noqa: F401
    import geo.models  # noqa: F401
    import signals.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    import signals.item_views  # noqa: F401  (routes on the signals blueprint)
    from app.health import bp as health_bp
    from signals.views import bp as signals_bp

    from app.info.views import bp as info_bp
    from geo.views import bp as maps_bp
    from geo.views import district_attribution, page_map

    app.register_blueprint(health_bp)
    app.register_blueprint(signals_bp)
    app.register_blueprint(info_bp)
    app.register_blueprint(maps_bp)
    app.jinja_env.globals.update(page_map=page_map, district_attribution=district_attribution)


def _register_cli(app: Flask) -> None:
    from app.mail.cli import register as register_mail
    from app.seed import seed_cli
    from geo.cli import areas_cli
    from signals.cli import calendar_cli
    from signals.moderation_cli import moderate_cli

    app.cli.add_command(areas_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(moderate_cli)
    register_mail(app)
    _register_daily_tasks(app)


def _register_daily_tasks(app: Flask) -> None:
    """Tasks the relay runs once per local day (app.mail sits below the domains, so they are named here)."""
    from app import clock
    from signals import calendar, retention

    app.extensions["daily_tasks"] = {
        "calendar-sync": lambda: calendar.sync(clock.today().year, 3),
        "retention-purge": retention.purge,
    }
