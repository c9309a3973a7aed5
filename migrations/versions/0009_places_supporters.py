"""places and supporters: place search (neighbourhoods, streets, districts' search keys) and "me too"

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 02:00:00

pg_trgm is a trusted extension on PostgreSQL 15: the database owner may create it.
Districts already loaded get their search key here; later imports set it themselves.
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry

from geo.transliteration import search_key

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('place_datasets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('neighbourhood', 'street', name='placekind', native_enum=False, length=16), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('licence', sa.String(length=200), nullable=False),
    sa.Column('attribution_bg', sa.Text(), nullable=False),
    sa.Column('attribution_en', sa.Text(), nullable=False),
    sa.Column('attribution_ru', sa.Text(), nullable=False),
    sa.Column('features', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_datasets')),
    sa.UniqueConstraint('kind', name=op.f('uq_place_datasets_kind'))
    )
    op.create_geospatial_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('neighbourhood', 'street', name='placekind', native_enum=False, length=16), nullable=False),
    sa.Column('name_bg', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_ru', sa.String(length=200), nullable=False),
    sa.Column('district_code', sa.String(length=32), nullable=False),
    sa.Column('search_key', sa.Text(), nullable=False),
    sa.Column('geom', Geometry(srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('point', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('west', sa.Float(), nullable=False),
    sa.Column('south', sa.Float(), nullable=False),
    sa.Column('east', sa.Float(), nullable=False),
    sa.Column('north', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places'))
    )
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.create_index('uq_places_kind_name_district', ['kind', 'name_bg', 'district_code'], unique=True)
        batch_op.create_index('ix_places_search_key', ['search_key'], unique=False, postgresql_using='gin', postgresql_ops={'search_key': 'gin_trgm_ops'})

    op.create_table('supporters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['signal_id'], ['signals.id'], name=op.f('fk_supporters_signal_id_signals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_supporters_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supporters'))
    )
    with op.batch_alter_table('supporters', schema=None) as batch_op:
        batch_op.create_index('uq_supporters_signal_key', ['signal_id', 'key'], unique=True)

    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_key', sa.Text(), server_default='', nullable=False))
    bind = op.get_bind()
    for id_, *names in bind.execute(sa.text("SELECT id, name_bg, name_en, name_ru FROM areas")).all():
        bind.execute(sa.text("UPDATE areas SET search_key = :key WHERE id = :id"), {"key": search_key(*names), "id": id_})


def downgrade():
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_column('search_key')

    with op.batch_alter_table('supporters', schema=None) as batch_op:
        batch_op.drop_index('uq_supporters_signal_key')

    op.drop_table('supporters')
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_index('ix_places_search_key', postgresql_using='gin', postgresql_ops={'search_key': 'gin_trgm_ops'})
        batch_op.drop_index('uq_places_kind_name_district')

    op.drop_geospatial_table('places')
    op.drop_table('place_datasets')
