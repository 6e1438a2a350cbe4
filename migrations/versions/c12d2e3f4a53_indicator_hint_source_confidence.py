"""Indicators: staff-only source and confidence of the evidence hint; notes moved out of hints

Revision ID: c12d2e3f4a53
Revises: 5d2e8c41a9b0
Create Date: 2026-12-05 08:50:00

Hints loaded from the first catalogue files were English research notes ("(unconfirmed; per
repo note ...)"), shown as they were to SKPD contacts. The upgrade adds the staff-only columns
and, for each existing row whose hint carries such a note or reads as English, moves the note
into ``evidence_source`` and writes the shipped Indonesian instruction of its code as the hint
(clinic.catalogue.services.hints.cleaned). The downgrade drops the columns and leaves the hints
in Indonesian.
"""
from alembic import op
import sqlalchemy as sa

from clinic.catalogue.services.hints import cleaned


revision = 'c12d2e3f4a53'
down_revision = '5d2e8c41a9b0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_source', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('evidence_confidence', sa.String(length=40),
                                      nullable=True))
    indicators = sa.table('indicators', sa.column('id', sa.Integer),
                          sa.column('code', sa.String), sa.column('evidence_hint', sa.Text),
                          sa.column('evidence_source', sa.Text),
                          sa.column('evidence_confidence', sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(indicators.c.id, indicators.c.code, indicators.c.evidence_hint)
                        .where(indicators.c.evidence_hint.isnot(None))).all()
    for row in rows:
        hint, source, confidence = cleaned(row.code, row.evidence_hint, None, None)
        if (hint, source, confidence) == (row.evidence_hint, None, None):
            continue
        conn.execute(indicators.update().where(indicators.c.id == row.id).values(
            evidence_hint=hint, evidence_source=source, evidence_confidence=confidence))


def downgrade():
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_column('evidence_confidence')
        batch_op.drop_column('evidence_source')
