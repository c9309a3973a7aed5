"""map points index: GiST(location, registered_at) with btree_gist instead of GiST(location)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 01:00:00

Chosen by EXPLAIN at 1,000,000 items (bench/bench_map_index.py). btree_gist is created by the
bootstrap (a trusted extension on PostgreSQL 15 in any case).
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.drop_index('ix_signals_location', postgresql_using='gist')
        batch_op.create_index('ix_signals_location_registered_at', ['location', 'registered_at'], unique=False,
                              postgresql_using='gist')


def downgrade():
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.drop_index('ix_signals_location_registered_at', postgresql_using='gist')
        batch_op.create_index('ix_signals_location', ['location'], unique=False, postgresql_using='gist')
