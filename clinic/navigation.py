"""The navigation bar per role; each feature adds its entries here."""
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "admin": _l("Admin"),
    "staff": _l("Staf Bappeda"),
    "trainer": _l("Narasumber"),
    "contact": _l("Operator SKPD"),
}

# (endpoint, label, roles); the active marker matches on the endpoint's blueprint.
ENTRIES = [
    ("reporting.innovation_list", _l("Inovasi"), ("admin", "staff", "contact")),
    ("coaching.calendar", _l("Jadwal Klinik"), ("admin", "staff", "trainer", "contact")),
    ("followups.index", _l("Tindak Lanjut"), ("admin", "staff", "trainer", "contact")),
    ("reporting.review_queue", _l("Verifikasi"), ("admin", "staff")),
    ("reporting.spd_items", _l("Butir SPD"), ("admin", "staff")),
    ("reporting.score", _l("Skor IID"), ("admin", "staff", "contact")),
    ("admin.skpd_list", _l("Perangkat Daerah"), ("admin", "staff")),
    ("admin.user_list", _l("Pengguna"), ("admin", "staff")),
    ("catalogue.cycle_list", _l("Siklus & Indikator"), ("admin", "staff")),
    ("reminders.outbox", _l("Kotak Keluar"), ("admin", "staff")),
    ("reminders.scheduler_status", _l("Penjadwal"), ("admin", "staff")),
    ("admin.audit_log", _l("Log Audit"), ("admin", "staff")),
]


OUTBOX_STATUS_LABELS = {
    "pending": _l("Menunggu"),
    "sending": _l("Sedang dikirim"),
    "sent": _l("Terkirim"),
    "partial": _l("Sebagian terkirim"),
    "failed": _l("Gagal"),
    "cancelled": _l("Dibatalkan"),
}


def outbox_status_label(status):
    return OUTBOX_STATUS_LABELS.get(status, status)


def role_label(role):
    return ROLE_LABELS.get(role, role)


def nav_items(user, current_endpoint=None):
    """The user's entries; one is active: the current page's own entry, else the first of
    its blueprint (several features share a blueprint, e.g. reporting)."""
    items = []
    for endpoint, label, roles in ENTRIES:
        if endpoint not in current_app.view_functions:
            continue  # a feature that is not registered in this app
        if user.is_authenticated and user.role in roles:
            items.append({"url": url_for(endpoint), "label": label, "endpoint": endpoint,
                          "active": False})
    current = current_endpoint or ""
    active = next((i for i in items if i["endpoint"] == current), None) or next(
        (i for i in items if current.startswith(i["endpoint"].rsplit(".", 1)[0] + ".")), None)
    if active:
        active["active"] = True
    return items
