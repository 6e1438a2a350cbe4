"""Timings inside one Python process (no interpreter start, no app import in the figures).

``python scripts/bench/inprocess.py MAILS`` in the app's directory, with ``DATABASE_URL`` set,
prints one JSON line: ``flask score`` and ``score --json`` (the command callbacks, first call
and the median of three more), one reminder pass, and delivery of MAILS queued mails to an
aiosmtpd sink on loopback. The reminder pass is rolled back where the database honours it (on
SQLite the SAVEPOINT of each reminder commits it: see the note on issue 11); the benchmark
database is thrown away after the run anyway.
"""
import json
import os
import socket
import statistics
import sys
import time
from datetime import datetime, time as clock, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

sys.path.insert(0, os.getcwd())


def timed(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - started, value


def score_times(app, args):
    """(first call, median of three more) seconds of the ``flask score ARGS`` callback."""
    from clinic.extensions import db

    runner = app.test_cli_runner()

    def once():
        db.session.remove()  # each call starts with an empty session, like a new command
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise RuntimeError(f"flask {' '.join(args)}: {result.output}{result.exception!r}")

    first, _ = timed(once)
    rest = [timed(once)[0] for _ in range(3)]
    return {"first_s": round(first, 4), "median_s": round(statistics.median(rest), 4)}


def reminder_moment(app):
    """08:05 local on the next working Monday (digests, summary and escalations all fall due)."""
    from clinic.workdays import is_working_day

    zone = ZoneInfo(app.config["CLINIC_TIMEZONE"])
    day = datetime.now(zone).date() + timedelta(days=1)
    while day.weekday() != 0 or not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, clock(8, 5), tzinfo=zone)


def reminder_pass(app):
    """Seconds of one reminder pass (planned and flushed, then rolled back) and its counts."""
    from clinic.extensions import db
    from clinic.reminders.planner import run_due

    now = reminder_moment(app)

    def plan():
        counts = run_due(now)
        db.session.flush()
        return counts

    seconds, counts = timed(plan)
    db.session.rollback()
    return {"seconds": round(seconds, 4), "now": now.isoformat(), "counts": counts}


class CountingSink:
    """An aiosmtpd handler that only counts what it accepts."""

    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def queue_mails(count):
    """Write ``count`` ordinary mails (an item returned) to the outbox and commit."""
    from sqlalchemy import select

    from clinic.auth.models import User
    from clinic.extensions import db
    from clinic.outbox.services import send_email

    contact = db.session.scalars(select(User).where(User.role == "contact")).first()
    item = SimpleNamespace(indicator=SimpleNamespace(code="BENCH", name="Benchmark"),
                           innovation=None)
    for number in range(count):
        send_email("item_returned", contact, f"Benchmark mail {number}", item=item,
                   reason="Benchmark of the outbox delivery.", link="http://127.0.0.1/")
    db.session.commit()


def mail_delivery(app, count):
    """Mails per second delivered by ``outbox send`` passes to a local SMTP sink."""
    from aiosmtpd.controller import Controller

    from clinic.outbox.delivery import deliver_pending

    queue_seconds, _ = timed(queue_mails, count)
    sink = CountingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_TIMEOUT=10)
    try:
        started, sent = time.perf_counter(), 0
        while sent < count:
            counts = deliver_pending(limit=count)
            sent += counts["sent"]
            if not counts["sent"]:
                break
        seconds = time.perf_counter() - started
    finally:
        controller.stop()
        app.config["MAIL_SERVER"] = ""
    return {"queued": count, "sent": sent, "received": sink.received,
            "queue_seconds": round(queue_seconds, 3), "seconds": round(seconds, 3),
            "mails_per_s": round(sent / seconds, 1) if seconds else None}


def main(mails):
    app_seconds, app = timed(lambda: __import__("wsgi").app)
    with app.app_context():
        result = {"app_import_s": round(app_seconds, 3),
                  "score": score_times(app, ["score"]),
                  "score_json": score_times(app, ["score", "--json"]),
                  "reminders": reminder_pass(app)}
        result["mail"] = mail_delivery(app, mails) if mails else None
    print("BENCH_JSON " + json.dumps(result))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
