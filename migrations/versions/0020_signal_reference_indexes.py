"""signals: partial indexes on refers_to_id, assignee_id and registered_by_id

The item page looks up the later items that name it (refers_to_id) on every view: without an index that was a
sequential scan of signals (25 ms of PostgreSQL per item page at 100,000 items, bench/bench_city.py). The same
holds for the console's "mine" (assignee_id) and for the ON DELETE SET NULL of all three foreign keys.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 02:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

COLUMNS = ("refers_to_id", "assignee_id", "registered_by_id")


def upgrade():
    for column in COLUMNS:
        op.create_index(f"ix_signals_{column}", "signals", [column], unique=False,
                        postgresql_where=sa.text(f"{column} IS NOT NULL"))


def downgrade():
    for column in COLUMNS:
        op.drop_index(f"ix_signals_{column}", table_name="signals", postgresql_where=sa.text(f"{column} IS NOT NULL"))
