"""CLI: flask outbox send."""
import click
from flask import current_app
from flask.cli import AppGroup

from clinic.outbox import queries
from clinic.outbox.delivery import deliver_pending, smtp_configured

outbox_cli = AppGroup("outbox", help="The e-mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", type=int, default=None, help="At most this many messages.")
def send_command(limit):
    """Deliver every due outbox row over SMTP, in batches, and print the counts."""
    if not smtp_configured():
        click.echo("MAIL_SERVER is not set: messages stay in the outbox (see /admin/outbox).")
        return
    counts = deliver_pending(limit=limit)
    waiting = queries.outbox_backlog()["pending"]
    click.echo(f"sent={counts['sent']} retry={counts['retry']} failed={counts['failed']} "
               f"pending={waiting} "
               f"server={current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}")


def register(app):
    app.cli.add_command(outbox_cli)
