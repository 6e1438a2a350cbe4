"""Account rules shared by the web, the CLI and the seeders (they add and flush, never commit)."""
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from clinic import audit
from clinic.auth.models import User, password_hasher
from clinic.auth.passwords import INVITE, RESET, make_token
from clinic.db_types import utcnow
from clinic.email import absolute_url
from clinic.errors import DomainError
from clinic.outbox.services import send_email
from clinic.secret_links import register_secret_link, secret_link
from clinic.extensions import db


class AccountError(DomainError):
    """A refused account change; the message is shown to the user."""


def normalise_email(email):
    return (email or "").strip().lower()


def find_user_by_email(email):
    return db.session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).first()


@lru_cache(maxsize=4)
def _dummy_hash(time_cost, memory_cost, parallelism):
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost,
                          parallelism=parallelism).hash("no-such-account")


def _spend_a_verification(password):
    # Verify against a throw-away hash of the same cost, so that an unknown address or an
    # account without a password takes as long to refuse as a wrong password (no enumeration
    # by timing).
    hasher = password_hasher()
    dummy = _dummy_hash(hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    try:
        hasher.verify(dummy, password or "")
    except (VerificationError, InvalidHashError):
        pass


def authenticate(email, password):
    """Return the active user with this e-mail and password, or None (one answer for both)."""
    user = find_user_by_email(email)
    if user is None or not user.has_password:
        _spend_a_verification(password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def send_invitation(user, actor=None):
    user.invited_at = utcnow()
    send_email(
        "invitation", user, _l("Undangan Klinik Inovasi: atur kata sandi Anda"),
        link=secret_link(INVITE_LINK), secret_links=[INVITE_LINK], inviter=actor,
    )


def send_password_reset(user):
    send_email(
        "password_reset", user, _l("Atur ulang kata sandi Klinik Inovasi"),
        link=secret_link(RESET_LINK), secret_links=[RESET_LINK],
    )


def _password_link(endpoint, purpose):
    def make(notification):
        # Made at send time for the account's current owner of that address only: a link is
        # never stored, and a mail queued before an address change or a deactivation is dead.
        user = notification.recipient
        if (user is None or not user.is_active
                or normalise_email(user.email) != normalise_email(notification.to_email)):
            return None
        return absolute_url(endpoint, token=make_token(user, purpose))

    return make


RESET_LINK = "password_reset"
INVITE_LINK = "invitation"
register_secret_link(RESET_LINK, _password_link("auth.reset_password", RESET))
register_secret_link(INVITE_LINK, _password_link("auth.accept_invitation", INVITE))


def set_password(user, password, actor=None, action="password_changed", ip=None):
    """Set a new password; every existing session of the user ends."""
    user.set_password(password)
    audit.record(action, actor=actor or user, obj=user, ip=ip)


def change_own_password(user, current, password, ip=None):
    """Replace the user's own password once they have given the current one."""
    if not user.check_password(current):
        raise AccountError(_l("Kata sandi saat ini salah."), field="current")
    set_password(user, password, ip=ip)


def deactivate(user, actor, ip=None):
    if user.id == actor.id:
        raise AccountError(_l("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    user.is_active = False
    user.rotate_session_token()
    audit.record("user_deactivated", actor=actor, obj=user, summary=user.email, ip=ip)
