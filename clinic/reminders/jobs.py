"""The scheduler's jobs: each only wakes up a service, and every run is recorded as a JobRun."""
import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.outbox.delivery import deliver_pending, smtp_configured
from clinic.reminders.models import JobRun
from clinic.reminders.planner import run_due

logger = logging.getLogger(__name__)

# Job id -> (description, seconds between runs); the heartbeat's period is the lock's.
JOBS = {
    "reminders": (_l("Pengingat & ringkasan"), 60),
    "outbox": (_l("Pengiriman e-mail"), 60),
    "heartbeat": (_l("Detak jantung"), 15),
}
KEEP_RUNS = 100  # per job: enough for the status page, small enough to never need a cleanup job


class LockLost(RuntimeError):
    """The heartbeat found that this process no longer holds the scheduler lock."""


def record_run(app, job_id, holder, work):
    """Run ``work()`` in an app context as one recorded JobRun; log errors, never raise."""
    with app.app_context():
        try:
            return _record(job_id, holder, work)
        finally:
            db.session.remove()


def _record(job_id, holder, work):
    run = JobRun(job_id=job_id, holder=holder, started_at=utcnow(), outcome="running")
    try:
        db.session.add(run)
        db.session.commit()
    except Exception:  # noqa: BLE001 - the database may be gone; the work reports it too
        db.session.rollback()
        logger.exception("scheduler: cannot record the start of %s", job_id)
        run = None
    try:
        detail = work()
        db.session.commit()
        outcome = "ok"
    except Exception as exc:  # noqa: BLE001 - a failing job must never stop the scheduler
        db.session.rollback()
        logger.exception("scheduler job %s failed", job_id)
        outcome, detail = "error", f"{type(exc).__name__}: {exc}"
    try:
        if run is None:
            run = JobRun(job_id=job_id, holder=holder, started_at=utcnow())
            db.session.add(run)
        run.finished_at = utcnow()
        run.outcome = outcome
        run.detail = (detail or None) and str(detail)[:2000]
        db.session.flush()
        prune(job_id)
        db.session.commit()
    except Exception:  # noqa: BLE001
        db.session.rollback()
        logger.exception("scheduler: cannot record the end of %s", job_id)
    return outcome


def prune(job_id, keep=KEEP_RUNS):
    """Delete all but the newest ``keep`` runs of a job."""
    cutoff = db.session.scalar(
        select(JobRun.id).where(JobRun.job_id == job_id)
        .order_by(JobRun.id.desc()).offset(keep).limit(1))
    if cutoff is not None:
        db.session.execute(delete(JobRun).where(JobRun.job_id == job_id, JobRun.id <= cutoff))


def _counts(counts):
    return " ".join(f"{key}={value}" for key, value in (counts or {}).items()) or "-"


def reminders_job(app, holder=None):
    """Plan every reminder that fell due (idempotent: dedupe keys) and commit the outbox rows."""

    def work():
        return _counts(run_due(utcnow()))

    return record_run(app, "reminders", holder, work)


def outbox_job(app, holder=None):
    """Deliver due outbox rows when an SMTP server is configured."""

    def work():
        if not smtp_configured():
            return "MAIL_SERVER not set: mail stays in the outbox"
        counts = deliver_pending()
        if any(counts.values()):
            logger.info("outbox delivery: %s", counts)
        return _counts(counts)

    return record_run(app, "outbox", holder, work)


def heartbeat_job(app, lock, lost):
    """Refresh the lock's heartbeat; when the lock is lost, tell the runner to step down."""

    def work():
        if not lock.heartbeat():
            lost.set()
            raise LockLost(f"lock lost by {lock.holder}")
        return None

    return record_run(app, "heartbeat", lock.holder, work)


def record_missed(app, job_id, scheduled_at, holder=None):
    """Record a run that APScheduler skipped (only past the misfire grace time)."""
    with app.app_context():
        try:
            db.session.add(JobRun(job_id=job_id, holder=holder, scheduled_at=scheduled_at,
                                  started_at=utcnow(), finished_at=utcnow(), outcome="missed"))
            db.session.commit()
        except Exception:  # noqa: BLE001
            db.session.rollback()
            logger.exception("scheduler: cannot record a missed run of %s", job_id)
        finally:
            db.session.remove()


def job_overview(now, runs=5, heartbeat=None):
    """Each job with its description, period, last runs and next planned run (for the pages)."""
    jobs = []
    for job_id, (description, seconds) in JOBS.items():
        if job_id == "heartbeat" and heartbeat:
            seconds = heartbeat
        last = db.session.scalars(
            select(JobRun).where(JobRun.job_id == job_id)
            .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(runs)).all()
        next_at = None
        if last:
            next_at = max(last[0].started_at + timedelta(seconds=seconds), now)
        jobs.append({"id": job_id, "description": description, "seconds": seconds,
                     "runs": last, "next_at": next_at})
    return jobs
