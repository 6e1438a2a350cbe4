"""Coaching: invitees' answers to a session's invitation (Hadir / Tidak hadir / Diwakilkan)

Revision ID: b12c1d2e3f42
Revises: c12d2e3f4a53
Create Date: 2026-12-05 08:30:00

One row per (session, invitee) with the latest answer, when it was first and last given and how
often it changed. The links that record them are made at send time and never stored.
"""
from alembic import op
import sqlalchemy as sa

import clinic.db_types


revision = 'b12c1d2e3f42'
down_revision = 'c12d2e3f4a53'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'coaching_invitation_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('skpd_id', sa.Integer(), nullable=True),
        sa.Column('answer', sa.String(length=12), nullable=False),
        sa.Column('representative', sa.String(length=120), nullable=True),
        sa.Column('answered_at', clinic.db_types.UTCDateTime(), nullable=False),
        sa.Column('first_answered_at', clinic.db_types.UTCDateTime(), nullable=False),
        sa.Column('changes', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['session_id'], ['coaching_sessions.id'],
            name=op.f('fk_coaching_invitation_answers_session_id_coaching_sessions'),
            ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['skpd_id'], ['skpds.id'], name=op.f('fk_coaching_invitation_answers_skpd_id_skpds'),
            ondelete='SET NULL'),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_coaching_invitation_answers_user_id_users'),
            ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_invitation_answers')),
        sa.UniqueConstraint('session_id', 'user_id',
                            name=op.f('uq_coaching_invitation_answers_session_id')),
    )
    with op.batch_alter_table('coaching_invitation_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_invitation_answers_session_id'),
                              ['session_id'], unique=False)


def downgrade():
    # The table goes with its index (MariaDB refuses to drop an index a foreign key uses).
    op.drop_table('coaching_invitation_answers')
