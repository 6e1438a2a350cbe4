"""The reminders' commands: flask reminders run-due, flask scheduler run and status."""
import signal
import threading
from datetime import datetime, timezone

import click
from flask import current_app
from flask.cli import AppGroup

from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.reminders.jobs import job_overview
from clinic.reminders.lock import DEFAULT_HEARTBEAT, lock_status
from clinic.reminders.planner import run_due
from clinic.reminders.scheduler import run_forever, stop_embedded

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
    counts = run_due(now)
    db.session.commit()
    click.echo(" ".join(f"{kind}={n}" for kind, n in counts.items())
               + f" now={now.astimezone(timezone.utc).isoformat()}")


scheduler_cli = AppGroup("scheduler", help="The reminder scheduler process.")


@scheduler_cli.command("run")
@click.option("--heartbeat", type=float, default=None,
              help="Seconds between heartbeats (default 15; stale after three).")
@click.option("--interval", type=float, default=60, show_default=True,
              help="Seconds between runs of the reminders and outbox jobs.")
def run_command(heartbeat, interval):
    """Run the scheduler until SIGTERM/SIGINT; a second one waits as a standby."""
    app = current_app._get_current_object()
    stop_embedded(app)  # this process is the scheduler: no second runner inside it
    stop = threading.Event()

    def on_signal(signum, frame):
        click.echo(f"signal {signum}: stopping")
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    run_forever(app, stop, heartbeat=heartbeat, interval=interval,
                echo=lambda line: click.echo(line))
    click.echo("scheduler stopped, lock released")


@scheduler_cli.command("status")
def status_command():
    """Print the lock holder, the heartbeat's age and each job's last runs."""
    now = utcnow()
    heartbeat = current_app.config.get("SCHEDULER_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT)
    lock = lock_status(db.session, now, heartbeat)
    age = lock["heartbeat_age_seconds"]
    click.echo(f"holder: {lock['holder'] or '-'}  heartbeat: "
               f"{'-' if age is None else f'{age} s ago'}  state: {lock['state']}")
    for job in job_overview(now, heartbeat=heartbeat):
        click.echo(f"{job['id']} (every {job['seconds']} s)")
        for run in job["runs"]:
            click.echo(f"  {run.started_at:%Y-%m-%d %H:%M:%S}Z {run.outcome:<7} "
                       f"{run.holder or '-'} {run.detail or ''}".rstrip())
        if not job["runs"]:
            click.echo("  never run")


def register(app):
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(reminders_cli)
