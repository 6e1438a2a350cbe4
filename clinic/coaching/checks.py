"""Schedule checks: weekends, holidays, closed days, office hours and clashes, as warnings."""
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.coaching.models import CoachingSession, SessionStatus, session_skpds, session_trainers
from clinic.coaching.sources import calendar_sources
from clinic.coaching.wording import room_label
from clinic.dates import fmt_date, zone_label
from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.workdays import closed_date, national_holiday

DEFAULT_OFFICE_HOURS = (time(8, 0), time(16, 0))


@dataclass(frozen=True)
class ScheduleWarning:
    """One thing the planner should read before saving; clashes are blocking."""

    kind: str  # weekend, holiday, closed, office_hours, clash_trainer, clash_skpd, clash_room, ...
    message: str
    blocking: bool = False

    def __str__(self):
        return str(self.message)


def _zone(tz):
    if isinstance(tz, ZoneInfo):
        return tz
    return ZoneInfo(str(tz or current_app.config["CLINIC_TIMEZONE"]))


def clock(moment, zone):
    """'09.00' in the current language, in ``zone``."""
    return format_time(moment.astimezone(zone).time(), "short", rebase=False)


def moment(instant, tz):
    """'Senin, 7 Desember 2026 09.30 WITA': an instant in one zone, the zone named."""
    zone = _zone(tz)
    local = instant.astimezone(zone)
    return f"{fmt_date(local, zone)} {clock(local, zone)} {zone_label(zone)}"


def span(starts_at, ends_at, tz):
    """'Selasa, 7 Juli 2026 09.00-11.00 WITA': a session's time in one zone, the zone named."""
    zone = _zone(tz)
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    text = f"{fmt_date(start, zone)} {clock(start, zone)}–"
    if end.date() != start.date():
        text += f"{fmt_date(end, zone)} "
    return f"{text}{clock(end, zone)} {zone_label(zone)}"


def check_schedule(starts_at, ends_at, *, skpd_ids, trainer_ids, room, tz,
                   exclude_session_id=None, now=None):
    """Warnings for a session at [starts_at, ends_at) (aware instants); days are read in ``tz``."""
    zone = _zone(tz)
    if ends_at <= starts_at:
        return [ScheduleWarning("end_before_start",
                                _l("Waktu selesai harus sesudah waktu mulai."), blocking=True)]
    found = []
    if starts_at < (now or utcnow()):
        # Recording a clinic that already took place is allowed, but never by accident.
        found.append(ScheduleWarning("past", _l(
            "Waktu mulai sudah lewat. Undangan tetap dikirim ke peserta.")))
    # Other features' clashes (a Bimtek event day) come after the sessions'.
    others = [warning for source in calendar_sources()
              for warning in source.clashes(starts_at, ends_at, skpd_ids=skpd_ids,
                                            trainer_ids=trainer_ids, room=room, zone=zone)]
    return [*found, *_day_warnings(starts_at, ends_at, zone),
            *_clashes(starts_at, ends_at, skpd_ids, trainer_ids, room, zone, exclude_session_id),
            *others]


def _day_warnings(starts_at, ends_at, zone):
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    day, label = start.date(), fmt_date(start, zone)
    found = []
    if day.weekday() >= 5:
        found.append(ScheduleWarning("weekend", _l("%(day)s jatuh pada akhir pekan.", day=label)))
    holiday = national_holiday(day)
    if holiday:
        found.append(ScheduleWarning("holiday", _l("%(day)s adalah hari libur nasional: %(name)s.",
                                                   day=label, name=holiday)))
    closed = closed_date(day)
    if closed:
        found.append(ScheduleWarning("closed", _l("Kantor tutup pada %(day)s: %(name)s.",
                                                  day=label, name=closed)))
    opens, closes = current_app.config.get("OFFICE_HOURS", DEFAULT_OFFICE_HOURS)
    if start.time() < opens or end.date() != day or end.time() > closes:
        found.append(ScheduleWarning("office_hours", _l(
            "Sesi berada di luar jam kerja kantor (%(opens)s–%(closes)s %(zone)s).",
            opens=format_time(opens, "short", rebase=False),
            closes=format_time(closes, "short", rebase=False), zone=zone_label(zone))))
    return found


def _overlapping(starts_at, ends_at, exclude_session_id):
    stmt = select(CoachingSession).where(
        CoachingSession.status != SessionStatus.CANCELLED,
        CoachingSession.starts_at < ends_at, CoachingSession.ends_at > starts_at)
    if exclude_session_id is not None:
        stmt = stmt.where(CoachingSession.id != exclude_session_id)
    return stmt


def _booked(base, link, key, model, ids):
    """(other session, name) for each overlapping session that ``link`` ties to one of ``ids``."""
    return db.session.execute(
        base.add_columns(model.name)
        .join(link, link.c.session_id == CoachingSession.id)
        .join(model, model.id == link.c[key])
        .where(link.c[key].in_(list(ids))))


def _clashes(starts_at, ends_at, skpd_ids, trainer_ids, room, zone, exclude_session_id):
    base = _overlapping(starts_at, ends_at, exclude_session_id).order_by(CoachingSession.starts_at)
    found = []
    # Who cannot be in two sessions at once: trainers, then SKPDs (the order warnings are shown).
    for kind, ids, link, key, model, message in (
            ("clash_trainer", trainer_ids, session_trainers, "user_id", User, _l(
                "Narasumber %(name)s sudah dijadwalkan pada sesi \"%(title)s\" (%(when)s).")),
            ("clash_skpd", skpd_ids, session_skpds, "skpd_id", Skpd, _l(
                "%(name)s sudah dijadwalkan pada sesi \"%(title)s\" (%(when)s)."))):
        if ids:
            found += [ScheduleWarning(kind, message % {
                "name": name, "title": other.title,
                "when": span(other.starts_at, other.ends_at, zone)}, blocking=True)
                for other, name in _booked(base, link, key, model, ids)]
    room = (room or "").strip().lower()
    if room:
        rows = db.session.scalars(base.where(func.lower(func.trim(CoachingSession.room)) == room))
        found += [ScheduleWarning("clash_room", _l(
            "%(room)s sudah dipakai sesi \"%(title)s\" (%(when)s).",
            room=room_label(other.room), title=other.title,
            when=span(other.starts_at, other.ends_at, zone)),
            blocking=True) for other in rows]
    return found
