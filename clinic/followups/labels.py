"""Words and colours of follow-up statuses, priorities, sources and history entries."""
from flask_babel import lazy_gettext as _l

from clinic.followups.models import TaskPriority, TaskSource, TaskStatus

STATUS_LABELS = {
    TaskStatus.OPEN: _l("Terbuka"),
    TaskStatus.IN_PROGRESS: _l("Sedang dikerjakan"),
    TaskStatus.DONE: _l("Selesai"),
    TaskStatus.CLOSED: _l("Ditutup"),
    TaskStatus.CANCELLED: _l("Dibatalkan"),
}
# Word and colour together (docs/ui.md): grey open, blue in progress, green closed/done.
STATUS_CLASSES = {
    TaskStatus.OPEN: "status-draft",
    TaskStatus.IN_PROGRESS: "status-submitted",
    TaskStatus.DONE: "status-verified",
    TaskStatus.CLOSED: "status-verified",
    TaskStatus.CANCELLED: "status-draft",
}
PRIORITY_LABELS = {
    TaskPriority.LOW: _l("Rendah"),
    TaskPriority.NORMAL: _l("Normal"),
    TaskPriority.HIGH: _l("Tinggi"),
}
SOURCE_LABELS = {
    TaskSource.SESSION: _l("Sesi Pendampingan"),
    TaskSource.EVENT: _l("Bimtek"),
    TaskSource.REVIEW: _l("Verifikasi"),
    TaskSource.MANUAL: _l("Manual"),
}
EVENT_LABELS = {
    "created": _l("Dibuat"),
    "edited": _l("Diubah"),
    "status": _l("Status diubah"),
    "comment": _l("Komentar"),
    "closed": _l("Ditutup"),
    "cancelled": _l("Dibatalkan"),
    "reopened": _l("Dibuka kembali"),
    "auto_closed": _l("Ditutup otomatis"),
}
