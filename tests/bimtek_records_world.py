"""What the route table's Bimtek event leaves behind (issue 13, records): materials of the item
the world's trainer speaks in, findings about SKPD A and B, a photo, and participant A's
signed materials and feedback links. Added on first use of the Bimtek placeholders."""
import io
from datetime import date, time
from types import SimpleNamespace

from flask import current_app
from PIL import Image
from werkzeug.datastructures import FileStorage

from clinic import uploads
from clinic.bimtek import services as bimtek_services
from clinic.bimtek.models import EventFinding, EventPhoto, Material
from clinic.bimtek.services.participant_links import FEEDBACK, MATERIALS, make_token
from clinic.extensions import db


def image_bytes(kind="PNG", size=(30, 20), color="navy"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, kind)
    return buffer.getvalue()


def stored(data, name, accept=("pdf", "jpeg", "png")):
    """(Checked, stored_name) of ``data`` put into the upload folder."""
    checked = uploads.inspect_upload(FileStorage(io.BytesIO(data), name), accept=accept)
    return checked, uploads.store(checked, current_app.config["UPLOAD_FOLDER"])


def columns(checked, stored_name):
    return {"stored_name": stored_name, "original_name": checked.original_name,
            "content_type": checked.content_type, "size": checked.size,
            "sha256": checked.sha256}


def pdf_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "PDF")
    return buffer.getvalue()


def add_records(found):
    material = Material(item_id=found.item.id, title="Paparan Pembukaan",
                        **columns(*stored(pdf_bytes(), "paparan.pdf")))
    link = Material(item_id=found.item.id, title="Video Pembukaan",
                    url="https://www.youtube.com/watch?v=abc")
    a_finding = EventFinding(event_id=found.event.id, skpd_id=found.own.skpd_id,
                             text="Temuan rahasia Dinas Pertama")
    b_finding = EventFinding(event_id=found.event.id, skpd_id=found.other.skpd_id,
                             text="Temuan rahasia Dinas Kedua")
    photo = EventPhoto(event_id=found.event.id, caption="Foto pembukaan",
                       **columns(*stored(image_bytes(), "pembukaan.png")))
    # Registration closed: findings may be recorded (on an open event they are refused).
    closed = bimtek_services.create_event(
        {"title": "Bimtek Selesai Pendaftaran"}, [(date(2027, 1, 20), time(8), time(12))], None)
    closed.status = "closed"
    bimtek_services.invite(closed, [found.own.skpd, found.other.skpd], 3,
                           found.own.deadline_at, None, notify=False)
    db.session.add_all([material, link, a_finding, b_finding, photo])
    db.session.commit()
    return SimpleNamespace(material=material, link=link, a_finding=a_finding,
                           b_finding=b_finding, photo=photo, closed=closed,
                           materials_token=make_token(MATERIALS, found.a),
                           feedback_token=make_token(FEEDBACK, found.a))


def records_placeholders(found):
    if getattr(found, "records", None) is None:
        found.records = add_records(found)
    r = found.records
    return {"bimtek_material": r.material.id, "bimtek_link_material": r.link.id,
            "bimtek_finding": r.a_finding.id, "bimtek_a_finding": r.a_finding.text,
            "bimtek_b_finding": r.b_finding.text, "bimtek_photo": r.photo.id,
            "bimtek_closed": r.closed.id,
            "bimtek_materials_token": r.materials_token,
            "bimtek_feedback_token": r.feedback_token}


def make_held_event(make_bimtek, make_user, make_skpd, names=None):
    """A held two-day event inviting SKPD A and B (one contact each), a trainer speaking in
    the first item, two participants of A and one of B; A's first was present both days,
    A's second only on day one, B's never."""
    from datetime import datetime, time, timezone

    from clinic.bimtek import services
    from clinic.bimtek.models import CheckIn

    skpd_a, skpd_b = make_skpd(name="Dinas Kesehatan"), make_skpd(name="Dinas Pendidikan")
    contact_a = make_user("contact", skpd=skpd_a, name="Operator Dinkes")
    contact_b = make_user("contact", skpd=skpd_b, name="Operator Disdik")
    trainer, other_trainer = make_user("trainer", name="Narasumber BRIN"), make_user("trainer")
    staff = make_user("staff", name="Staf Bappeda")
    event = make_bimtek(invite=[(skpd_a, 5), (skpd_b, 5)],
                        deadline_at=datetime(2030, 1, 1, tzinfo=timezone.utc))
    item = services.add_item(event.days[0], time(9), time(10), "Kebijakan inovasi", "Ballroom",
                             [{"user_id": trainer.id}])
    other_item = services.add_item(event.days[0], time(10), time(11), "Bukti dukung",
                                   "Ballroom", [{"user_id": other_trainer.id}])
    names = names or ["Rina Wulandari", "Ahmad Rizky", "Budi Santoso"]
    inv_a, inv_b = event.invitations
    people = []
    for invitation, name in zip((inv_a, inv_a, inv_b), names):
        people.append(services.register(invitation.id, {
            "name": name, "position": "Analis", "email": f"{name.split()[0].lower()}@example.test",
            "whatsapp": "0812"}, staff, confirm=False))
    day1, day2 = event.days
    present = [(people[0], day1), (people[0], day2), (people[1], day1)]
    db.session.add_all([CheckIn(participant_id=p.id, day_id=d.id, skpd_id=p.skpd_id,
                                checked_at=datetime.combine(d.day_on, time(0, 12),
                                                            tzinfo=timezone.utc))
                        for p, d in present])
    event.status = "held"
    db.session.commit()
    return SimpleNamespace(event=event, item=item, other_item=other_item, skpd_a=skpd_a,
                           skpd_b=skpd_b, contact_a=contact_a, contact_b=contact_b,
                           trainer=trainer, other_trainer=other_trainer, staff=staff,
                           people=people, inv_a=inv_a, inv_b=inv_b)
