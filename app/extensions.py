"""Flask extensions, created unbound and attached in create_app (init_app pattern)."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention for Alembic."""

    metadata = MetaData(naming_convention=NAMING)


def _client_ip() -> str:
    from flask import request

    return request.remote_addr or "unknown"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=_client_ip)


def redis_client(app=None):
    """The web process's Redis client: short timeouts and no retries, so an outage never blocks a request."""
    from flask import current_app
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    app = app or current_app
    client = app.extensions.get("redis_client")
    if client is None:
        timeout = app.config["REDIS_TIMEOUT"]
        client = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=timeout,
                                socket_timeout=timeout, retry=Retry(NoBackoff(), 0),
                                retry_on_timeout=False)
        app.extensions["redis_client"] = client
    return client
