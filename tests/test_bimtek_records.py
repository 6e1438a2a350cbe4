"""Issue 13, records: materials per agenda item for those entitled only (participants by their
signed link), findings turned into follow-up tasks, feedback once per participant, photos."""
import io
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from clinic.bimtek import services as bimtek_services
from clinic.bimtek.models import EventFinding, EventPhoto, Feedback, Material
from clinic.bimtek.services import feedback as feedback_services
from clinic.bimtek.services.participant_links import FEEDBACK, MATERIALS, make_token
from clinic.dates import today_local
from clinic.extensions import db
from clinic.followups.models import FollowUpTask
from clinic.outbox.delivery import deliver_pending
from clinic.outbox.models import Notification
from tests.bimtek_records_world import (columns, image_bytes, make_held_event, pdf_bytes,
                                        stored)
from tests.smtp_sink import MAIL


@pytest.fixture
def held(app, uploads_dir, make_bimtek, make_user, make_skpd):
    return make_held_event(make_bimtek, make_user, make_skpd)


def _file_material(item, title="Paparan Kebijakan"):
    material = Material(item_id=item.id, title=title, **columns(*stored(pdf_bytes(), "a.pdf")))
    db.session.add(material)
    db.session.commit()
    return material


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


# -- materials ---------------------------------------------------------------------------------

def test_material_download_only_for_the_entitled(held, login, url, make_user):
    material = _file_material(held.item)
    path = url("bimtek.material_download", event_id=held.event.id, material_id=material.id)
    allowed = [held.staff, make_user("admin"), held.trainer, held.contact_a, held.contact_b]
    for user in allowed:
        response = login(user).get(path)
        assert response.status_code == 200, user.role
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data.startswith(b"%PDF-")
    # A trainer speaking in another item of the event, a contact of an SKPD not invited.
    assert login(held.other_trainer).get(path).status_code == 404
    assert login(make_user("contact")).get(path).status_code == 404
    # Once the invitation is withdrawn, its contact loses the materials too.
    held.inv_b.withdrawn_at = held.inv_a.deadline_at
    db.session.commit()
    assert login(held.contact_b).get(path).status_code == 404


def test_participant_link_lists_and_downloads_materials(held, client, url):
    material = _file_material(held.item)
    link = Material(item_id=held.item.id, title="Rekaman", url="https://example.test/rekaman")
    db.session.add(link)
    db.session.commit()
    token = make_token(MATERIALS, held.people[0])
    page = client.get(url("bimtek.participant_materials", token=token))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "Paparan Kebijakan" in text and "https://example.test/rekaman" in text
    download = url("bimtek.participant_material_download", token=token, material_id=material.id)
    assert download in text
    response = client.get(download)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"].startswith("attachment")
    # A forged token, a feedback token used as a materials one.
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, make_token(FEEDBACK, held.people[0])):
        assert client.get(url("bimtek.participant_materials", token=bad)).status_code == 404
        assert client.get(url("bimtek.participant_material_download", token=bad,
                              material_id=material.id)).status_code == 404


def test_cancelled_participants_link_stops_working(held, client, url):
    material = _file_material(held.item)
    token = make_token(MATERIALS, held.people[1])
    assert client.get(url("bimtek.participant_materials", token=token)).status_code == 200
    held.people[1].cancelled_at = held.inv_a.deadline_at
    db.session.commit()
    assert client.get(url("bimtek.participant_materials", token=token)).status_code == 404
    assert client.get(url("bimtek.participant_material_download", token=token,
                          material_id=material.id)).status_code == 404


def test_participant_link_never_reaches_another_events_material(held, client, url,
                                                                make_bimtek):
    other = make_bimtek(title="Bimtek Lain")
    item = bimtek_services.add_item(other.days[0], time(9), time(10), "Lain")
    foreign = _file_material(item, "Materi Lain")
    token = make_token(MATERIALS, held.people[0])
    assert client.get(url("bimtek.participant_material_download", token=token,
                          material_id=foreign.id)).status_code == 404


