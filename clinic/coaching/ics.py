"""iCalendar for sessions: invitations (REQUEST / CANCEL) and the personal calendar feed."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from clinic.db_types import utcnow
from clinic.email import absolute_url, sender_address

# Calendar clients remind the invitee this long before the session (the day before).
ALARM_BEFORE = timedelta(days=1)


def _agency():
    """The agency's one spelling (CLINIC_AGENCY), as in the pages and the e-mails."""
    return current_app.config["CLINIC_AGENCY"]


def _prodid():
    return f"-//{_agency()}//Klinik Inovasi//ID"


def _add_given(component, properties):
    """Add each of ``properties`` that has a value (an empty one is left out), in order."""
    for name, value in properties.items():
        if value:
            component.add(name, value)
    return component


def _calendar(method=None, name=None):
    cal = Calendar()
    cal.add("prodid", _prodid())
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    return _add_given(cal, {"method": method, "x-wr-calname": name})


def _organizer():
    """The configured sender (MAIL_DEFAULT_SENDER, "Name <address>", an address or a
    (name, address) pair as Flask-Mail allows), named as the agency."""
    organizer = vCalAddress(f"mailto:{sender_address()}")
    organizer.params["cn"] = vText(_agency())
    return organizer


def _alarm(session):
    """A display reminder the day before (the invitee's calendar shows it)."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -ALARM_BEFORE)
    alarm.add("description", _("Besok: %(title)s", title=session.title))
    return alarm


def _finish(cal):
    """Add the VTIMEZONEs the events use, without icalendar's English COMMENT in them."""
    cal.add_missing_timezones()
    for zone in cal.walk("VTIMEZONE"):
        zone.pop("COMMENT", None)
    return cal.to_ical()


def session_event(session, attendees=(), cancelled=False, alarm=False):
    """One VEVENT for a session, its times in the zone it was planned in."""
    zone = ZoneInfo(session.timezone or "Asia/Makassar")
    event = Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", session.title)
    location = ", ".join(p for p in (session.room, session.place, session.online_url) if p)
    if location:
        event.add("location", location)
    description = [session.agenda or "", absolute_url("coaching.detail", session_id=session.id)]
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("url", absolute_url("coaching.detail", session_id=session.id))
    event.add("status", "CANCELLED" if cancelled or session.is_cancelled else "CONFIRMED")
    event.add("organizer", _organizer())
    for person in attendees:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=0)
    if alarm and not (cancelled or session.is_cancelled):
        event.add_component(_alarm(session))
    return event


def invitation(session, attendees, cancel=False):
    """The .ics text of an invitation (METHOD:REQUEST) or a cancellation (METHOD:CANCEL)."""
    cal = _calendar(method="CANCEL" if cancel else "REQUEST")
    cal.add_component(session_event(session, attendees, cancelled=cancel, alarm=not cancel))
    return _finish(cal).decode("utf-8")


def invitation_attachment(session, attendees, cancel=False):
    """An outbox attachment (see clinic.outbox.services.send_email) holding the invitation."""
    method = "CANCEL" if cancel else "REQUEST"
    return {
        "filename": "undangan.ics" if not cancel else "pembatalan.ics",
        "content_type": f'text/calendar; charset="utf-8"; method={method}',
        "data": invitation(session, attendees, cancel=cancel),
    }


def due_date_event(uid, on, summary, description=None, url=None):
    """An all-day VEVENT (e.g. a follow-up task's due date) for the calendar feed."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", utcnow())
    event.add("dtstart", on)
    event.add("dtend", on + timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    return _add_given(event, {"description": description, "url": url})


def feed(name, sessions=(), extra_events=()):
    """A whole calendar (no METHOD) for a subscription feed."""
    cal = _calendar(name=name)
    for session in sessions:
        cal.add_component(session_event(session))
    for event in extra_events:
        cal.add_component(event)
    return _finish(cal)


