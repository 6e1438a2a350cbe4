"""The reminders' pages: the scheduler's status for staff, and the one-click unsubscribe.

Unsubscribing needs no login: the signed link is the key. GET shows a confirmation page (mail
scanners that follow links must not unsubscribe anyone); POST does it, also as the RFC 8058
one-click POST ("List-Unsubscribe=One-Click") that mail clients send without our CSRF token:
the signed token is the proof instead.
"""
from flask import current_app, render_template

from clinic.access import roles_required
from clinic.db_types import utcnow
from clinic.extensions import csrf, db
from clinic.outbox.queries import outbox_backlog
from clinic.reminders import bp, preferences, unsubscribe_bp
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


def _invalid():
    return render_template("reminders/unsubscribe_invalid.html"), 404


@unsubscribe_bp.route("/<token>", methods=["GET"])
def confirm(token):
    found = preferences.read_token(token)
    if found is None:
        return _invalid()
    user, kind = found
    return render_template("reminders/unsubscribe.html", user=user, kind=kind, token=token,
                           done=False)


@unsubscribe_bp.route("/<token>", methods=["POST"])
@csrf.exempt
def perform(token):
    found = preferences.read_token(token)
    if found is None:
        return _invalid()
    user, kind = found
    preferences.unsubscribe(user, kind)
    db.session.commit()
    return render_template("reminders/unsubscribe.html", user=user, kind=kind, token=token,
                           done=True)
