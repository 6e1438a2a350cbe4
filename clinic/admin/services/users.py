"""Rules for user accounts: create and invite, change, (de)activate, who may manage whom."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from clinic import audit
from clinic.admin.models import Skpd
from clinic.admin.services.refusals import AdminError, NotAllowed
from clinic.auth.models import Role, User
from clinic.auth.passwords import password_problem
from clinic.auth.services import AccountError, deactivate, normalise_email, send_invitation
from clinic.dates import TIMEZONE_CHOICES
from clinic.extensions import db
from clinic.form_fields import email_problem

USER_FIELDS = ("email", "name", "role", "skpd_id", "institution", "position", "phone",
               "locale", "timezone")
LOCALES = ("id", "en")


def grantable_roles(actor):
    """Roles ``actor`` may give; None as actor is the command line, which may do everything."""
    if actor is None or actor.role == Role.ADMIN:
        return Role.ALL
    if actor.role == Role.STAFF:
        return (Role.STAFF, Role.TRAINER, Role.CONTACT)
    return ()


def can_manage(actor, user):
    """Whether ``actor`` may edit, deactivate or re-invite ``user`` (staff never an admin)."""
    if actor is None or actor.role == Role.ADMIN:
        return True
    return actor.role == Role.STAFF and user.role != Role.ADMIN


def _check_user(user, actor, email, name, role, skpd_id, locale, timezone):
    if user is not None and not can_manage(actor, user):
        raise NotAllowed(_l("Hanya admin yang dapat mengubah akun admin."))
    if role not in Role.ALL:
        raise AdminError(_l("Pilih peran dari daftar."), "role")
    if role not in grantable_roles(actor):
        raise AdminError(_l("Hanya admin yang dapat memberikan peran admin."), "role")
    if user is not None and actor is not None and user.id == actor.id and role != user.role:
        raise AdminError(_l("Anda tidak dapat mengubah peran akun Anda sendiri."), "role")
    if not email:
        raise AdminError(_l("E-mail wajib diisi."), "email")
    if not name:
        raise AdminError(_l("Nama wajib diisi."), "name")
    clash = db.session.scalars(select(User).where(func.lower(User.email) == email)).first()
    if clash is not None and clash is not user:
        raise AdminError(_l("E-mail %(email)s sudah dipakai oleh akun lain.", email=email), "email")
    problem = email_problem(email)  # the forms' rule (.test accepted: demo accounts)
    if problem:
        raise AdminError(problem, "email")
    skpd = None
    if role == Role.CONTACT:
        if skpd_id is None:
            raise AdminError(_l("Operator SKPD wajib terikat pada satu Perangkat Daerah."), "skpd_id")
        skpd = db.session.get(Skpd, skpd_id)
        if skpd is None:
            raise AdminError(_l("Perangkat Daerah tidak ditemukan."), "skpd_id")
        if not skpd.is_active and (user is None or user.skpd_id != skpd.id):
            raise AdminError(_l("Perangkat Daerah %(name)s nonaktif. Pilih Perangkat Daerah yang aktif.",
                                name=skpd.name), "skpd_id")
    elif skpd_id is not None:
        raise AdminError(_l("Kosongkan Perangkat Daerah: hanya Operator SKPD yang terikat pada "
                            "Perangkat Daerah."), "skpd_id")
    if locale not in LOCALES:
        raise AdminError(_l("Pilih bahasa dari daftar."), "locale")
    if timezone and timezone not in TIMEZONE_CHOICES:
        raise AdminError(_l("Pilih zona waktu dari daftar."), "timezone")
    return skpd


def _user_values(email, name, role, skpd_id, institution, position, phone, locale, timezone):
    # The command line reaches here without a form, so the column widths are checked here too.
    for key, value, limit, message in (
        ("email", email, 254, _l("E-mail maksimal 254 karakter.")),
        ("name", name, 120, _l("Nama maksimal 120 karakter.")),
        ("institution", institution, 120, _l("Instansi maksimal 120 karakter.")),
        ("position", position, 120, _l("Jabatan maksimal 120 karakter.")),
        ("phone", phone, 40, _l("Nomor telepon maksimal 40 karakter.")),
    ):
        if len(value or "") > limit:
            raise AdminError(message, key)
    return {
        "email": email, "name": name, "role": role, "skpd_id": skpd_id,
        "institution": institution or None, "position": position or None, "phone": phone or None,
        "locale": locale, "timezone": timezone or None,
    }


def create_user(actor, ip, *, email, name, role, skpd_id=None, institution=None, position=None,
                phone=None, locale="id", timezone=None, password=None, invite=True):
    """Create an account without a password and invite it (or give it ``password``)."""
    email = normalise_email(email)
    _check_user(None, actor, email, name, role, skpd_id, locale, timezone)
    if password is not None:
        problem = password_problem(password, email)
        if problem:
            raise AdminError(problem, "password")
    values = _user_values(email, name, role, skpd_id, institution, position, phone, locale, timezone)
    user = User(is_active=True, **values)
    db.session.add(user)
    db.session.flush()  # the invitation token is signed with the new id
    audit.record("user_created", actor=actor, obj=user, summary=email, ip=ip,
                 changes={k: [None, v] for k, v in values.items() if v is not None})
    if password is not None:
        user.set_password(password)
    if invite:
        invite_user(user, actor, ip)
    db.session.flush()
    return user


def update_user(user, actor, ip, *, email, name, role, skpd_id=None, institution=None,
                position=None, phone=None, locale="id", timezone=None):
    """Change an account's fields; a role change is also recorded as role_changed."""
    email = normalise_email(email)
    _check_user(user, actor, email, name, role, skpd_id, locale, timezone)
    old_role = user.role
    changes = audit.apply_changes(user, _user_values(email, name, role, skpd_id, institution, position,
                                          phone, locale, timezone))
    if not changes:
        return changes
    if "email" in changes and user is not actor:
        # Links already mailed to the old address (invitation, reset) must stop working.
        user.rotate_session_token()
    db.session.flush()
    audit.record("user_updated", actor=actor, obj=user, summary=user.email, changes=changes, ip=ip)
    if "role" in changes:
        audit.record("role_changed", actor=actor, obj=user, summary=user.email, ip=ip,
                     changes={"role": [old_role, user.role]})
    return changes


