"""The scheduler: a standby loop that runs the jobs only while it holds the database lock.

Production runs it as its own process (`flask scheduler run`, deploy/klinik-inovasi-scheduler.service);
`make run` embeds the same runner in a thread of the web process. Either way the database lock
(clinic.reminders.lock) makes exactly one scheduler active per database, so several web workers
or a second scheduler process only wait as standbys. The jobs only wake up services: decisions
are data (dedupe keys, claimed outbox rows), so a coalesced or repeated run sends nothing twice.
"""
import atexit
import logging
import os
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler

from clinic.extensions import db
from clinic.reminders import jobs
from clinic.reminders.lock import DEFAULT_HEARTBEAT, DatabaseLock

logger = logging.getLogger(__name__)
MISFIRE_GRACE = 3600  # run_due catches up by itself, so a late run is always worth running


def should_start(app, environ=os.environ):
    """Start only where asked, never in tests, and only in the reloader's serving child."""
    if not app.config.get("EMBEDDED_SCHEDULER") or app.testing:
        return False
    if app.debug and environ.get("WERKZEUG_RUN_MAIN") != "true":
        return False  # the reloader's watcher process; its child will start the scheduler
    return True


def build_scheduler(app, scheduler_class=BackgroundScheduler, *, lock=None, lost=None,
                    interval=60):
    """An APScheduler with the reminders, outbox and (given a lock) heartbeat jobs."""
    zone = ZoneInfo(app.config["CLINIC_TIMEZONE"])
    options = {"timezone": zone}
    if issubclass(scheduler_class, BackgroundScheduler):
        options["daemon"] = True
    scheduler = scheduler_class(**options)
    holder = lock.holder if lock else None
    common = {"trigger": "interval", "coalesce": True, "max_instances": 1,
              "misfire_grace_time": MISFIRE_GRACE, "replace_existing": True}
    now = datetime.now(zone)  # a new leader catches up at once instead of a period later
    scheduler.add_job(jobs.reminders_job, id="reminders", name="reminders", args=[app, holder],
                      seconds=interval, next_run_time=now, **common)
    scheduler.add_job(jobs.outbox_job, id="outbox", name="outbox", args=[app, holder],
                      seconds=interval, next_run_time=now, **common)
    if lock is not None:
        scheduler.add_job(jobs.heartbeat_job, id="heartbeat", name="heartbeat",
                          args=[app, lock, lost or threading.Event()],
                          seconds=lock.heartbeat_seconds, **common)

    def listen(event):
        if event.code == EVENT_JOB_MISSED:
            logger.warning("scheduler job %s missed its run at %s", event.job_id,
                           event.scheduled_run_time)
            jobs.record_missed(app, event.job_id, event.scheduled_run_time, holder)
        else:
            logger.error("scheduler job %s raised: %r", event.job_id, event.exception)

    scheduler.add_listener(listen, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return scheduler


class SchedulerRunner:
    """Wait as a standby until the lock is ours, run the jobs until it is lost, repeat."""

    def __init__(self, app, *, heartbeat=None, interval=60, holder=None,
                 scheduler_class=BackgroundScheduler, echo=None):
        self.app = app
        heartbeat = heartbeat or app.config.get("SCHEDULER_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT)
        with app.app_context():
            engine = db.engine
        self.lock = DatabaseLock(engine, holder=holder, heartbeat=heartbeat)
        self.interval = interval
        self.scheduler_class = scheduler_class
        self.retry = min(heartbeat, 5)
        self.stop_event = threading.Event()
        self.lost = threading.Event()
        self.leading = False
        self.thread = None
        self.echo = echo or logger.info

    def run(self, stop_event=None):
        """Loop until ``stop_event`` is set; release the lock on the way out."""
        stop = stop_event or self.stop_event
        announced = object()
        try:
            while not stop.is_set():
                if self._acquire():
                    self.echo(f"leader: {self.lock.holder}")
                    self._lead(stop)
                    announced = object()
                    continue
                holder = self._holder()
                if holder != announced:
                    self.echo(f"standby: lock held by {holder or '-'}")
                    announced = holder
                stop.wait(self.retry)
        finally:
            self.lock.release()

    def _acquire(self):
        try:
            return self.lock.acquire()
        except Exception:  # noqa: BLE001 - keep waiting whatever the database does
            logger.exception("scheduler lock: acquire failed")
            return False

    def _holder(self):
        try:
            return self.lock.current()[0]
        except Exception:  # noqa: BLE001
            return "?"

    def _lead(self, stop):
        self.lost.clear()
        scheduler = build_scheduler(self.app, self.scheduler_class, lock=self.lock,
                                    lost=self.lost, interval=self.interval)
        scheduler.start()
        self.leading = True
        try:
            while not stop.is_set() and not self.lost.is_set():
                stop.wait(0.5)
        finally:
            self.leading = False
            # On a clean stop let running jobs commit; when the lock is lost, step down now.
            scheduler.shutdown(wait=stop.is_set())
            if self.lost.is_set():
                self.echo(f"lock lost by {self.lock.holder}: back to standby")

    def start_thread(self):
        self.thread = threading.Thread(target=self.run, name="clinic-scheduler", daemon=True)
        self.thread.start()
        return self.thread

    def stop(self, timeout=30):
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout)


def run_forever(app, stop_event, *, heartbeat=None, interval=60, echo=None):
    """The `flask scheduler run` loop: standby, lead, step down, until ``stop_event`` is set."""
    runner = SchedulerRunner(app, heartbeat=heartbeat, interval=interval, echo=echo)
    runner.run(stop_event)
    return runner


def start_embedded(app):
    """Start the standby/leader runner in a thread of this process; return it (or None)."""
    if not should_start(app):
        return None
    runner = SchedulerRunner(app)
    runner.start_thread()
    app.extensions["embedded_scheduler"] = runner
    atexit.register(runner.stop, 10)
    logger.info("embedded scheduler started (standby until it holds the database lock)")
    return runner


def stop_embedded(app, timeout=30):
    """Stop this app's embedded runner (and release its lock), if it has one."""
    runner = app.extensions.pop("embedded_scheduler", None)
    if runner is not None:
        runner.stop(timeout)
    return runner
