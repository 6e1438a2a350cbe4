"""The scheduler's status page for staff: lock holder, heartbeat, jobs and their runs."""
from flask import current_app, render_template

from clinic.access import roles_required
from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.outbox.queries import outbox_backlog
from clinic.reminders import bp
from clinic.reminders.jobs import job_overview
from clinic.reminders.lock import DEFAULT_HEARTBEAT, lock_status


@bp.route("/scheduler")
@roles_required("admin", "staff")
def scheduler_status():
    now = utcnow()
    heartbeat = current_app.config.get("SCHEDULER_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT)
    lock = lock_status(db.session, now, heartbeat)
    jobs = job_overview(now, runs=5, heartbeat=heartbeat)
    if lock["state"] != "ok":
        for job in jobs:
            job["next_at"] = None  # no active scheduler: nothing is planned
    return render_template("reminders/scheduler_status.html", lock=lock, jobs=jobs,
                           backlog=outbox_backlog())
