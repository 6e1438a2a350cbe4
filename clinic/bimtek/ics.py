"""iCalendar of an event's days: the participant's confirmation (REQUEST) and the
cancellation (CANCEL), one VEVENT per day with a stable UID so a cancel removes each."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from clinic.db_types import utcnow
from clinic.email import sender_address


def day_uid(day):
    return f"bimtek-{day.event_id}-{day.day_on.isoformat()}@klinik-inovasi"


def _vevent(event, day, cancel):
    zone = ZoneInfo(event.timezone or "Asia/Makassar")
    vevent = Event()
    vevent.add("uid", day_uid(day))
    # A cancellation must outrank the invitation it withdraws.
    vevent.add("sequence", 1 if cancel else 0)
    vevent.add("dtstamp", utcnow())
    vevent.add("dtstart", datetime.combine(day.day_on, day.starts, tzinfo=zone))
    vevent.add("dtend", datetime.combine(day.day_on, day.ends, tzinfo=zone))
    vevent.add("summary", event.title)
    if event.place:
        vevent.add("location", event.place)
    vevent.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{sender_address()}")
    organizer.params["cn"] = vText(current_app.config["CLINIC_AGENCY"])
    vevent.add("organizer", organizer)
    return vevent


def attachment(event, cancel=False):
    """An outbox attachment with every day of ``event`` (METHOD:REQUEST or CANCEL)."""
    method = "CANCEL" if cancel else "REQUEST"
    cal = Calendar()
    cal.add("prodid", f"-//{current_app.config['CLINIC_AGENCY']}//Klinik Inovasi//ID")
    cal.add("version", "2.0")
    cal.add("method", method)
    for day in event.days:
        cal.add_component(_vevent(event, day, cancel))
    cal.add_missing_timezones()
    return {"filename": "pembatalan.ics" if cancel else "bimtek.ics",
            "content_type": f'text/calendar; charset="utf-8"; method={method}',
            "data": cal.to_ical().decode("utf-8")}
