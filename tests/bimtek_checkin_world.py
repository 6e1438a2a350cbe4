"""What the route table's Bimtek event needs for check-in and certificates (issue 13, checkin):
participant A's QR check-in token, a certificate of A and one of B. Added on first use of the
Bimtek placeholders."""
from types import SimpleNamespace

from clinic.bimtek.models import Certificate
from clinic.bimtek.services.certificates import new_code
from clinic.bimtek.services.qr import make_token
from clinic.extensions import db


def add_checkin(found):
    a_cert = Certificate(participant_id=found.a.id, skpd_id=found.a.skpd_id, code=new_code(),
                         name=found.a.name)
    b_cert = Certificate(participant_id=found.b.id, skpd_id=found.b.skpd_id, code=new_code(),
                         name=found.b.name)
    db.session.add_all([a_cert, b_cert])
    db.session.commit()
    return SimpleNamespace(token=make_token(found.a), a_cert=a_cert, b_cert=b_cert)


def checkin_placeholders(found):
    if getattr(found, "checkin", None) is None:
        found.checkin = add_checkin(found)
    c = found.checkin
    return {"bimtek_participant": found.a.id, "bimtek_checkin_token": c.token,
            "bimtek_first_day": found.event.days[0].id, "bimtek_draft_day": found.draft.days[0].id,
            "bimtek_certificate": c.a_cert.id, "bimtek_b_certificate": c.b_cert.id,
            "bimtek_certificate_code": c.a_cert.code, "bimtek_a_email": found.a.email}
