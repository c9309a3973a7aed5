"""Settings: the only module that reads os.environ."""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PG_SOCKET_DIR = "/var/run/postgresql"
EMBEDDED_REDIS_URL = "redis://127.0.0.1:6379/0"


class ConfigError(RuntimeError):
    """The settings are unsafe or inconsistent for the chosen mode."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_name(env, root: Path = PROJECT_ROOT) -> str:
    """INSTANCE, or the clone's folder name: what keeps two `make run` on one machine apart."""
    raw = env.get("INSTANCE") or root.name
    name = re.sub(r"[^a-z0-9_]+", "_", raw.lower()).strip("_")[:30]
    return name or "main"


def embedded_names(env) -> dict[str, str]:
    """The per-instance names of the embedded services: databases and the rq queue."""
    instance = instance_name(env)
    return {"INSTANCE": instance, "DB_NAME": f"contact_centre_{instance}",
            "TEST_DB_NAME": f"contact_centre_{instance}_test", "RQ_QUEUE": f"cc-{instance}"}


def load(overrides: dict | None = None, environ: dict | None = None) -> dict:
    """Build the Flask config from the environment, then apply overrides (tests)."""
    env = os.environ if environ is None else environ
    port = env.get("PORT", "5000")
    names = embedded_names(env)
    embedded = f"postgresql:///{names['DB_NAME']}?host={PG_SOCKET_DIR}"
    database_url = sqlalchemy_url(env.get("DATABASE_URL") or embedded)
    var_dir = Path(env.get("VAR_DIR") or PROJECT_ROOT / "var")
    smtp_host = env.get("SMTP_HOST", "")
    cfg: dict = {
        "APP_ENV": env.get("APP_ENV", "development"),
        "INSTANCE": names["INSTANCE"],
        "DEBUG": _flag(env.get("DEBUG")),
        "SECRET_KEY": env.get("SECRET_KEY", ""),
        # Derives filer tokens (tracking links); its own key, so rotating SECRET_KEY never breaks old links.
        "FILER_TOKEN_KEY": env.get("FILER_TOKEN_KEY", ""),
        # Host names accepted besides PUBLIC_BASE_URL's (comma-separated), e.g. a load balancer's health probe.
        "EXTRA_TRUSTED_HOSTS": [h.strip() for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip()],
        "APP_TIMEZONE": env.get("APP_TIMEZONE", "Europe/Sofia"),
        "JURISDICTION": env.get("JURISDICTION", "BG"),
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or f"http://127.0.0.1:{port}").rstrip("/"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DATABASE_IS_EMBEDDED": not env.get("DATABASE_URL"),
        "DEMO": _flag(env.get("DEMO")),
        "DEMO_PASSWORD": env.get("DEMO_PASSWORD", ""),
        # A pooled connection idle this long is pinged before use (app/db_pool.py); others go straight to work.
        "DATABASE_PING_AFTER_IDLE": _seconds(env.get("DATABASE_PING_AFTER_IDLE", "5")),
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "hide_parameters": True,   # a database error's text never carries the values it got
            # No parallel workers for this OLTP service: for the map's small boxes they only cost (bench_city).
            "connect_args": {"connect_timeout": int(env.get("DATABASE_CONNECT_TIMEOUT", "3")),
                             "options": "-c max_parallel_workers_per_gather=0"},
        },
        "REDIS_URL": env.get("REDIS_URL") or EMBEDDED_REDIS_URL,
        "REDIS_TIMEOUT": float(env.get("REDIS_TIMEOUT", "0.5")),
        "RQ_QUEUE": env.get("RQ_QUEUE") or names["RQ_QUEUE"],
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX") or names["INSTANCE"],
        "RELAY_STALE_AFTER": _seconds(env.get("RELAY_STALE_AFTER", "120")),
        "RELAY_INTERVAL": _seconds(env.get("RELAY_INTERVAL", "15")),
        "SMTP_HOST": smtp_host or "127.0.0.1",
        "SMTP_PORT": int(env.get("SMTP_PORT") or ("8025" if not smtp_host else "25")),
        "SMTP_SECURITY": env.get("SMTP_SECURITY", "none"),
        # DKIM signing of every mail (dkimpy) when all three are set: the signing domain, the selector whose TXT
        # record holds the public key, and the path of the private key (PEM).
        "DKIM_DOMAIN": env.get("DKIM_DOMAIN", ""),
        "DKIM_SELECTOR": env.get("DKIM_SELECTOR", ""),
        "DKIM_PRIVATE_KEY_FILE": env.get("DKIM_PRIVATE_KEY_FILE", ""),
        "SMTP_USER": env.get("SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT", "30")),
        # Mail to addresses with non-ASCII local parts (иван@…): only when the server offers SMTPUTF8.
        "SMTP_SMTPUTF8": _flag(env.get("SMTP_SMTPUTF8")),
        "MAIL_SINK": not smtp_host,
        "MAIL_FROM": env.get("MAIL_FROM", "Контактен център <noreply@contact-centre.example.org>"),
        "MAIL_REPLY_TO": env.get("MAIL_REPLY_TO", ""),
        "MAIL_DAILY_LIMIT_PER_ADDRESS": int(env.get("MAIL_DAILY_LIMIT_PER_ADDRESS", "3")),
        "VAR_DIR": str(var_dir),
        "MAIL_DIR": str(var_dir / "mail"),
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(var_dir / "uploads"),
        "TRUSTED_PROXY_COUNT": int(env.get("TRUSTED_PROXY_COUNT", "0")),
        "TILE_URL": env.get("TILE_URL", ""),
        "TILE_ATTRIBUTION": env.get("TILE_ATTRIBUTION", ""),
        "BABEL_DEFAULT_LOCALE": "bg",
        "BABEL_DEFAULT_TIMEZONE": env.get("APP_TIMEZONE", "Europe/Sofia"),
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": ("bg", "en", "ru"),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,  # three 10 MB photos and the form, with room to say "at most 3"
        "SERVICE_TARGET_DAYS": int(env.get("SERVICE_TARGET_DAYS", "30")),
        "DATA_CONTROLLER": {
            "name": env.get("CONTROLLER_NAME", "Столична община"),
            "address": env.get("CONTROLLER_ADDRESS", "гр. София 1000, ул. „Московска“ 33"),
            "email": env.get("CONTROLLER_EMAIL", "privacy@example.org"),
            "dpo_email": env.get("CONTROLLER_DPO_EMAIL", "dpo@example.org"),
        },
        "RETENTION_FILER_CONTACT_DAYS": int(env.get("RETENTION_FILER_CONTACT_DAYS", str(2 * 365))),
        "RETENTION_MAIL_DAYS": int(env.get("RETENTION_MAIL_DAYS", "90")),
        # Private kinds: days after closing until the sender snapshot is anonymised and attachments deleted.
        "RETENTION_PRIVATE_DAYS": {kind: int(env.get(f"RETENTION_DAYS_{kind.upper()}", str(5 * 365)))
                                   for kind in ("letter", "complaint", "proposal", "info_request")},
        # Optional virus scan of attachments by a ClamAV daemon: a unix socket path or host:port; empty = off.
        "CLAMD_SOCKET": env.get("CLAMD_SOCKET", ""),
        "CLAMD_TIMEOUT": float(env.get("CLAMD_TIMEOUT", "30")),
        "PHOTO_PREMODERATION": _flag(env.get("PHOTO_PREMODERATION"), default=True),
        # Registrations per IP (counted after they commit) and form POSTs of any outcome per IP.
        "FILING_RATE_LIMIT": env.get("FILING_RATE_LIMIT", "10 per hour"),
        "FORM_POST_RATE_LIMIT": env.get("FORM_POST_RATE_LIMIT", "60 per hour"),
        # Photos held while a form is corrected: per IP, in total, and for how long.
        "PENDING_PHOTO_RATE_LIMIT": env.get("PENDING_PHOTO_RATE_LIMIT", "30 per hour"),
        "PENDING_PHOTO_TOTAL": int(env.get("PENDING_PHOTO_TOTAL", "2000")),
        "PENDING_PHOTO_HOURS": float(env.get("PENDING_PHOTO_HOURS", "1")),
        # Anonymous lookups by number that miss (unknown, or not visible to the reader), per IP.
        "LOOKUP_MISS_RATE_LIMIT": env.get("LOOKUP_MISS_RATE_LIMIT", "20 per minute; 200 per day"),
        # "This is my problem too" per IP: one per browser and item anyway, this bounds cookie-less floods.
        "SUPPORT_RATE_LIMIT": env.get("SUPPORT_RATE_LIMIT", "30 per hour"),
        # Accounts: sessions end after this many idle minutes (staff roles: STAFF_IDLE_MINUTES) or hours in all.
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "120")),
        "STAFF_IDLE_MINUTES": int(env.get("STAFF_IDLE_MINUTES", "30")),
        "SESSION_MAX_HOURS": int(env.get("SESSION_MAX_HOURS", "12")),
        # Hard per-IP limits on password attempts (login, 2FA codes) and on reset or registration mails.
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "5 per minute; 50 per hour"),
        "ACCOUNT_MAIL_RATE_LIMIT": env.get("ACCOUNT_MAIL_RATE_LIMIT", "5 per minute; 20 per hour"),
        # Follow requests by address, per IP (each sends a confirmation mail).
        "FOLLOW_RATE_LIMIT": env.get("FOLLOW_RATE_LIMIT", "5 per minute; 20 per hour"),
        # zxcvbn score (0-4) a new password must reach.
        "PASSWORD_MIN_SCORE": int(env.get("PASSWORD_MIN_SCORE", "3")),
        # Unconfirmed accounts are deleted after this many days.
        "UNCONFIRMED_ACCOUNT_DAYS": int(env.get("UNCONFIRMED_ACCOUNT_DAYS", "7")),
        "UNCONFIRMED_FOLLOW_DAYS": int(env.get("UNCONFIRMED_FOLLOW_DAYS", "7")),
        # Immediate alert mails per alert and local day; the rest wait for the digest.
        "ALERT_DAILY_CAP": int(env.get("ALERT_DAILY_CAP", "10")),
        "RETENTION_MESSAGE_DAYS": int(env.get("RETENTION_MESSAGE_DAYS", str(2 * 365))),
    }
    cfg.update(overrides or {})
    _derive(cfg)
    return cfg


