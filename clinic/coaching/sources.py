"""Other features in the session calendar, the personal feed and the schedule checks.

Bimtek sits above coaching (an event's speakers are coaching's trainers), so coaching never
imports it: a later feature registers a CalendarSource when it is imported (clinic/bimtek/
calendar.py), which create_app does before any request. The calendar pages, the feed and
``check_schedule`` ask every registered source, so a session planned on an event day warns,
and the event days show beside the sessions.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Callable


@dataclass(frozen=True)
class CalendarEntry:
    """One thing on the calendar that is not a coaching session (a Bimtek event day)."""

    starts_at: datetime  # aware; the day it shows on is read in the viewer's zone
    ends_at: datetime
    title: str
    label: str  # what it is, shown as a badge ("Bimtek")
    url: str | None = None  # None when the viewer may not open it
    place: str | None = None
    status: str | None = None  # a status word shown beside it
    status_class: str = "status-submitted"
    cancelled: bool = False


@dataclass(frozen=True)
class CalendarSource:
    """What a feature puts in the calendar, each its own rule."""

    name: str
    # (user, start_utc, end_utc, own_only=, skpd_id=, trainer_id=) -> [CalendarEntry] that
    # overlap the period and that ``user`` may see, filtered like the sessions.
    entries: Callable
    # (user, today) -> [icalendar Event] for the user's personal feed (no METHOD).
    feed_events: Callable
    # (starts_at, ends_at, skpd_ids=, trainer_ids=, room=, zone=) -> [ScheduleWarning] of a
    # session planned at that time.
    clashes: Callable


_registered = {}


def register_calendar_source(source):
    """Let a feature show its entries in the calendar and warn of clashes (a CalendarSource)."""
    _registered[source.name] = source


def calendar_sources():
    """The registered CalendarSources, in the order they were registered."""
    return list(_registered.values())
