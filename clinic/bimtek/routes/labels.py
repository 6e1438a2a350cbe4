"""Labels of the Bimtek pages, shared by their templates."""
from flask_babel import lazy_gettext as _l

from clinic import dates
from clinic.bimtek import bp
from clinic.bimtek.models import EventStatus

STATUS_LABELS = {EventStatus.DRAFT: _l("Draf"), EventStatus.OPEN: _l("Pendaftaran dibuka"),
                 EventStatus.CLOSED: _l("Pendaftaran ditutup"),
                 EventStatus.HELD: _l("Terlaksana"), EventStatus.ARCHIVED: _l("Diarsipkan"),
                 EventStatus.CANCELLED: _l("Dibatalkan")}
STATUS_CLASSES = {EventStatus.DRAFT: "status-draft", EventStatus.OPEN: "status-submitted",
                  EventStatus.CLOSED: "status-returned", EventStatus.HELD: "status-verified",
                  EventStatus.ARCHIVED: "status-draft", EventStatus.CANCELLED: "status-cancelled"}
# The button that moves an event to the next status.
ADVANCE_LABELS = {EventStatus.OPEN: _l("Buka pendaftaran"),
                  EventStatus.CLOSED: _l("Tutup pendaftaran"),
                  EventStatus.HELD: _l("Tandai terlaksana"), EventStatus.ARCHIVED: _l("Arsipkan")}


@bp.context_processor
def bimtek_labels():
    return {"bimtek_status_labels": STATUS_LABELS, "bimtek_status_classes": STATUS_CLASSES,
            "bimtek_advance_labels": ADVANCE_LABELS}


@bp.app_template_filter("bimtek_day")
def bimtek_day(day):
    """'Rabu, 17 Juli 2024 08.00-16.00 WITA': a day of an event in its own zone."""
    return (f"{dates.fmt_date(day.day_on)} {day.starts:%H.%M}\u2013{day.ends:%H.%M} "
            f"{dates.zone_label(day.event.timezone)}")


@bp.app_template_filter("clock")
def clock(value):
    return f"{value:%H.%M}" if value else ""
