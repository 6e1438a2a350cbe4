"""Demo coaching clinics: past sessions signed off, their tasks in every state, upcoming ones.

Everything is dated relative to today (WITA) and drawn from one seeded generator. Rows are
written with the models directly, with the history the services would have recorded; no
invitation or notes e-mail is put in the outbox, so seeding never mails the demo accounts.
"""
import random
import uuid
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clinic.auth.models import User
from clinic.coaching.models import (
    Attendance, AttendanceStatus, CoachingSession, Finding, NoteRevision,
    SessionEvent, SessionNote, SessionStatus,
)
from clinic.dates import today_local
from clinic.db_types import utcnow
from clinic.demo import followups
from clinic.demo.coaching import calendar, content as text
from clinic.demo.coaching.content import (
    CANCELLED, EVE, KEMENDAGRI, PAST, RESCHEDULED, SERIES, UPCOMING,
)
from clinic.extensions import db
from clinic.reporting.models import Innovation, ItemStatus, ReportItem
from clinic.workdays import ClosedDate, is_working_day

SEED = 4
WITA = "Asia/Makassar"
RANK = {ItemStatus.RETURNED: 0, ItemStatus.EMPTY: 1, ItemStatus.DRAFT: 1,
        ItemStatus.SUBMITTED: 2}


