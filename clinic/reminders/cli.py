"""CLI: flask outbox send."""
import click
from flask import current_app
from flask.cli import AppGroup

from clinic.reminders.delivery import deliver_pending, smtp_configured
from clinic.reminders.scheduler_cli import scheduler_cli
from clinic.reminders.reminders_cli import reminders_cli

outbox_cli = AppGroup("outbox", help="The e-mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", type=int, default=None, help="At most this many messages.")
def send_command(limit):
    """Deliver pending outbox rows over SMTP (one pass)."""
    if not smtp_configured():
        click.echo("MAIL_SERVER is not set: messages stay in the outbox (see /admin/outbox).")
        return
    counts = deliver_pending(limit=limit)
    click.echo(f"sent={counts['sent']} retry={counts['retry']} failed={counts['failed']} "
               f"server={current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}")


def register(app):
    app.cli.add_command(outbox_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(reminders_cli)
