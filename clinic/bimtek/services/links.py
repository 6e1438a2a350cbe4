"""The participant's cancel link: signed, made at send time, never stored in the outbox."""
import re

from clinic.bimtek.models import Participant
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.secret_links import register_secret_link, secret_link, sign, unsign

SALT = "clinic-bimtek-cancel"
LINK = "bimtek_cancel"
# The confirmation's outbox key: "event:<event>:registered:p<participant>".
KEY = re.compile(r"^event:(\d+):registered:p(\d+)$")


def make_token(participant):
    return sign(SALT, p=participant.id, i=participant.invitation_id)


def read_token(token):
    """The participant a valid token names, or None."""
    data = unsign(SALT, token, "p", "i")
    if data is None:
        return None
    participant = db.session.get(Participant, data["p"])
    if participant is None or participant.invitation_id != data["i"]:
        return None
    return participant


def _maker(notification):
    match = KEY.match(notification.dedupe_key or "")
    participant = db.session.get(Participant, int(match[2])) if match else None
    if participant is None or participant.cancelled_at is not None:
        return None
    return absolute_url("bimtek.cancel_registration", token=make_token(participant))


def cancel_placeholder():
    """The placeholder for the confirmation's context and the link names to declare."""
    return secret_link(LINK), [LINK]


register_secret_link(LINK, _maker, opens_account=False)
