"""Reminder rules per cycle, digest preference, scheduler lock and job runs

Revision ID: 7895c184f688
Revises: 8b2ee1784a7b
Create Date: 2026-11-28 19:08:29.494174

"""
from alembic import op
import sqlalchemy as sa

import clinic.db_types


# revision identifiers, used by Alembic.
revision = '7895c184f688'
down_revision = '8b2ee1784a7b'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('scheduler_job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=60), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=True),
    sa.Column('scheduled_at', clinic.db_types.UTCDateTime(), nullable=True),
    sa.Column('started_at', clinic.db_types.UTCDateTime(), nullable=False),
    sa.Column('finished_at', clinic.db_types.UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_job_runs'))
    )
    with op.batch_alter_table('scheduler_job_runs', schema=None) as batch_op:
        batch_op.create_index('ix_scheduler_job_runs_job_started', ['job_id', 'started_at'], unique=False)

    op.create_table('scheduler_locks',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=True),
    sa.Column('acquired_at', clinic.db_types.UTCDateTime(), nullable=True),
    sa.Column('heartbeat_at', clinic.db_types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_locks'))
    )
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminders_enabled', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('digest_at', sa.Time(), server_default='08:00:00', nullable=False))
        batch_op.add_column(sa.Column('digest_task_days', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('digest_session_days', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('session_reminder_hours', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('session_reminder_day_before', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('countdown_days', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('escalation_overdue_days', sa.Integer(), server_default='7', nullable=False))
        batch_op.add_column(sa.Column('escalation_weekday', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('summary_weekday', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_frequency', sa.String(length=8), server_default='daily', nullable=False))




def downgrade():

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('digest_frequency')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_url')

    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_column('summary_weekday')
        batch_op.drop_column('escalation_weekday')
        batch_op.drop_column('escalation_overdue_days')
        batch_op.drop_column('countdown_days')
        batch_op.drop_column('session_reminder_day_before')
        batch_op.drop_column('session_reminder_hours')
        batch_op.drop_column('digest_session_days')
        batch_op.drop_column('digest_task_days')
        batch_op.drop_column('digest_at')
        batch_op.drop_column('reminders_enabled')

    op.drop_table('scheduler_locks')
    with op.batch_alter_table('scheduler_job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_scheduler_job_runs_job_started')

    op.drop_table('scheduler_job_runs')

