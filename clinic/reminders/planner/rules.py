"""The rules every reminder follows: one pass's clock, a dedupe key written once, who gets it.

Decisions are data: every reminder has a dedupe key, and ``write`` adds its outbox row only
once, even when two runs race (the key is unique). The caller commits.
"""
from collections import defaultdict
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import LazyString
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from clinic.admin.models import Skpd
from clinic.auth.models import Role, User
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.outbox.models import Notification
from clinic.outbox.services import send_email
from clinic.reminders import preferences
from clinic.reporting import engine
from clinic.reporting.fixes import as_fixes, chosen
from clinic.reporting.models import ItemStatus
from clinic.workdays import is_working_day

# Bappeda's office hours when OFFICE_HOURS (config, "CLINIC_OFFICE_HOURS") does not say.
DEFAULT_OFFICE_HOURS = (time(8, 0), time(16, 0))


class Run:
    """One pass: the cycle, the moment in its zone, and the city's score read once."""

    def __init__(self, cycle, now):
        self.cycle, self.now = cycle, now.astimezone(timezone.utc)
        self.zone = ZoneInfo(cycle.timezone)
        self.local = now.astimezone(self.zone)
        self.today = self.local.date()
        self._score = None

    @property
    def score(self):
        if self._score is None:
            self._score = engine.city_score(self.cycle)
        return self._score

    def due_today(self):
        """Whether today's "at digest_at local" moment has come and the office is still open.

        A day's mail missed in the morning (downtime, a first start in the evening) is
        written later that day only inside office hours; after closing time it waits for the
        next working morning, so the planner never queues a batch of mail at night.
        """
        return (self.local >= datetime.combine(self.today, self.cycle.digest_at, self.zone)
                and self.office_open())

    def office_open(self):
        """Whether the local time lies inside the office hours (config OFFICE_HOURS)."""
        opens, closes = office_hours()
        return opens <= self.local.time() < closes

    def working_morning_due(self):
        """``due_today()`` on a working day: when a missed reminder may still be caught up."""
        return self.due_today() and is_working_day(self.today)

    def weekly_due(self, weekday):
        """Whether a weekly kind set for ``weekday`` may be written now (one key per week).

        Its day is the first working day on or after ``weekday`` in this ISO week (a Monday
        holiday moves it to Tuesday); missed that day (downtime, a start after office hours),
        it waits for the next working morning, never at night and never on a day off.
        """
        monday = self.today - timedelta(days=self.today.weekday())
        working = [day for day in (monday + timedelta(days=n) for n in range(weekday, 7))
                   if is_working_day(day)]
        return self.today in working[:2] and self.working_morning_due()


def office_hours():
    """(opens, closes) local times of the office, from the config."""
    return current_app.config.get("OFFICE_HOURS") or DEFAULT_OFFICE_HOURS


def write(kind, recipient, subject, dedupe_key, **context):
    """Add one outbox row inside a SAVEPOINT; False if the key was already planned."""
    if _planned(dedupe_key):
        return False
    link = preferences.unsubscribe_link(recipient, kind)
    context.setdefault("url", absolute_url)  # links in templates rendered outside requests
    try:
        with db.session.begin_nested():
            send_email(kind, recipient, subject, dedupe_key=dedupe_key, unsubscribe_url=link,
                       secret_links=[preferences.UNSUBSCRIBE_LINK] if link else (), **context)
            db.session.flush()
    except IntegrityError:
        # Another run wrote the same key between our check and our insert: already planned.
        return False
    return True


def counted(render):
    """A subject that counts something: ``render`` calls ngettext, and send_email renders it
    in the recipient's language (lazy_gettext cannot choose "1 day" or "3 days")."""
    return LazyString(render)


def _planned(key):
    return db.session.scalar(select(exists().where(Notification.dedupe_key == key)))


def unplanned(candidates):
    """[(key, target)] of ``{key: target}`` whose key has no outbox row yet (a few queries,
    so that a run every minute stays cheap once the day's reminders are written)."""
    keys = list(candidates)
    done = set()
    for start in range(0, len(keys), 500):
        done.update(db.session.scalars(select(Notification.dedupe_key).where(
            Notification.dedupe_key.in_(keys[start:start + 500]))))
    return [(key, target) for key, target in candidates.items() if key not in done]


def zone_of(user):
    return user.timezone or current_app.config["CLINIC_TIMEZONE"]


def iso_week(day):
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def active_contacts(skpd_ids):
    """Active contacts of these SKPDs (of every active SKPD with None), by SKPD then name."""
    stmt = (select(User).join(Skpd, User.skpd_id == Skpd.id)
            .where(User.role == Role.CONTACT, User.is_active)
            .order_by(User.skpd_id, User.name, User.id))
    if skpd_ids is None:
        return db.session.scalars(stmt.where(Skpd.is_active)).all()
    if not skpd_ids:
        return []
    return db.session.scalars(stmt.where(User.skpd_id.in_(sorted(skpd_ids)))).all()


def staff_members():
    """Active Bappeda staff, by name."""
    return db.session.scalars(
        select(User).where(User.role == Role.STAFF, User.is_active)
        .order_by(User.name, User.id)).all()


def missing_by_skpd(score):
    """{skpd_id: [Fix]} of the items SKPDs still have to fill in or correct."""
    missing = defaultdict(list)
    entries = [e for e in chosen(score, statuses=ItemStatus.OPEN) if e.skpd_id is not None]
    for fix in as_fixes(entries):
        missing[fix.item.skpd_id].append(fix)
    return missing
