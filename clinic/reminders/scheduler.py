"""The embedded scheduler of `make run`: one background thread in the web process.

Production runs the scheduler as its own process (a later step adds `flask scheduler run` with a
database lock); here the jobs only wake up services, so both shapes share the same code.
"""
import logging
import os

from apscheduler.schedulers.background import BackgroundScheduler

logger = logging.getLogger(__name__)


def should_start(app, environ=os.environ):
    """Start only where asked, never in tests, and only in the reloader's serving child."""
    if not app.config.get("EMBEDDED_SCHEDULER") or app.testing:
        return False
    if app.debug and environ.get("WERKZEUG_RUN_MAIN") != "true":
        return False  # the reloader's watcher process; its child will start the scheduler
    return True


def deliver_outbox(app):
    from clinic.reminders.delivery import deliver_pending, smtp_configured

    with app.app_context():
        if smtp_configured():
            counts = deliver_pending()
            if any(counts.values()):
                logger.info("outbox delivery: %s", counts)


def start_embedded(app):
    """Start the background scheduler for this process; return it (or None)."""
    if not should_start(app):
        return None
    scheduler = BackgroundScheduler(timezone=app.config["CLINIC_TIMEZONE"], daemon=True)
    scheduler.add_job(deliver_outbox, "interval", args=[app], seconds=60, id="outbox-delivery",
                      coalesce=True, max_instances=1, replace_existing=True)
    scheduler.start()
    app.extensions["embedded_scheduler"] = scheduler
    logger.info("embedded scheduler started (outbox delivery every 60 s)")
    return scheduler
