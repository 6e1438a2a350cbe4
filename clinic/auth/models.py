"""User accounts, roles and password storage."""
from datetime import datetime
import hmac
import secrets

from argon2 import PasswordHasher
from flask import current_app
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db_types import Choices, UTCDateTime, utcnow
from clinic.extensions import db



def _feed_serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="calendar-feed")


def password_hasher():
    """argon2id with the configured cost (default: RFC 9106 low-memory profile, 64 MiB, t=3)."""
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


class Role(Choices):
    ADMIN = "admin"
    STAFF = "staff"
    TRAINER = "trainer"
    CONTACT = "contact"
    BAPPEDA = (ADMIN, STAFF)


def new_session_token():
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'staff', 'trainer', 'contact')", name="role"),
    )
    # SKPD contacts belong to their SKPD: clinic.access.scope() narrows users by this column.
    skpd_scope_column = "skpd_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    skpd_id: Mapped[int | None] = mapped_column(ForeignKey("skpds.id"), index=True)
    position: Mapped[str | None] = mapped_column(String(120))
    institution: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(5), default="id")
    timezone: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Flask-Login's alternative id: rotating it ends every session and remember-me cookie.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    # Key of the personal calendar feed: the URL's token is signed from it with SECRET_KEY, so
    # the stored value alone opens nothing. A new key revokes the old URL.
    calendar_feed_key: Mapped[str | None] = mapped_column("calendar_token", String(64),
                                                          unique=True)
    # Daily digest: "daily", "weekly" (Mondays) or "off" (invitations and notices still come).
    digest_frequency: Mapped[str] = mapped_column(String(8), default="daily",
                                                  server_default="daily")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    skpd = relationship("Skpd", back_populates="contacts")

    def get_id(self):
        return self.session_token

    def rotate_session_token(self):
        """End every existing session and remember-me cookie of this user."""
        self.session_token = new_session_token()

    def set_password(self, password):
        self.password_hash = password_hasher().hash(password)
        self.password_changed_at = utcnow()
        self.rotate_session_token()

    def check_password(self, password):
        if not self.password_hash:
            return False
        try:
            password_hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        return True

    @property
    def has_password(self):
        return bool(self.password_hash)

    @property
    def is_bappeda(self):
        return self.role in Role.BAPPEDA

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    @property
    def is_contact(self):
        return self.role == Role.CONTACT

    @property
    def is_trainer(self):
        return self.role == Role.TRAINER

    @property
    def calendar_token(self):
        """The token of the feed URL (``/coaching/feed/<token>.ics``), or None without a feed."""
        if not self.calendar_feed_key:
            return None
        return _feed_serializer().dumps([self.id, self.calendar_feed_key])

    @calendar_token.setter
    def calendar_token(self, key):
        # Assigning gives the feed a new key (the URL's token is derived from it).
        self.calendar_feed_key = key

    @classmethod
    def for_calendar_token(cls, token):
        """The active user whose feed URL carries ``token``, or None."""
        try:
            user_id, key = _feed_serializer().loads(token)
        except (BadSignature, TypeError, ValueError):
            return None
        user = db.session.get(cls, user_id) if type(user_id) is int else None
        if (user is None or not user.is_active or not user.calendar_feed_key
                or not hmac.compare_digest(str(key), user.calendar_feed_key)):
            return None
        return user

    def __repr__(self):
        return f"<User {self.email} {self.role}>"
