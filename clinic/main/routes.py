"""Views of the main blueprint."""
from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import get_timezone
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from clinic.access import scope
from clinic.admin.models import Skpd
from clinic.admin.queries import skpds_without_head_email
from clinic.auth.models import User
from clinic.catalogue.services import current_cycle
from clinic.coaching.calendar import fmt_clock, unsigned_past_sessions, upcoming_sessions
from clinic.db_types import utcnow
from clinic.extensions import csrf, db, limiter
from clinic.main import bp
from clinic.main.todo import todo_for_contact
from clinic.outbox.queries import outbox_backlog
from clinic.reminders.lock import DEFAULT_HEARTBEAT, lock_status
from clinic.web import actor, safe_next


@bp.route("/")
@login_required
def index():
    user = actor()
    cycle = current_cycle()
    if user.is_bappeda:
        return render_template("main/home_staff.html", cycle=cycle, stats=_staff_stats(),
                               week=upcoming_sessions(user, utcnow(), 7),
                               no_head_email=skpds_without_head_email(), **_clock())
    if user.is_contact:
        skpd = db.session.scalars(scope(select(Skpd), Skpd, user)).first()
        todo = todo_for_contact(user, cycle) if cycle else None
        return render_template("main/home_contact.html", cycle=cycle, skpd=skpd, todo=todo)
    now = utcnow()
    return render_template("main/home_trainer.html", cycle=cycle,
                           upcoming=upcoming_sessions(user, now, 14, own_only=True),
                           unsigned=unsigned_past_sessions(user, now), **_clock())


def _staff_stats():
    """The staff home page's counts: active work units and accounts, the outbox backlog."""
    def active(model):
        return db.session.scalar(select(func.count()).select_from(model).where(model.is_active))

    return {"skpds": active(Skpd), "users": active(User), "outbox": outbox_backlog()}


def _clock():
    # Session times on the home pages, in the viewer's zone with the zone named.
    return {"clock": fmt_clock, "zone": get_timezone()}


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.route("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    """Database reachability and the scheduler's heartbeat, as JSON; staff also see the rest.

    A load balancer needs no more than status, database and the heartbeat's age and state; the
    outbox counts and the lock holder (host and pid) are shown to signed-in Bappeda staff only.
    Only an unreachable database answers 503. A stale or missing scheduler heartbeat is
    reported ("state": "stale" / "never") but keeps 200: the web application still works and
    mail waits in the outbox, so monitoring alerts on the state, not on the status code.
    """
    database = _database_state()
    body = {"status": "ok" if database == "ok" else "error", "database": database}
    if database == "ok":
        scheduler = lock_status(db.session, utcnow(), current_app.config.get(
            "SCHEDULER_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT))
        if current_user.is_authenticated and current_user.is_bappeda:
            body["outbox"] = outbox_backlog()
        else:
            del scheduler["holder"]
        body["scheduler"] = scheduler
    return body, 200 if database == "ok" else 503


def _database_state():
    """"ok" when the database answers, else "unreachable" (and a warning in the log)."""
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means the database is unreachable
        db.session.rollback()
        current_app.logger.warning("healthz: database unreachable: %s", exc)
        return "unreachable"
