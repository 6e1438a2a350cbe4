"""The navigation bar per role; each feature adds its entries here."""
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "admin": _l("Admin"),
    "staff": _l("Staf Bappeda"),
    "trainer": _l("Narasumber"),
    "contact": _l("Operator SKPD"),
}

# (endpoint, label, roles, group); entries of a group share one drop-down menu, so that the
# bar fits one line on an office PC; the active marker matches on the endpoint's blueprint.
ADMIN = _l("Administrasi")
ENTRIES = [
    ("reporting.innovation_list", _l("Inovasi"), ("admin", "staff", "contact"), None),
    ("coaching.calendar", _l("Jadwal Klinik"), ("admin", "staff", "trainer", "contact"), None),
    ("bimtek.index", _l("Bimtek"), ("admin", "staff", "trainer", "contact"), None),
    ("followups.index", _l("Tindak Lanjut"), ("admin", "staff", "trainer", "contact"), None),
    ("reporting.review_queue", _l("Verifikasi"), ("admin", "staff"), None),
    ("reporting.score", _l("Skor IID"), ("admin", "staff", "contact"), None),
    ("reporting.spd_items", _l("Butir SPD"), ("admin", "staff"), ADMIN),
    ("admin.skpd_list", _l("Perangkat Daerah"), ("admin", "staff"), ADMIN),
    ("admin.user_list", _l("Pengguna"), ("admin", "staff"), ADMIN),
    ("catalogue.cycle_list", _l("Siklus & Indikator"), ("admin", "staff"), ADMIN),
    ("coaching.closed_dates", _l("Hari Libur & Cuti Bersama"), ("admin", "staff"), ADMIN),
    ("outbox.index", _l("Kotak Keluar"), ("admin", "staff"), ADMIN),
    ("reminders.scheduler_status", _l("Penjadwal"), ("admin", "staff"), ADMIN),
    ("admin.audit_log", _l("Log Audit"), ("admin", "staff"), ADMIN),
    ("admin.agency", _l("Kop Surat & Penanda Tangan"), ("admin", "staff"), ADMIN),
]


OUTBOX_STATUS_LABELS = {
    "pending": _l("Menunggu"),
    "sending": _l("Sedang dikirim"),
    "sent": _l("Terkirim"),
    "partial": _l("Sebagian terkirim"),
    "failed": _l("Gagal"),
    "cancelled": _l("Dibatalkan"),
    "superseded": _l("Digantikan"),
}


OUTBOX_KIND_LABELS = {
    "invitation": _l("Undangan akun"),
    "password_reset": _l("Atur ulang kata sandi"),
    "item_returned": _l("Butir dikembalikan"),
    "session_invitation": _l("Undangan sesi"),
    "session_cancelled": _l("Pembatalan sesi"),
    "session_notes": _l("Notulen"),
    "session_reminder": _l("Pengingat sesi"),
    "bimtek_cancelled": _l("Pembatalan bimtek"),
    "bimtek_quota_changed": _l("Kuota bimtek diubah"),
    "bimtek_withdrawn": _l("Undangan bimtek ditarik"),
    "bimtek_registered": _l("Pendaftaran bimtek"),
    "bimtek_deadline_reminder": _l("Pengingat pendaftaran bimtek"),
    "bimtek_day_reminder": _l("Pengingat hari bimtek"),
    "bimtek_invited": _l("Undangan bimtek"),
    "bimtek_feedback": _l("Umpan balik bimtek"),
    "bimtek_certificate": _l("Sertifikat bimtek"),
    "followup_assigned": _l("Tindak lanjut baru"),
    "digest": _l("Ringkasan harian"),
    "deadline_countdown": _l("Hitung mundur tenggat"),
    "escalation": _l("Eskalasi"),
    "monday_summary": _l("Ringkasan mingguan"),
}


def outbox_kind_label(kind):
    return OUTBOX_KIND_LABELS.get(kind, kind)


def outbox_status_label(status):
    return OUTBOX_STATUS_LABELS.get(status, status)


def role_label(role):
    return ROLE_LABELS.get(role, role)


def nav_items(user, current_endpoint=None):
    """The user's bar: entries and groups ({"label", "children"}), one entry marked active:
    the current page's own entry, else the first of its blueprint."""
    entries = []
    for endpoint, label, roles, group in ENTRIES:
        if endpoint not in current_app.view_functions:
            continue  # a feature that is not registered in this app
        if user.is_authenticated and user.role in roles:
            entries.append({"url": url_for(endpoint), "label": label, "endpoint": endpoint,
                            "group": group, "active": False})
    current = current_endpoint or ""
    active = next((e for e in entries if e["endpoint"] == current), None) or next(
        (e for e in entries if current.startswith(e["endpoint"].rsplit(".", 1)[0] + ".")), None)
    if active:
        active["active"] = True
    items, groups = [], {}
    for entry in entries:
        if entry["group"] is None:
            items.append(entry)
        elif entry["group"] not in groups:
            groups[entry["group"]] = {"label": entry["group"], "children": [entry]}
            items.append(groups[entry["group"]])
        else:
            groups[entry["group"]]["children"].append(entry)
    for group in groups.values():
        group["active"] = any(child["active"] for child in group["children"])
    return items
