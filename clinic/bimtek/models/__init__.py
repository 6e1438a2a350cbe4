"""The Bimtek feature's tables: the event and its registration (``events``), what happens on
the days (``attendance``) and what the event leaves behind (``records``)."""
from clinic.bimtek.models.attendance import Certificate, CheckIn, Feedback  # noqa: F401
from clinic.bimtek.models.events import (  # noqa: F401
    CANCELLABLE, NEXT_STATUS, AgendaItem, AgendaSpeaker, BimtekEvent, EventDay, EventInvitation,
    EventStatus, Participant,
)
from clinic.bimtek.models.records import EventFinding, EventPhoto, Material  # noqa: F401
