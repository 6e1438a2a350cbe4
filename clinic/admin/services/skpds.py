"""Rules for work units (SKPD): create, change, (de)activate, and the sub-units below one."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic import audit
from clinic.admin.models import SKPD_KINDS, Skpd
from clinic.admin.services.refusals import AdminError
from clinic.admin.services.skpd_import import CODE_PATTERN
from clinic.auth.services import deactivate
from clinic.extensions import db
from clinic.form_fields import email_problem

SKPD_FIELDS = ("code", "name", "short_name", "kind", "head_name", "head_email", "parent_id")


def descendant_ids(skpd):
    """Ids of every sub-unit below ``skpd``, at any depth."""
    found, frontier = set(), [skpd.id]
    while frontier:
        ids = db.session.scalars(select(Skpd.id).where(Skpd.parent_id.in_(frontier))).all()
        frontier = [i for i in ids if i not in found]
        found.update(frontier)
    return found


def _check_skpd(skpd, code, kind, parent_id, head_email=None):
    problem = email_problem(head_email) if head_email else None  # the forms' rule
    if problem:
        raise AdminError(problem, "head_email")
    if not CODE_PATTERN.match(code or ""):
        raise AdminError(_l("Kode hanya boleh huruf besar, angka dan tanda hubung (2-32 karakter), "
                            "misalnya DINKES atau PKM-TELUKDALAM."), "code")
    clash = db.session.scalars(select(Skpd).where(Skpd.code == code)).first()
    if clash is not None and clash is not skpd:
        raise AdminError(_l("Kode %(code)s sudah dipakai oleh %(name)s.", code=code, name=clash.name),
                         "code")
    if kind not in SKPD_KINDS:
        raise AdminError(_l("Pilih jenis Perangkat Daerah dari daftar."), "kind")
    if parent_id is None:
        return None
    parent = db.session.get(Skpd, parent_id)
    if parent is None:
        raise AdminError(_l("Perangkat Daerah induk tidak ditemukan."), "parent_id")
    if skpd is not None and (parent.id == skpd.id or parent.id in descendant_ids(skpd)):
        raise AdminError(_l("Induk tidak boleh Perangkat Daerah ini sendiri atau salah satu "
                            "sub-unitnya."), "parent_id")
    return parent


def create_skpd(actor, ip, *, code, name, short_name, kind, head_name=None, head_email=None,
                parent_id=None):
    """Register a work unit."""
    _check_skpd(None, code, kind, parent_id, head_email)
    skpd = Skpd(code=code, name=name, short_name=short_name, kind=kind, head_name=head_name or None,
                head_email=head_email or None, parent_id=parent_id, is_active=True)
    db.session.add(skpd)
    db.session.flush()
    values = {k: getattr(skpd, k) for k in SKPD_FIELDS}
    audit.record("skpd_created", actor=actor, obj=skpd, summary=skpd.code, ip=ip,
                 changes={k: [None, v] for k, v in values.items() if v is not None})
    return skpd


def update_skpd(skpd, actor, ip, *, code, name, short_name, kind, head_name=None, head_email=None,
                parent_id=None):
    """Change a work unit's fields; return the changes (nothing is recorded when none)."""
    _check_skpd(skpd, code, kind, parent_id, head_email)
    changes = audit.apply_changes(skpd, {
        "code": code, "name": name, "short_name": short_name, "kind": kind,
        "head_name": head_name or None, "head_email": head_email or None, "parent_id": parent_id,
    })
    if changes:
        db.session.flush()
        audit.record("skpd_updated", actor=actor, obj=skpd, summary=skpd.code, changes=changes,
                     ip=ip)
    return changes


def deactivate_skpd(skpd, actor, ip):
    """Deactivate a work unit and its contacts' accounts; return the accounts ended.

    Nothing is deleted: its innovations, reports and history stay. Its contacts can no longer log
    in, since a unit that no longer exists must not keep operators acting for it.
    """
    if not skpd.is_active:
        return []
    skpd.is_active = False
    audit.record("skpd_deactivated", actor=actor, obj=skpd, summary=skpd.code, ip=ip,
                 changes={"is_active": [True, False]})
    ended = [u for u in skpd.contacts if u.is_active and u.id != getattr(actor, "id", None)]
    for user in ended:
        deactivate(user, actor, ip=ip)
    db.session.flush()
    return ended


def reactivate_skpd(skpd, actor, ip):
    """Reactivate a work unit; its contacts' accounts stay as they are."""
    if skpd.is_active:
        return
    skpd.is_active = True
    audit.record("skpd_reactivated", actor=actor, obj=skpd, summary=skpd.code, ip=ip,
                 changes={"is_active": [False, True]})
    db.session.flush()