def sqlalchemy_url(url: str) -> str:
    """Pin the psycopg2 driver: SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def _seconds(value: str) -> float:
    """Parse '120', '1s', '2m' into seconds."""
    value = value.strip().lower()
    if value.endswith("ms"):
        return float(value[:-2]) / 1000
    if value.endswith("s"):
        return float(value[:-1])
    if value.endswith("m"):
        return float(value[:-1]) * 60
    return float(value)


def _derive(cfg: dict) -> None:
    """Settings that follow from others: cookie flags from PUBLIC_BASE_URL, a dev secret."""
    https = urlsplit(cfg["PUBLIC_BASE_URL"]).scheme == "https"
    cfg.setdefault("SESSION_COOKIE_SECURE", https)
    cfg["SESSION_COOKIE_SECURE"] = https
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["SESSION_COOKIE_SAMESITE"] = "Lax"
    cfg["REMEMBER_COOKIE_SECURE"] = https
    cfg["REMEMBER_COOKIE_HTTPONLY"] = True
    cfg["PREFERRED_URL_SCHEME"] = "https" if https else "http"
    timeout = cfg["REDIS_TIMEOUT"]
    cfg["RATELIMIT_STORAGE_URI"] = cfg["REDIS_URL"]
    cfg["RATELIMIT_STORAGE_OPTIONS"] = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    cfg["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    cfg["RATELIMIT_HEADERS_ENABLED"] = True
    if cfg["APP_ENV"] != "production":
        if not cfg["SECRET_KEY"]:
            cfg["SECRET_KEY"] = _dev_secret(Path(cfg["VAR_DIR"]), "secret-key")
        if not cfg["FILER_TOKEN_KEY"]:
            cfg["FILER_TOKEN_KEY"] = _dev_secret(Path(cfg["VAR_DIR"]), "filer-token-key")
    cfg["TRUSTED_HOSTS"] = trusted_hosts(cfg)


def trusted_hosts(cfg: dict) -> list[str]:
    """PUBLIC_BASE_URL's host, the extra ones, and in development the loopback names: a forged Host gets 400."""
    hosts = {urlsplit(cfg["PUBLIC_BASE_URL"]).hostname or "", *cfg.get("EXTRA_TRUSTED_HOSTS", [])}
    if cfg["APP_ENV"] != "production":
        hosts |= {"localhost", "127.0.0.1"}
    return sorted(h for h in hosts if h)


