"""E-mail preferences: which kinds may be switched off, and signed one-click unsubscribe tokens.

The token carries only the user id and the kind (no expiry, not tied to the password), so a
link in an old e-mail keeps working after a password change. The User model has one setting,
``digest_frequency``; unsubscribing from any non-mandatory kind sets it to "off", which stops
every non-mandatory reminder (digest, session and Bimtek reminders, countdown, Monday
summary).
"""

from clinic.auth.models import User
from clinic.email import absolute_url
from clinic.secret_links import register_secret_link, secret_link, sign, unsign
from clinic.extensions import db

SALT = "clinic-unsubscribe"
# Invitations, returned-item notices and escalations always arrive.
MANDATORY_KINDS = ("session_invitation", "session_cancelled", "item_returned", "escalation")
OPTIONAL_KINDS = ("digest", "session_reminder", "deadline_countdown", "monday_summary",
                  "bimtek_deadline_reminder", "bimtek_day_reminder")
FREQUENCIES = ("daily", "weekly", "off")
UNSUBSCRIBE_LINK = "unsubscribe"


def make_token(user, kind):
    """A signed token naming ``user`` and ``kind`` for the unsubscribe link."""
    return sign(SALT, u=user.id, k=kind)


def read_token(token):
    """(user, kind) of a valid token for an optional kind, or None."""
    data = unsign(SALT, token, "u", extra=("k",))
    if data is None or data["k"] not in OPTIONAL_KINDS:
        return None
    user = db.session.get(User, data["u"])
    return (user, data["k"]) if user is not None else None


def unsubscribe_url(user, kind):
    """The absolute one-click link of ``kind`` for ``user`` (None for mandatory kinds)."""
    if kind not in OPTIONAL_KINDS or getattr(user, "id", None) is None:
        return None
    return absolute_url("unsubscribe.confirm", token=make_token(user, kind))


def unsubscribe_link(user, kind):
    """The placeholder of the one-click link in a mail of ``kind`` (None for mandatory kinds).

    Delivery makes the link itself at send time, so the outbox never holds a usable token.
    """
    return secret_link(UNSUBSCRIBE_LINK) if unsubscribe_url(user, kind) else None


register_secret_link(UNSUBSCRIBE_LINK,
                     lambda notification: unsubscribe_url(notification.recipient,
                                                          notification.kind),
                     opens_account=False)


def wants(user, kind):
    """Whether ``user`` still receives ``kind`` (mandatory kinds always)."""
    if kind not in OPTIONAL_KINDS:
        return True
    return (user.digest_frequency or "daily") != "off"


def unsubscribe(user, kind):
    """Switch ``kind`` off for ``user``; return True if something changed. The caller commits."""
    if kind not in OPTIONAL_KINDS:
        return False
    if user.digest_frequency == "off":
        return False
    user.digest_frequency = "off"
    return True
