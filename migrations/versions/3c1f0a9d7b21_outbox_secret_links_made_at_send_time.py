"""Outbox: secret links are made at send time; scrub the links stored so far

Revision ID: 3c1f0a9d7b21
Revises: 7895c184f688
Create Date: 2026-12-04 17:20:00

A password reset, an invitation or an unsubscribe link no longer rests in the outbox: the
bodies hold a placeholder that delivery fills. Rows written before this revision carry readable
links; the upgrade puts placeholders in their place (a pending mail still goes out, with a fresh
link) and drops the stored unsubscribe URL.
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '3c1f0a9d7b21'
down_revision = '7895c184f688'
branch_labels = None
depends_on = None

# The three kinds of link a row may hold, as the routes spelled them when the rows were written.
LINKS = {
    "password_reset": re.compile(r"https?://[^\s\"'<>]*/password/reset/[^\s\"'<>]+"),
    "invitation": re.compile(r"https?://[^\s\"'<>]*/invitation/[^\s\"'<>]+"),
    "unsubscribe": re.compile(r"https?://[^\s\"'<>]*/berhenti-langganan/[^\s\"'<>]+"),
}

notifications = sa.table(
    "notifications",
    sa.column("id", sa.Integer),
    sa.column("body_text", sa.Text),
    sa.column("body_html", sa.Text),
    sa.column("secret_links", sa.String),
)


def _scrub(text, found):
    for name, pattern in LINKS.items():
        if text and pattern.search(text):
            found.add(name)
            text = pattern.sub(f"[[secret:{name}]]", text)
    return text


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_links', sa.String(length=120), nullable=True))
        batch_op.drop_column('unsubscribe_url')

    bind = op.get_bind()
    rows = bind.execute(sa.select(notifications.c.id, notifications.c.body_text,
                                  notifications.c.body_html)).all()
    for row_id, body_text, body_html in rows:
        found = set()
        text, html = _scrub(body_text, found), _scrub(body_html, found)
        if found:
            bind.execute(notifications.update().where(notifications.c.id == row_id)
                         .values(body_text=text, body_html=html,
                                 secret_links=",".join(sorted(found))))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))
        batch_op.drop_column('secret_links')
