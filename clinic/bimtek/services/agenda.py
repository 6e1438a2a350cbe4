"""The agenda: items per day with speakers; overlaps are warned about, never refused."""
from flask_babel import lazy_gettext as _l

from clinic.bimtek.clashes import event_clashes
from clinic.bimtek.models import AgendaItem, AgendaSpeaker
from clinic.bimtek.services.events import EventError
from clinic.extensions import db


def add_item(day, starts, ends, title, track=None, speakers=()):
    """Add an item at the end of ``day``; ``speakers`` are dicts (user or name, institution,
    position)."""
    if starts >= ends:
        raise EventError(_l("Jam selesai harus sesudah jam mulai."), "ends")
    item = AgendaItem(day=day, starts=starts, ends=ends, title=title, track=track or None,
                      position=len(day.items))
    item.speakers = [AgendaSpeaker(**s) for s in speakers]
    db.session.add(item)
    db.session.flush()
    return item


def move_item(item, day, position):
    """Move ``item`` to ``day`` (of the same event) at ``position`` among its items."""
    if day.event_id != item.day.event_id:
        raise EventError(_l("Hari itu bukan hari bimtek ini."), "day")
    old_day = item.day
    # No flush in between: an item off its old day but not yet on the new one is an orphan.
    with db.session.no_autoflush:
        items = [i for i in day.items if i is not item]
        items.insert(max(0, min(position, len(items))), item)
        if old_day is not day:
            old_day.items.remove(item)
        day.items = items
        for days_items in (old_day.items, day.items):
            for index, row in enumerate(days_items):
                row.position = index
    db.session.flush()
    return item


def _overlap(a, b):
    return a.starts < b.ends and b.starts < a.ends


def agenda_warnings(event):
    """Messages about items of one day that overlap in one room or share a speaker, then
    about coaching sessions that clash with the event (clinic.bimtek.clashes)."""
    warnings = []
    for day in event.days:
        items = list(day.items)
        for index, a in enumerate(items):
            for b in items[index + 1:]:
                if not _overlap(a, b):
                    continue
                if a.track and a.track.strip().lower() == (b.track or "").strip().lower():
                    warnings.append(_l("%(a)s dan %(b)s bertumpuk di %(room)s.",
                                       a=a.title, b=b.title, room=a.track))
                shared = {s.key for s in a.speakers} & {s.key for s in b.speakers}
                for speaker in (s for s in a.speakers if s.key in shared):
                    warnings.append(_l("%(name)s mengisi %(a)s dan %(b)s pada jam yang sama.",
                                       name=speaker.label, a=a.title, b=b.title))
    return warnings + event_clashes(event)
