"""outbox context: mail rendered by the job that sends it, outside the web request

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 02:00:00

Rows written before this were rendered when they were added: they count as rendered then.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE outbox SET context = '{}', rendered_at = created_at")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('context', nullable=False)


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('rendered_at')
        batch_op.drop_column('context')