def _dev_secret(var_dir: Path, name: str) -> str:
    """A development secret kept in var/ so sessions and links survive restarts; never used in production.

    Written to a temporary file and linked into place, so processes starting together (web, worker,
    relay) all end up with the one that won, never with two different keys.
    """
    path = var_dir / name
    try:
        existing = path.read_text().strip()
        if existing:
            return existing
    except OSError:
        pass
    key = secrets.token_urlsafe(32)
    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        temporary = var_dir / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        try:
            os.link(temporary, path)
        except FileExistsError:
            key = path.read_text().strip() or key
        finally:
            temporary.unlink(missing_ok=True)
    except OSError:
        pass
    return key


def check_production(cfg: dict) -> None:
    """Refuse an unsafe production configuration (convention 15)."""
    if cfg["APP_ENV"] != "production":
        return
    problems = []
    if not cfg.get("SECRET_KEY"):
        problems.append("SECRET_KEY is not set")
    if not cfg.get("FILER_TOKEN_KEY"):
        problems.append("FILER_TOKEN_KEY is not set")
    elif cfg.get("FILER_TOKEN_KEY") == cfg.get("SECRET_KEY"):
        problems.append("FILER_TOKEN_KEY must differ from SECRET_KEY")
    if cfg.get("DEBUG"):
        problems.append("DEBUG is on")
    if urlsplit(cfg["PUBLIC_BASE_URL"]).scheme != "https":
        problems.append("PUBLIC_BASE_URL is not https")
    if problems:
        raise ConfigError("APP_ENV=production refuses to start: " + "; ".join(problems))


if __name__ == "__main__":   # `python -m app.config names`: the bootstrap's view of the instance, as shell lines
    if sys.argv[1:] == ["names"]:
        for key, value in embedded_names(os.environ).items():
            print(f"{key}={value}")
