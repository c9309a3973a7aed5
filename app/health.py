"""/healthz: is the database up (503 if not), is Redis up (reported, never fatal)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter, redis_client

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """200 {"database": "ok", "redis": "ok"|"down"}; 503 when the database is down."""
    body = {"database": "ok", "redis": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.warning("healthz: database unreachable")
        db.session.rollback()
        body["database"] = "down"
    try:
        redis_client().ping()
    except (RedisError, OSError):
        body["redis"] = "down"
    return jsonify(body), (200 if body["database"] == "ok" else 503)
