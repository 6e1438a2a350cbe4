"""A participant's personal QR code: a signed check-in URL, attached as PNG to the confirmation.

Unlike the cancel link, the check-in URL is stored readable (in the QR image of the outbox row):
it grants nothing to whoever holds it. Only a signed-in staff member (admin or staff) who opens
it can mark the participant present, and only on an event day; for anyone else it is a login
page or a 403. The token names the participant and the event, nothing more, so a lost or
forwarded mail lets nobody act for the participant. That is why it may be made when the mail is
written instead of at send time (an image cannot hold a placeholder).
"""
import io

import segno

from clinic.bimtek.models import Participant
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.outbox.services import file_attachment
from clinic.secret_links import sign, unsign

SALT = "clinic-bimtek-checkin"
FILENAME = "qr-kehadiran.png"


def make_token(participant):
    return sign(SALT, p=participant.id, e=participant.invitation.event_id)


def read_token(token):
    """(participant id, event id) a valid token names, or None (forged, cut, foreign)."""
    data = unsign(SALT, token, "p", "e")
    return None if data is None else (data["p"], data["e"])


def token_participant(token):
    """The participant a valid token names when they still belong to its event, or None."""
    ids = read_token(token)
    participant = db.session.get(Participant, ids[0]) if ids else None
    if participant is None or participant.invitation.event_id != ids[1]:
        return None
    return participant


def checkin_url(participant):
    return absolute_url("bimtek.checkin_scan", token=make_token(participant))


def qr_png(text, scale=6):
    """``text`` as a QR code in a PNG (quiet zone included)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_attachment(participant):
    """The participant's QR code as an outbox attachment."""
    return file_attachment(FILENAME, "image/png", qr_png(checkin_url(participant)))
