"""CLI: flask reminders run-due [--now ISO-TIME] (one planner pass, for cron and tests)."""
from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from clinic.db_types import utcnow
from clinic.extensions import db

reminders_cli = AppGroup("reminders", help="Reminders: digests, session reminders, escalations.")


def _parse_now(ctx, param, value):
    if value is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use an ISO time such as 2026-07-06T08:00:00+08:00") from exc
    # A time without offset is taken as UTC, like every instant the application stores.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@reminders_cli.command("run-due")
@click.option("--now", callback=_parse_now, help="Pretend it is this moment (ISO 8601).")
def run_due_command(now):
    """Write every reminder due now into the outbox (once per dedupe key) and commit."""
    from clinic.reminders.planner import run_due

    counts = run_due(now)
    db.session.commit()
    click.echo(" ".join(f"{kind}={n}" for kind, n in counts.items())
               + f" now={now.astimezone(timezone.utc).isoformat()}")