def deactivate_user(user, actor, ip):
    """Deactivate an account; every session of it ends at once."""
    if not can_manage(actor, user):
        raise NotAllowed(_l("Hanya admin yang dapat menonaktifkan akun admin."))
    if not user.is_active:
        return
    try:
        deactivate(user, actor, ip=ip)
    except AccountError as exc:
        raise AdminError(exc.args[0]) from exc
    db.session.flush()


def reactivate_user(user, actor, ip):
    """Let a deactivated account log in again."""
    if not can_manage(actor, user):
        raise NotAllowed(_l("Hanya admin yang dapat mengaktifkan kembali akun admin."))
    if user.is_active:
        return
    if user.skpd is not None and not user.skpd.is_active:
        raise AdminError(_l("Perangkat Daerah akun ini (%(name)s) nonaktif. Aktifkan kembali "
                            "Perangkat Daerahnya terlebih dahulu.", name=user.skpd.name))
    user.is_active = True
    audit.record("user_reactivated", actor=actor, obj=user, summary=user.email, ip=ip,
                 changes={"is_active": [False, True]})
    db.session.flush()


def invite_user(user, actor, ip):
    """Put an invitation to set a password into the outbox."""
    if not can_manage(actor, user):
        raise NotAllowed(_l("Hanya admin yang dapat mengundang akun admin."))
    if user.has_password:
        raise AdminError(_l("Akun ini sudah memiliki kata sandi; undangan tidak diperlukan. "
                            "Pengguna dapat memakai \"Lupa kata sandi?\" di halaman Masuk."))
    if not user.is_active:
        raise AdminError(_l("Akun ini nonaktif. Aktifkan kembali sebelum mengirim undangan."))
    send_invitation(user, actor)
    audit.record("invitation_sent", actor=actor, obj=user, summary=user.email, ip=ip)