class Demo:
    """Writes the sessions; remembers the days already taken so no two share a slot."""

    def __init__(self, rng, cycle, skpds, people):
        self.rng, self.cycle, self.people = rng, cycle, people
        self.staff = people["staff@demo.test"]
        self.now, self.today = utcnow(), today_local()
        self.skpds = {s.code: s for s in skpds}
        used = [s.id for s in skpds]
        self.contacts = {}
        for user in db.session.scalars(select(User).where(
                User.role == "contact", User.is_active.is_(True), User.skpd_id.in_(used))
                .order_by(User.id)):
            self.contacts.setdefault(user.skpd_id, []).append(user)
        self.innovations = {}
        for inn in db.session.scalars(select(Innovation).where(
                Innovation.cycle_id == cycle.id).order_by(Innovation.id)):
            self.innovations.setdefault(inn.skpd_id, []).append(inn)
        self.items = {}
        for item in db.session.scalars(select(ReportItem).join(Innovation).where(
                Innovation.cycle_id == cycle.id, ReportItem.status != ItemStatus.VERIFIED)
                .options(selectinload(ReportItem.indicator)).order_by(ReportItem.id)):
            self.items.setdefault(item.innovation_id, []).append(item)
        self.taken = set()
        self.sessions, self.tasks = [], []

    # -- days and times -----------------------------------------------------------------------

    def workday(self, day, step, slot="am"):
        """``day`` or the nearest free working day in the direction of ``step`` (+1 / -1)."""
        while not is_working_day(day) or (day, slot) in self.taken:
            day += timedelta(days=step)
        self.taken.add((day, slot))
        return day

    def times(self, day, hour, minute=0, tz=WITA, hours=2):
        """Start and end (UTC) of a meeting at ``hour``:``minute`` local time on ``day``."""
        start = datetime.combine(day, time(hour, minute), ZoneInfo(tz)).astimezone(timezone.utc)
        return start, start + timedelta(hours=hours)

    def moment(self, at):
        """``at``, but never in the future (history rows are in the past)."""
        return min(at, self.now - timedelta(minutes=30))

    def office(self, day, after=0, step=1):
        """A moment in office hours (WITA) on ``day`` + ``after`` days, weekends skipped in the
        direction of ``step``."""
        day += timedelta(days=after)
        while day.weekday() >= 5:
            day += timedelta(days=step)
        hour, minute = self.rng.randint(8, 15), self.rng.randrange(0, 60, 5)
        return self.moment(self.times(day, hour, minute)[0])

    def local_day(self, at):
        return at.astimezone(ZoneInfo(WITA)).date()

    # -- sessions ----------------------------------------------------------------------------

    def session(self, day, codes, trainer_email, slot="am", **fields):
        """A planned session of the SKPDs with ``codes``, invitees listed, not yet held."""
        skpds = [self.skpds[c] for c in codes if c in self.skpds]
        if not skpds:
            return None
        trainer = self.people[trainer_email]
        online = trainer_email == KEMENDAGRI  # the Jakarta trainer coaches online, in WIB
        tz = "Asia/Jakarta" if online else WITA
        start, end = self.times(day, 13 if slot == "pm" else 9, 30 if slot == "pm" else 0, tz)
        innovations = []
        for skpd in skpds:
            own = self.innovations.get(skpd.id, [])
            innovations += own[:1] + self.rng.sample(own[1:], min(1, len(own) - 1))
        names = (text.JOINT_INNOVATIONS if len(skpds) > 1
                 else ", ".join(i.name for i in innovations) or "inovasi perangkat daerah")
        agenda = fields.pop("agenda", None) or text.AGENDA.format(innovations=names)
        created = self.office(min(self.local_day(start) - timedelta(self.rng.randint(7, 14)),
                                  self.today - timedelta(self.rng.randint(3, 10))), step=-1)
        session = CoachingSession(
            title="Coaching Clinic " + " & ".join(s.short_name for s in skpds),
            starts_at=start, ends_at=end, timezone=tz, skpds=skpds, trainers=[trainer],
            innovations=innovations, cycle_id=self.cycle.id, created_by_id=self.staff.id,
            agenda=agenda,
            place=text.ONLINE_PLACE if online else text.PLACE,
            room=None if online else text.ROOMS[slot == "pm"],
            online_url=(f"https://zoom.us/j/{self.rng.randint(10**10, 10**11 - 1)}"
                        if online else None),
            created_at=created, **fields)
        session.events.append(SessionEvent(
            actor_id=self.staff.id, action="created", created_at=session.created_at,
            detail={"at": [start.isoformat(), end.isoformat()], "warnings": []}))
        for skpd in skpds:
            for contact in self.contacts.get(skpd.id, []):
                session.attendance.append(Attendance(user_id=contact.id, skpd_id=skpd.id,
                                                     name=contact.name,
                                                     position=contact.position))
        db.session.add(session)
        self.sessions.append(session)
        return session

    def hold(self, session, statuses):
        """Attendance, notes with revisions, findings and their tasks; signed off."""
        rng, trainer = self.rng, session.trainers[0]
        for row in session.attendance:
            row.status = rng.choices((AttendanceStatus.PRESENT, AttendanceStatus.LATE), (4, 1))[0]
            row.recorded_by_id = trainer.id
        for name, position in rng.sample(text.GUESTS, rng.randint(1, 2)):
            status = rng.choices(AttendanceStatus.ALL, (6, 1, 1, 1))[0]
            session.attendance.append(Attendance(
                skpd_id=session.skpds[0].id, name=name, position=position, nip=text.nip(rng),
                status=status, recorded_by_id=trainer.id,
                note="Sakit" if status == AttendanceStatus.EXCUSED else None))
        signed = (self.moment(session.ends_at + timedelta(hours=rng.randint(2, 4)))
                  if rng.random() < 0.6 else self.office(self.local_day(session.ends_at), 1))
        findings = self.findings(session, len(statuses))
        lines = "\n".join(f"- **{f.item.indicator.code}** ({f.innovation.name}): "
                          f"{f.text.split(': ', 1)[-1]}" for f in findings)
        innovations = ", ".join(i.name for i in session.innovations)
        if len(session.skpds) > 1:
            lines, innovations = text.JOINT_FINDINGS, text.JOINT_INNOVATIONS
        skpd_names = ", ".join(s.name for s in session.skpds)
        due = signed.astimezone(ZoneInfo(WITA)).date() + timedelta(days=14)
        draft = text.NOTE_INTRO.format(
            year=self.cycle.year, skpds=skpd_names, findings=lines or "- Tidak ada temuan.",
            innovations=innovations)
        body = draft + text.NOTE_AGREEMENTS.format(skpds=skpd_names, due=text.long_date(due))
        private = rng.choice(text.PRIVATE_NOTES) if rng.random() < 0.3 else None
        note = SessionNote(body=body, private_body=private, updated_by_id=trainer.id,
                           updated_at=signed, signed_off_at=signed, signed_off_by_id=trainer.id)
        saves = [draft, body] if rng.random() < 0.5 else [body]
        step = (signed - session.ends_at) / (len(saves) + 1)
        for number, saved in enumerate(saves, 1):
            note.revisions.append(NoteRevision(
                number=number, body=saved, private_body=private, author_id=trainer.id,
                created_at=session.ends_at + step * number))
        session.note, session.status = note, SessionStatus.HELD
        session.events.append(SessionEvent(actor_id=trainer.id, action="signed_off",
                                           detail={"at": signed.isoformat()}, created_at=signed))
        db.session.flush()
        for finding, status in zip(findings, statuses):
            followups.add_task(self, session, finding, status, signed)

    def findings(self, session, count):
        """``count`` findings about unverified items of the session's innovations."""
        pools = []
        for inn in session.innovations:
            pool = list(self.items.get(inn.id, []))
            self.rng.shuffle(pool)
            pools.append(sorted(pool, key=lambda i: RANK.get(i.status, 3)))
        findings = []
        for n in range(count):
            pool = pools[n % len(pools)] if pools else []
            if not pool:
                continue
            item = pool.pop(0)
            self.items[item.innovation_id].remove(item)
            inn = item.innovation
            kind = item.status if item.status in text.FINDING else "draft"
            findings.append(Finding(
                skpd_id=inn.skpd_id, innovation=inn, item=item, position=n,
                text=text.FINDING[kind][0].format(code=item.indicator.code,
                                                  indicator=item.indicator.name),
                created_by_id=session.trainers[0].id, created_at=session.ends_at))
        session.findings.extend(findings)
        return findings

    def task_title(self, finding):
        """What the task of ``finding`` asks, by the status of its item."""
        kind = finding.item.status if finding.item.status in text.FINDING else "draft"
        return text.FINDING[kind][1].format(code=finding.item.indicator.code,
                                            innovation=finding.innovation.name)

    def rescheduled(self, planned, moved, codes, trainer):
        """A session moved from one day to a later one, as an edit of its times records it."""
        old = self.times(self.workday(self.today + timedelta(planned), 1), 9)
        session = self.session(self.workday(self.today + timedelta(moved), 1), codes, trainer,
                               sequence=1)
        if session is None:
            return
        self.taken.discard((self.local_day(old[0]), "am"))
        at = self.moment(max(self.office(self.today - timedelta(1), step=-1),
                             session.created_at + timedelta(hours=2)))
        session.events[0].detail = dict(session.events[0].detail,
                                        at=[t.isoformat() for t in old])
        session.events.append(SessionEvent(
            actor_id=self.staff.id, action="rescheduled", created_at=at,
            detail={"warnings": [], "from": [t.isoformat() for t in old],
                    "to": [session.starts_at.isoformat(), session.ends_at.isoformat()]}))

    def cancelled(self, ahead, codes, trainer):
        """A session called off a few days ago, with its reason."""
        session = self.session(self.workday(self.today + timedelta(ahead), 1), codes, trainer,
                               sequence=1, status=SessionStatus.CANCELLED,
                               cancel_reason=text.CANCEL_REASON)
        if session is None:
            return
        session.cancelled_at = self.moment(max(self.office(self.today - timedelta(2), step=-1),
                                               session.created_at + timedelta(hours=2)))
        session.events.append(SessionEvent(actor_id=self.staff.id, action="cancelled",
                                           detail={"reason": text.CANCEL_REASON},
                                           created_at=session.cancelled_at))


