"""Password rules (ASVS 6.2) and the signed, expiring, single-use links that set a password."""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from wtforms.validators import ValidationError

from clinic.auth.models import User
from clinic.extensions import db

MIN_LENGTH = 8
MAX_LENGTH = 128
RESET = "password-reset"
INVITE = "invitation"


@lru_cache(maxsize=1)
def common_passwords():
    path = Path(__file__).resolve().parent.parent / "common_passwords.txt"
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def password_problem(password, email=None):
    """Return why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _l("Kata sandi minimal %(n)d karakter.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Kata sandi maksimal %(n)d karakter.", n=MAX_LENGTH)
    if password.lower() in common_passwords():
        return _l("Kata sandi ini terlalu umum dan mudah ditebak. Pilih kata sandi lain.")
    if email and password.lower() == email.lower():
        return _l("Kata sandi tidak boleh sama dengan alamat e-mail.")
    return None


class StrongPassword:
    """WTForms validator applying password_problem()."""

    def __call__(self, form, field):
        email = getattr(getattr(form, "email", None), "data", None) or getattr(form, "_email", None)
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(problem)


def _fingerprint(user):
    # Changes whenever the password is set, so a used link cannot be used again.
    raw = f"{user.id}:{user.password_hash or '-'}:{user.session_token}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def make_token(user, purpose):
    return _serializer(purpose).dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_for_token(token, purpose):
    """The user a link was made for, or None when it is forged, expired or already used."""
    max_age = current_app.config[
        "INVITATION_MAX_AGE" if purpose == INVITE else "PASSWORD_RESET_MAX_AGE"
    ]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.scalars(select(User).where(User.id == data.get("uid"))).first()
    if user is None or not user.is_active or data.get("fp") != _fingerprint(user):
        return None
    return user
