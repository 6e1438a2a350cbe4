"""iCalendar for sessions: invitations (REQUEST / CANCEL) and the personal calendar feed."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from clinic.db_types import utcnow
from clinic.email import absolute_url

PRODID = "-//Bappeda Litbang//Klinik Inovasi//ID"


def _add_given(component, properties):
    """Add each of ``properties`` that has a value (an empty one is left out), in order."""
    for name, value in properties.items():
        if value:
            component.add(name, value)
    return component


def _calendar(method=None, name=None):
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    return _add_given(cal, {"method": method, "x-wr-calname": name})


def _organizer():
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(current_app.config.get("ORGANIZATION_NAME", "Bappeda Litbang"))
    return organizer


def session_event(session, attendees=(), cancelled=False):
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
    return event


def invitation(session, attendees, cancel=False):
    """The .ics text of an invitation (METHOD:REQUEST) or a cancellation (METHOD:CANCEL)."""
    cal = _calendar(method="CANCEL" if cancel else "REQUEST")
    cal.add_component(session_event(session, attendees, cancelled=cancel))
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


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
    cal.add_missing_timezones()
    return cal.to_ical()


