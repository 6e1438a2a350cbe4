"""A participant's signed links after the event: the materials page and the feedback form.

Participants have no account: the signed link is the key. It is made at send time from the
outbox row's dedupe key and never stored readable (the outbox keeps a placeholder).
"""
import re

from clinic.bimtek.models import Participant
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.secret_links import register_secret_link, secret_link, sign, unsign

MATERIALS, FEEDBACK = "bimtek_materials", "bimtek_feedback"
SALTS = {MATERIALS: "clinic-bimtek-materials", FEEDBACK: "clinic-bimtek-feedback"}
ENDPOINTS = {MATERIALS: "bimtek.participant_materials", FEEDBACK: "bimtek.feedback_form"}
# The feedback invitation's outbox key: "event:<event>:feedback:p<participant>".
KEY = re.compile(r"^event:(\d+):feedback:p(\d+)$")


def make_token(purpose, participant):
    return sign(SALTS[purpose], p=participant.id, i=participant.invitation_id)


def read_token(purpose, token):
    """The registered (not cancelled) participant a valid token of ``purpose`` names, or None."""
    data = unsign(SALTS[purpose], token, "p", "i")
    if data is None:
        return None
    participant = db.session.get(Participant, data["p"])
    if (participant is None or participant.invitation_id != data["i"]
            or participant.cancelled_at is not None
            or participant.invitation.withdrawn_at is not None):
        return None
    return participant


def link(purpose, participant):
    return absolute_url(ENDPOINTS[purpose], token=make_token(purpose, participant))


def _maker(purpose):
    def make(notification):
        match = KEY.match(notification.dedupe_key or "")
        participant = db.session.get(Participant, int(match[2])) if match else None
        if participant is None or participant.cancelled_at is not None:
            return None
        return link(purpose, participant)
    return make


def placeholders():
    """The placeholders for the feedback mail's context and the link names to declare."""
    return {"feedback_url": secret_link(FEEDBACK),
            "materials_url": secret_link(MATERIALS)}, [FEEDBACK, MATERIALS]


for _purpose in (MATERIALS, FEEDBACK):
    register_secret_link(_purpose, _maker(_purpose), opens_account=False)