def test_speaker_uploads_a_file_and_deletes_it(held, login, url, uploads_dir):
    client = login(held.trainer)
    path = url("bimtek.materials", event_id=held.event.id, item_id=held.item.id)
    response = client.post(path, data={"title": "Slide BRIN",
                                       "file": (io.BytesIO(pdf_bytes()), "slide.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    material = db.session.scalars(select(Material)).one()
    assert material.title == "Slide BRIN" and material.uploaded_by_id == held.trainer.id
    assert (uploads_dir / material.stored_name).is_file()
    agenda = login(held.contact_a).get(url("bimtek.agenda", event_id=held.event.id))
    assert "Slide BRIN" in agenda.get_data(as_text=True)
    delete = url("bimtek.material_delete", event_id=held.event.id, material_id=material.id)
    assert login(held.other_trainer).post(delete).status_code == 404
    assert client.post(delete).status_code == 302
    assert _count(Material) == 0 and not list(uploads_dir.glob("*.pdf"))


def test_other_speaker_and_contacts_cannot_upload(held, login, url):
    path = url("bimtek.materials", event_id=held.event.id, item_id=held.item.id)
    data = {"title": "Tautan", "url": "https://example.test/x"}
    assert login(held.other_trainer).post(path, data=data).status_code == 404
    assert login(held.contact_a).post(path, data=data).status_code == 403
    assert _count(Material) == 0


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.test/a.pdf",
                                  "data:text/html,hi", "example.test/materi"])
def test_link_material_must_be_http(held, login, url, link):
    client = login(held.staff)
    path = url("bimtek.materials", event_id=held.event.id, item_id=held.item.id)
    response = client.post(path, data={"title": "Materi daring", "url": link})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Tautan ditolak" in text and 'value="Materi daring"' in text
    assert _count(Material) == 0


def test_link_and_refused_file(held, login, url, uploads_dir):
    client = login(held.staff)
    path = url("bimtek.materials", event_id=held.event.id, item_id=held.item.id)
    assert client.post(path, data={"title": "Video", "url": "https://youtu.be/abc"}
                       ).status_code == 302
    assert db.session.scalars(select(Material)).one().url == "https://youtu.be/abc"
    response = client.post(path, data={"title": "Skrip", "file": (
        io.BytesIO(b"<script>alert(1)</script>"), "x.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Berkas ditolak" in response.get_data(as_text=True)
    assert _count(Material) == 1
    assert not uploads_dir.exists() or not any(uploads_dir.iterdir())
    response = client.post(path, data={"title": "Kosong"})
    assert response.status_code == 400 and "Tautan kosong" in response.get_data(as_text=True)


# -- findings and tasks ------------------------------------------------------------------------

def test_finding_becomes_a_task_of_the_event_seen_by_its_skpd_only(held, login, url):
    staff = login(held.staff)
    add = url("bimtek.findings_page", event_id=held.event.id)
    assert staff.post(add, data={"skpd": held.skpd_a.id,
                                 "text": "Profil inovasi belum diunggah"}).status_code == 302
    finding = db.session.scalars(select(EventFinding)).one()
    response = staff.post(url("bimtek.finding_task", event_id=held.event.id,
                              finding_id=finding.id))
    task = db.session.scalars(select(FollowUpTask)).one()
    assert response.status_code == 302 and response.location.endswith(f"/{task.id}/edit")
    assert (task.source, task.event_id, task.skpd_id) == ("event", held.event.id, held.skpd_a.id)
    assert task.owner_id == held.contact_a.id
    assert task.due_on == today_local() + timedelta(days=14)
    db.session.refresh(finding)
    assert finding.task_id == task.id
    # Its owner is told through the follow-up flow.
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == held.contact_a.id,
        Notification.kind == "followup_assigned")) == 1
    page = url("bimtek.findings_page", event_id=held.event.id)
    assert "Profil inovasi belum diunggah" in login(held.contact_a).get(page).get_data(
        as_text=True)
    other = login(held.contact_b)
    assert "Profil inovasi belum diunggah" not in other.get(page).get_data(as_text=True)
    assert other.get(url("followups.detail", task_id=task.id)).status_code == 404
    # Made once; a finding with a task is kept.
    staff.post(url("bimtek.finding_task", event_id=held.event.id, finding_id=finding.id))
    staff.post(url("bimtek.finding_delete", event_id=held.event.id, finding_id=finding.id))
    assert _count(FollowUpTask) == 1 and _count(EventFinding) == 1


def test_finding_refused_for_uninvited_skpd_or_before_the_event(held, login, url, make_skpd):
    staff = login(held.staff)
    add = url("bimtek.findings_page", event_id=held.event.id)
    stranger = make_skpd(name="Dinas Luar")
    response = staff.post(add, data={"skpd": stranger.id, "text": "Catatan"})
    assert response.status_code == 400 and "Catatan" in response.get_data(as_text=True)
    held.event.status = "open"
    db.session.commit()
    response = staff.post(add, data={"skpd": held.skpd_a.id, "text": "Catatan awal"})
    assert response.status_code == 400
    assert "setelah bimtek berlangsung" in response.get_data(as_text=True)
    assert _count(EventFinding) == 0


def test_finding_without_task_can_be_deleted(held, login, url):
    finding = EventFinding(event_id=held.event.id, skpd_id=held.skpd_b.id, text="Hapus saya")
    db.session.add(finding)
    db.session.commit()
    path = url("bimtek.finding_delete", event_id=held.event.id, finding_id=finding.id)
    assert login(held.contact_b).post(path).status_code == 403
    assert login(held.staff).post(path).status_code == 302
    assert _count(EventFinding) == 0


# -- feedback ----------------------------------------------------------------------------------

def _feedback_path(url, participant):
    return url("bimtek.feedback_form", token=make_token(FEEDBACK, participant))


@pytest.mark.app_config(**MAIL)
def test_feedback_mail_goes_to_those_present_once_with_a_working_link(held, login, url,
                                                                      client, sink):
    staff = login(held.staff)
    send = url("bimtek.feedback_send", event_id=held.event.id)
    assert staff.post(send).status_code == 302
    rows = db.session.scalars(select(Notification).where(
        Notification.kind == "bimtek_feedback")).all()
    assert sorted(r.to_email for r in rows) == ["ahmad@example.test", "rina@example.test"]
    assert {r.dedupe_key for r in rows} == {
        f"event:{held.event.id}:feedback:p{p.id}" for p in held.people[:2]}
    staff.post(send)  # a second click writes nothing new
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "bimtek_feedback")) == 2
    deliver_pending()
    messages = {m["message"]["To"]: m["message"] for m in sink.messages}
    body = next(p for p in messages["rina@example.test"].walk()
                if p.get_content_type() == "text/plain").get_content()
    link = re.search(r"https?://\S+/bimtek/umpan-balik/\S+", body).group(0)
    materials = re.search(r"https?://\S+/bimtek/materi/\S+", body).group(0)
    for row in rows:
        db.session.refresh(row)
        assert link not in row.body_text + row.body_html  # never stored readable
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200
    response = client.post(path, data={"rating": "4", "usefulness": "5", "comment": "Jelas"})
    assert response.status_code == 200 and "tersimpan" in response.get_data(as_text=True)
    feedback = db.session.scalars(select(Feedback)).one()
    assert (feedback.participant_id, feedback.rating) == (held.people[0].id, 4)
    assert client.get("/" + materials.split("://", 1)[1].split("/", 1)[1]).status_code == 200


