"""Names in messages: a session or a room named with its kind once, never twice.

"Dibatalkan: Coaching Clinic %(title)s" with the title "Coaching Clinic Dishub" read "Coaching
Clinic Coaching Clinic Dishub"; the kind is added only when the name does not carry it already
(in the source language or the reader's). The labels are lazy: an e-mail renders them in its
recipient's language.
"""
import re

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

# Words that already say "this is a session" or "this is a room", in Indonesian and English.
SESSION_WORDS = ("Coaching Clinic", "Klinik", "Sesi", "Pendampingan", "Coaching", "Session",
                 "Clinic")
ROOM_WORDS = ("Ruang", "Ruangan", "Aula", "Balai", "Gedung", "Room", "Hall")


def mentions(name, words):
    """Whether ``name`` contains one of ``words`` as a whole word (any case)."""
    return any(re.search(rf"(?<!\w){re.escape(str(word))}(?!\w)", name or "", re.IGNORECASE)
               for word in words)


def _session_label(title):
    if mentions(title, (*SESSION_WORDS, _("Coaching Clinic"))):
        return title
    return _("Coaching Clinic %(title)s", title=title)


def _room_label(room):
    if mentions(room, (*ROOM_WORDS, _("Ruang"))):
        return room
    return _("Ruang %(room)s", room=room)


def session_label(title):
    """'Coaching Clinic Dishub' for "Dishub" and for "Coaching Clinic Dishub" alike."""
    return LazyString(_session_label, title)


def room_label(room):
    """'Ruang Rapat 1' for "Rapat 1" and for "Ruang Rapat 1" alike."""
    return LazyString(_room_label, room)
