"""The application factory. Nothing here touches the database at import or start-up."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


class ContactCentre(Flask):
    """The Flask app, whose unexpected errors are logged once, by app.web.errors, with an error id."""

    def log_exception(self, exc_info) -> None:
        """Flask's own line would repeat the exception's message, which may quote personal data: skip it."""


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app; `config` overrides the environment (tests)."""
    from app import config as settings

    app = ContactCentre(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(settings.load(config))
    settings.check_production(app.config)

    from app import clock, logs

    clock.configure(app.config["APP_TIMEZONE"])
    logs.install()
    _init_extensions(app)
    if app.config["TRUSTED_PROXY_COUNT"]:
        n = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)

    _import_models()
    _register_blueprints(app)
    from app.cli import register_commands

    register_commands(app)
    _register_daily_tasks(app)
    # Receivers connect to signals.events when imported: the higher layer listens.
    import subscriptions.receivers  # noqa: F401

    from app.web import init_web

    init_web(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    from app import db_pool

    with app.app_context():
        db_pool.install(db.engine, app.config["DATABASE_PING_AFTER_IDLE"])
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: app.config["APP_TIMEZONE"])
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    from app.accounts import sessions

    sessions.install(app)

    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    from app.mail.outbox import install_after_commit_hook
    from app.unit_of_work import install_file_hooks

    install_after_commit_hook(app)
    install_file_hooks()
    import signals.map_cells

    signals.map_cells.install()


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
    import signals.map_cells  # noqa: F401
    import signals.models  # noqa: F401
    import signals.drafts  # noqa: F401
    import signals.uploads  # noqa: F401
    import subscriptions.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    import signals.console
    import signals.web
    from app.health import bp as health_bp
    from app.info.views import bp as info_bp
    from geo import place_views
    from geo.views import bp as maps_bp
    from geo.views import district_attribution, page_map, place_attributions

    app.register_blueprint(health_bp)
    signals.web.register(app)
    signals.console.register(app)
    app.register_blueprint(info_bp)
    app.register_blueprint(maps_bp)
    app.register_blueprint(place_views.api)
    app.register_blueprint(place_views.pages)
    from app.accounts import web as account_web

    account_web.register(app)
    from subscriptions import web as subscription_web

    from subscriptions import alerts, alerts_web, cabinet

    for blueprint in (subscription_web.bp, cabinet.bp, alerts_web.bp):
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(following=subscription_web.following, unread_messages=cabinet.unread_messages,
                                 alert_area=alerts.area_label, message_label=cabinet.message_label)
    app.jinja_env.globals.update(page_map=page_map, district_attribution=district_attribution,
                                 place_attributions=place_attributions)


def _register_daily_tasks(app: Flask) -> None:
    """What app.mail needs from the domains above it, named here: the relay's daily tasks, and the
    resolver that fills a filer's tracking token into a mail at delivery."""
    from app import clock
    from signals import calendar, map_cells, tokens, uploads, virus_scan
    from signals.services import retention

    app.extensions["daily_tasks"] = {
        "calendar-sync": lambda: calendar.sync(clock.today().year, 3),
        "retention-purge": retention.purge,
        "map-cells-purge": map_cells.purge,
    }
    app.extensions["pass_tasks"] = {"pending-photos": uploads.purge, "attachment-scan": virus_scan.rescan_pending}
    app.extensions["filer_token_for"] = tokens.for_item
    from app.accounts import links, services as account_services, sessions
    from signals.services import account_data

    from signals import drafts

    from signals.services import clarification, deadline_care, fix_check

    app.extensions["daily_tasks"].update({"sessions-purge": sessions.purge, "drafts-purge": drafts.purge,
                                          "clarification-expiry": clarification.expire_clarifications,
                                          "deadline-reminders": deadline_care.remind,
                                          "fix-check-closing": fix_check.close_unanswered,
                                          "unconfirmed-accounts-purge": account_services.purge_unconfirmed})
    app.extensions["account_token_for"] = links.token_for
    from subscriptions import fanout
    from subscriptions import retention as subscription_retention
    from subscriptions import tokens as follow_tokens

    app.extensions["daily_tasks"]["subscriptions-purge"] = subscription_retention.purge
    from subscriptions import alerts

    app.extensions["pass_tasks"].update({"notices": fanout.requeue_stale, "alert-digests": alerts.send_digests})
    app.extensions["follow_token_for"] = follow_tokens.for_mail
    app.extensions["mail_withheld"] = fanout.withheld
    app.extensions["notices_waiting"] = fanout.waiting
    app.extensions["account_data"] = {"items": account_data.export}
    app.extensions["account_forgetters"] = [account_data.forget]