def test_feedback_is_sent_only_after_the_event(held, login, url):
    held.event.status = "open"
    db.session.commit()
    response = login(held.staff).post(url("bimtek.feedback_send", event_id=held.event.id),
                                      follow_redirects=True)
    assert "setelah bimtek berlangsung" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "bimtek_feedback")) == 0


def test_second_answer_replaces_the_first_and_summary_has_no_names(held, client, url,
                                                                   login):
    first, second = held.people[:2]
    path = _feedback_path(url, first)
    assert client.post(path, data={"rating": "5", "usefulness": "5",
                                   "comment": "Sangat baik"}).status_code == 200
    assert client.post(path, data={"rating": "3", "usefulness": "4",
                                   "comment": "Cukup baik"}).status_code == 200
    rows = db.session.scalars(select(Feedback)).all()
    assert len(rows) == 1 and (rows[0].rating, rows[0].comment) == (3, "Cukup baik")
    assert client.post(_feedback_path(url, second), data={
        "rating": "4", "usefulness": "1"}).status_code == 200
    summary = feedback_services.summary(held.event)
    assert (summary.count, summary.rating, summary.usefulness) == (2, 3.5, 2.5)
    assert summary.comments == ["Cukup baik"]
    page = login(held.staff).get(url("bimtek.detail", event_id=held.event.id))
    text = page.get_data(as_text=True)
    assert "3,5" in text and "Cukup baik" in text
    assert first.name not in text.split("Umpan balik peserta")[1]
    # The contact's page holds no summary.
    contact_page = login(held.contact_a).get(url("bimtek.detail", event_id=held.event.id))
    assert "Cukup baik" not in contact_page.get_data(as_text=True)


@pytest.mark.parametrize("data", [{"rating": "9", "usefulness": "3"},
                                  {"rating": "", "usefulness": "3"},
                                  {"rating": "4", "usefulness": "abc"}])
def test_bad_feedback_is_refused_and_kept(held, client, url, data):
    response = client.post(_feedback_path(url, held.people[0]),
                           data={**data, "comment": "Komentar saya"})
    assert response.status_code == 400
    assert "Komentar saya" in response.get_data(as_text=True)
    assert _count(Feedback) == 0


def test_feedback_link_forged_or_cancelled(held, client, url):
    token = make_token(FEEDBACK, held.people[0])
    assert client.get(url("bimtek.feedback_form", token=token + "x")).status_code == 404
    held.people[0].cancelled_at = held.inv_a.deadline_at
    db.session.commit()
    response = client.post(url("bimtek.feedback_form", token=token),
                           data={"rating": "5", "usefulness": "5"})
    assert response.status_code == 404 and _count(Feedback) == 0


