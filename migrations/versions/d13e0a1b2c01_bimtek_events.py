"""Bimtek events: days, agenda items and speakers, invited SKPDs with quotas, participants

Revision ID: d13e0a1b2c01
Revises: b12c1d2e3f42
Create Date: 2026-12-05 10:10:34

Phase 1 of issue 13. Participants carry their SKPD so every row can be scoped; the cancel
link of a registration is made at send time and never stored.
"""
from alembic import op
import sqlalchemy as sa

import clinic.db_types


# revision identifiers, used by Alembic.
revision = 'd13e0a1b2c01'
down_revision = 'b12c1d2e3f42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bimtek_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('organiser', sa.String(length=200), nullable=True),
    sa.Column('budget_code', sa.String(length=60), nullable=True),
    sa.Column('room', sa.String(length=120), nullable=True),
    sa.Column('venue', sa.String(length=200), nullable=True),
    sa.Column('venue_address', sa.String(length=300), nullable=True),
    sa.Column('timezone', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('cancelled_at', clinic.db_types.UTCDateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', clinic.db_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_bimtek_events_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bimtek_events'))
    )
    with op.batch_alter_table('bimtek_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bimtek_events_status'), ['status'], unique=False)

    op.create_table('bimtek_event_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('day_on', sa.Date(), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['bimtek_events.id'], name=op.f('fk_bimtek_event_days_event_id_bimtek_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bimtek_event_days')),
    sa.UniqueConstraint('event_id', 'day_on', name='uq_bimtek_event_days_day')
    )
    with op.batch_alter_table('bimtek_event_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bimtek_event_days_event_id'), ['event_id'], unique=False)

    op.create_table('bimtek_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('skpd_id', sa.Integer(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('deadline_at', clinic.db_types.UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', clinic.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['bimtek_events.id'], name=op.f('fk_bimtek_invitations_event_id_bimtek_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skpd_id'], ['skpds.id'], name=op.f('fk_bimtek_invitations_skpd_id_skpds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bimtek_invitations')),
    sa.UniqueConstraint('event_id', 'skpd_id', name='uq_bimtek_invitations_skpd')
    )
    with op.batch_alter_table('bimtek_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bimtek_invitations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bimtek_invitations_skpd_id'), ['skpd_id'], unique=False)

    op.create_table('bimtek_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('track', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['day_id'], ['bimtek_event_days.id'], name=op.f('fk_bimtek_agenda_items_day_id_bimtek_event_days'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bimtek_agenda_items'))
    )
    with op.batch_alter_table('bimtek_agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bimtek_agenda_items_day_id'), ['day_id'], unique=False)

    op.create_table('bimtek_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('skpd_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('nip', sa.String(length=30), nullable=True),
    sa.Column('position', sa.String(length=160), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('whatsapp', sa.String(length=30), nullable=False),
    sa.Column('over_quota_reason', sa.Text(), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('registered_at', clinic.db_types.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', clinic.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['invitation_id'], ['bimtek_invitations.id'], name=op.f('fk_bimtek_participants_invitation_id_bimtek_invitations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_bimtek_participants_registered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['skpd_id'], ['skpds.id'], name=op.f('fk_bimtek_participants_skpd_id_skpds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bimtek_participants'))
    )
    with op.batch_alter_table('bimtek_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bimtek_participants_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bimtek_participants_skpd_id'), ['skpd_id'], unique=False)

    op.create_table('bimtek_agenda_speakers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('institution', sa.String(length=160), nullable=True),
    sa.Column('position', sa.String(length=160), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['bimtek_agenda_items.id'], name=op.f('fk_bimtek_agenda_speakers_item_id_bimtek_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bimtek_agenda_speakers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bimtek_agenda_speakers'))
    )
    with op.batch_alter_table('bimtek_agenda_speakers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bimtek_agenda_speakers_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bimtek_agenda_speakers_user_id'), ['user_id'], unique=False)



def downgrade():
    # Dropping a table drops its indexes; MariaDB refuses to drop an index a foreign key uses.
    for table in ('bimtek_agenda_speakers', 'bimtek_participants', 'bimtek_agenda_items',
                  'bimtek_invitations', 'bimtek_event_days', 'bimtek_events'):
        op.drop_table(table)
