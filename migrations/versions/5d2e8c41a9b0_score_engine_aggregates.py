"""Score engine: per-innovation aggregates and a per-cycle data version, backfilled

Revision ID: 5d2e8c41a9b0
Revises: 3c1f0a9d7b21
Create Date: 2026-12-04 23:30:00

The aggregates are computed from the rows by the application's own scoring code
(clinic.reporting.engine.store.rebuild), so that the upgrade gives exactly what the session
hooks keep from then on.
"""
from alembic import op
import sqlalchemy as sa

import clinic.db_types


revision = '5d2e8c41a9b0'
down_revision = '3c1f0a9d7b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'innovation_scores',
        sa.Column('innovation_id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('skpd_id', sa.Integer(), nullable=False),
        sa.Column('claimed_points', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('verified_points', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('missing_verified', sa.JSON(), nullable=False),
        sa.Column('in_age_window', sa.Boolean(), nullable=False),
        sa.Column('urusan', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['innovation_id'], ['innovations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['skpd_id'], ['skpds.id']),
        sa.PrimaryKeyConstraint('innovation_id'),
    )
    with op.batch_alter_table('innovation_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_innovation_scores_cycle_id'), ['cycle_id'],
                              unique=False)
    op.create_table(
        'cycle_scores',
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('stamp', sa.String(length=32), nullable=False),
        sa.Column('spd_claimed', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('spd_verified', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('updated_at', clinic.db_types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('cycle_id'),
    )
    from clinic.reporting.engine.store import rebuild
    rebuild(op.get_bind())


def downgrade():
    op.drop_table('cycle_scores')
    # Dropping the table drops its index; MariaDB refuses to drop the index alone while the
    # foreign key on cycle_id needs it.
    op.drop_table('innovation_scores')