# -- photos ------------------------------------------------------------------------------------

def test_photos_staff_only(held, login, url, uploads_dir):
    staff = login(held.staff)
    add = url("bimtek.photos_page", event_id=held.event.id)
    response = staff.post(add, data={"caption": "Pembukaan", "photos": [
        (io.BytesIO(image_bytes("JPEG")), "a.jpg"), (io.BytesIO(image_bytes()), "b.png")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    photos = db.session.scalars(select(EventPhoto).order_by(EventPhoto.id)).all()
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    download = url("bimtek.photo_download", event_id=held.event.id, photo_id=photos[0].id)
    response = staff.get(download)
    assert response.status_code == 200 and response.data[:3] == b"\xff\xd8\xff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    for user in (held.contact_a, held.trainer):
        assert login(user).get(download).status_code == 403
        assert login(user).post(add, data={"caption": "x"}).status_code == 403
    # A PDF is no photo: refused with the reason, nothing stored.
    response = staff.post(add, data={"caption": "Dokumen", "photos": [
        (io.BytesIO(pdf_bytes()), "c.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Berkas ditolak" in response.get_data(as_text=True)
    assert _count(EventPhoto) == 2 and len(list(uploads_dir.iterdir())) == 2
    delete = url("bimtek.photo_delete", event_id=held.event.id, photo_id=photos[0].id)
    assert login(held.contact_a).post(delete).status_code == 403
    assert staff.post(delete).status_code == 302
    assert _count(EventPhoto) == 1 and len(list(uploads_dir.iterdir())) == 1


def test_held_event_page_links_records_for_staff(held, login, url):
    text = login(held.staff).get(url("bimtek.detail", event_id=held.event.id)).get_data(
        as_text=True)
    for endpoint in ("bimtek.findings_page", "bimtek.photos_page", "bimtek.pack"):
        assert url(endpoint, event_id=held.event.id) in text
    assert "Kirim formulir umpan balik" in text
    text = login(held.contact_a).get(url("bimtek.detail", event_id=held.event.id)).get_data(
        as_text=True)
    assert url("bimtek.findings_page", event_id=held.event.id) in text
    assert url("bimtek.pack", event_id=held.event.id) not in text


# -- demo --------------------------------------------------------------------------------------

def test_demo_holds_the_july_2024_bimtek(app, uploads_dir):
    import time_machine

    from clinic.bimtek.models import BimtekEvent, Certificate, CheckIn, Participant
    from clinic.demo.admin import seed_accounts
    from clinic.demo.bimtek import seed_bimtek_demo

    with time_machine.travel(datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc), tick=False):
        skpds, people, contacts = seed_accounts(1)
        db.session.flush()
        summary = seed_bimtek_demo(skpds, people, contacts, people["staff@demo.test"])
        db.session.commit()
    event = db.session.scalars(select(BimtekEvent).where(BimtekEvent.status == "held")).one()
    assert event.title == "Bimtek Inovasi Daerah Kota Banjarmasin 2024"
    assert [d.day_on for d in event.days] == [date(2024, 7, 17), date(2024, 7, 18)]
    assert event.venue == "Best World Kindai Hotel" and event.venue_address
    speakers = [s.label for d in event.days for i in d.items for s in i.speakers]
    assert any("Wakil Wali Kota" in s for s in speakers)
    assert any("BRIN" in s for s in speakers) and any("Kemendagri" in s for s in speakers)
    participants = db.session.scalars(select(Participant).join(Participant.invitation).where(
        Participant.invitation.has(event_id=event.id))).all()
    assert 55 <= len(participants) <= 65
    assert summary["held_participants"] == len(participants)
    assert len({p.skpd_id for p in participants}) >= 10
    for day in event.days:
        present = db.session.scalar(select(func.count(CheckIn.id)).where(
            CheckIn.day_id == day.id))
        assert len(participants) - 8 <= present < len(participants)  # a few absences
    assert db.session.scalar(select(func.count(Material.id))) >= 3
    assert db.session.scalar(select(func.count(EventPhoto.id))) >= 3
    tasks = db.session.scalars(select(FollowUpTask).where(
        FollowUpTask.event_id == event.id)).all()
    assert tasks and all(t.source == "event" and t.owner_id for t in tasks)
    assert db.session.scalar(select(func.count(EventFinding.id)).where(
        EventFinding.task_id.is_not(None))) == len(tasks)
    assert feedback_services.summary(event).count >= 10
    certificates = db.session.scalars(select(Certificate)).all()
    assert 40 <= len(certificates) < len(participants)
    assert len({c.code for c in certificates}) == len(certificates)
    assert db.session.scalar(select(Notification.id).where(
        Notification.kind.in_(("followup_assigned", "bimtek_feedback")))) is None  # no mail