def seed_coaching_demo(cycle, skpds, people, scale=1, seed=SEED):
    """Add the demo sessions, notes, findings, tasks and closed dates; the caller commits.

    ``people``: the demo staff accounts by e-mail. ``scale`` is accepted for symmetry with the
    reporting demo; the sessions concern the first copy of the SKPDs only.
    """
    demo = Demo(random.Random(seed), cycle, skpds, people)
    for closed_on, name in sorted(calendar.cuti_bersama(demo.today).items()):
        db.session.add(ClosedDate(closed_on=closed_on, name=name, created_by_id=demo.staff.id))
    db.session.flush()  # the working-day checks below read the closed dates
    today, day = demo.today, timedelta(days=1)
    eve = calendar.holiday_eve(today)
    demo.taken.add((eve, "am"))
    for ago, codes, trainer, statuses in PAST:
        session = demo.session(demo.workday(today - ago * day, -1), codes, trainer)
        if session is not None:
            demo.hold(session, statuses)
    for ahead, codes, trainer in UPCOMING:
        demo.session(demo.workday(today + ahead * day, 1), codes, trainer)
    if eve is not None:
        demo.session(eve, *EVE)
    demo.rescheduled(*RESCHEDULED)
    demo.cancelled(*CANCELLED)
    series = str(uuid.UUID(int=demo.rng.getrandbits(128), version=4))
    weekly = calendar.weekly_days(today, {d for d, slot in demo.taken if slot == "pm"})
    for n, day_ in enumerate(weekly, 1):
        demo.session(day_, *SERIES, slot="pm", series_id=series,
                     agenda=text.SERIES_AGENDA.format(n=n))
    db.session.flush()
    return {"sessions": len(demo.sessions), "tasks": len(demo.tasks)}
