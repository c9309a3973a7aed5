"""derived filer tokens: the token generation per item, and outbox rows whose link is filled in at delivery

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00

Items registered before this keep their stored hash, so their mailed links go on
working; their generation stays 0 and a re-send derives no token for them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filer_token_generation', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filer_link', sa.Boolean(), server_default='false', nullable=False))


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('filer_link')
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.drop_column('filer_token_generation')
