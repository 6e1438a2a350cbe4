"""Follow-up tasks: by hand and from a finding, the status flow, auto-close, lists, access."""
import io
from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic.audit import AuditEvent
from clinic.coaching import notes
from clinic.coaching.models import CoachingSession
from clinic.extensions import db
from clinic.followups import access, services
from clinic.followups.models import FollowUpTask, TaskEvent
from clinic.outbox.models import Notification
from clinic.reporting import review
from clinic.reporting.models import ItemStatus
from clinic.reporting.services import add_link, save_item, submit_item

from conftest import AuthActions, pdf_bytes

NOW = datetime(2026, 7, 8, 2, 0, tzinfo=timezone.utc)  # Rabu, 8 Juli 2026 10.00 WITA


def client_as(app, user):
    client = app.test_client()
    AuthActions(client).login_as(user)
    return client


def text(response):
    return response.get_data(as_text=True)


def audit_actions(task):
    return [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "followup_tasks",
                                 AuditEvent.object_id == str(task.id)).order_by(AuditEvent.id))]


def history(task):
    return [(e.action, e.from_status, e.to_status) for e in db.session.scalars(
        select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.id))]


def submit(item, contact):
    save_item(item, 1, None, contact)
    add_link(item, "https://example.go.id/bukti", contact)
    submit_item(item, contact)


@pytest.fixture
def trained(world, make_user):
    """A second trainer coaching a session of SKPD A that is not the world's session."""
    other = make_user("trainer")
    session = CoachingSession(
        title="Sesi lain", skpds=[world.skpd], trainers=[other],
        starts_at=datetime(2026, 7, 14, 1, tzinfo=timezone.utc),
        ends_at=datetime(2026, 7, 14, 3, tzinfo=timezone.utc), created_by_id=world.staff.id)
    db.session.add(session)
    db.session.commit()
    return other


# -- creation ------------------------------------------------------------------------------------

def test_create_by_hand_sends_the_owner_an_email_and_records_history(app, world):
    client = client_as(app, world.staff)
    page = text(client.get("/tindak-lanjut/new", query_string={"skpd_id": world.skpd.id}))
    assert world.contact.name in page and world.other_contact.name not in page
    response = client.post("/tindak-lanjut/new", data={
        "skpd_id": world.skpd.id, "title": "Lengkapi SK Kepala Daerah",
        "owner_id": world.contact.id,
        "due_on": "2026-08-03", "priority": "high", "item_id": world.item.id,
        "description": "SK ditandatangani wali kota"})
    assert response.status_code == 302
    task = db.session.scalars(select(FollowUpTask).where(
        FollowUpTask.title == "Lengkapi SK Kepala Daerah")).one()
    assert (task.skpd_id, task.owner_id, task.due_on, task.priority, task.item_id, task.source) == (
        world.skpd.id, world.contact.id, date(2026, 8, 3), "high", world.item.id, "manual")
    assert history(task) == [("created", None, "open")]
    assert audit_actions(task) == ["task_created"]
    mail = db.session.scalars(select(Notification).where(
        Notification.kind == "followup_assigned")).one()
    assert mail.recipient_id == world.contact.id
    created = db.session.scalars(select(TaskEvent).where(TaskEvent.task_id == task.id)).one()
    assert mail.dedupe_key == f"task:{task.id}:assigned:{world.contact.id}:{created.id}"
    assert f"/tindak-lanjut/{task.id}" in mail.body_text and "Lengkapi SK" in mail.subject


def test_owner_must_be_an_active_contact_of_the_tasks_skpd(app, world, make_user):
    client = client_as(app, world.staff)
    response = client.post("/tindak-lanjut/new", data={
        "skpd_id": world.skpd.id, "title": "Tugas", "owner_id": world.other_contact.id})
    assert response.status_code == 200 and "is-invalid" in text(response)
    assert db.session.scalars(
        select(FollowUpTask).where(FollowUpTask.title == "Tugas")).first() is None
    with pytest.raises(services.TaskError) as refused:
        services.create_task(world.skpd, world.staff, title="X", owner=world.other_contact)
    assert "operator aktif" in str(refused.value.message)
    retired = make_user("contact", skpd=world.skpd, is_active=False)
    with pytest.raises(services.TaskError):
        services.create_task(world.skpd, world.staff, title="X", owner=retired)
    with pytest.raises(services.TaskError):
        services.edit_task(world.task, {"owner_id": world.staff.id}, world.staff)


def test_from_finding_in_one_click_uses_the_findings_defaults(app, world):
    with time_machine.travel(NOW, tick=False):
        client = client_as(app, world.trainer)
        response = client.post(f"/tindak-lanjut/from-finding/{world.finding.id}")
        flash = text(client.get(response.headers["Location"]))
    task = db.session.scalars(select(FollowUpTask).where(FollowUpTask.id != world.task.id)).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tindak-lanjut/{task.id}/edit")
    assert (task.title, task.skpd_id, task.owner_id, task.due_on) == (
        "SK inovasi belum diunggah", world.skpd.id, world.contact.id, date(2026, 7, 22))
    assert (task.item_id, task.session_id, task.finding_id, task.source, task.status) == (
        world.item.id, world.session.id, world.finding.id, "session", "open")
    assert task.created_by_id == world.trainer.id
    assert "Tindak lanjut dibuat dari temuan" in flash and world.contact.name in flash
    # a second click makes a second task; the finding lists both
    client = client_as(app, world.trainer)
    client.post(f"/tindak-lanjut/from-finding/{world.finding.id}")
    db.session.expire_all()
    assert len(world.finding.tasks) == 3


def test_trainer_cannot_act_on_a_task_of_a_session_they_do_not_coach(app, world, trained):
    client = client_as(app, trained)
    assert client.get(f"/tindak-lanjut/{world.task.id}").status_code == 200  # same SKPD: visible
    for url, data in [("edit", {}), ("status", {"status": "in_progress"}),
                      ("cancel", {"reason": "x"}), ("reopen", {"reason": "x"})]:
        response = client.post(f"/tindak-lanjut/{world.task.id}/{url}", data=data)
        assert response.status_code == 404, url
    assert client.get(f"/tindak-lanjut/{world.task.id}/edit").status_code == 404
    assert client.post(f"/tindak-lanjut/from-finding/{world.finding.id}").status_code == 404
    db.session.expire_all()
    assert world.task.status == "open" and len(world.task.events) == 1
    # creating by hand: only for the SKPDs and sessions they coach
    response = client.post("/tindak-lanjut/new", data={
        "skpd_id": world.skpd.id, "title": "Coba", "session_id": world.session.id})
    assert response.status_code == 200 and "is-invalid" in text(response)


# -- the status flow -----------------------------------------------------------------------------

def test_contact_marks_done_with_a_comment_and_an_attachment(app, world):
    client = client_as(app, world.contact)
    task = world.task
    response = client.post(f"/tindak-lanjut/{task.id}/status", data={
        "status": "in_progress", "comment": "Sedang diminta tanda tangan",
        "version": task.version_id})
    assert response.status_code == 302
    db.session.expire_all()
    response = client.post(f"/tindak-lanjut/{task.id}/status", data={
        "status": "done", "comment": "SK sudah diunggah", "version": task.version_id,
        "attachment": (io.BytesIO(pdf_bytes()), "sk-final.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert task.status == "done" and task.done_at is not None
    assert history(task)[-2:] == [("status", "open", "in_progress"),
                                  ("status", "in_progress", "done")]
    event = task.events[0]
    assert event.comment == "SK sudah diunggah" and event.original_name == "sk-final.pdf"
    download = client.get(f"/tindak-lanjut/{task.id}/attachments/{event.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert audit_actions(task) == ["task_status", "task_status"]
    page = text(client.get(f"/tindak-lanjut/{task.id}"))
    assert "SK sudah diunggah" in page and "sk-final.pdf" in page
    # the contact may not close it
    assert client.post(f"/tindak-lanjut/{task.id}/close").status_code == 403


def test_bad_attachment_is_refused_and_nothing_changes(app, world):
    client = client_as(app, world.contact)
    response = client.post(f"/tindak-lanjut/{world.task.id}/status", data={
        "status": "done", "comment": "Lihat lampiran",
        "attachment": (io.BytesIO(b"<html>bukan pdf</html>"), "bukti.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 400 and "Berkas ditolak" in text(response)
    assert "Lihat lampiran" in text(response)
    db.session.expire_all()
    assert world.task.status == "open" and len(world.task.events) == 1


def test_illegal_transitions_are_refused_with_a_message(app, world):
    task, contact, staff = world.task, world.contact, world.staff
    with pytest.raises(services.TaskError) as refused:
        services.change_status(task, "closed", contact)
    assert str(refused.value.message) == "Status tidak dapat diubah dari Terbuka ke Ditutup."
    with pytest.raises(services.TaskError):
        services.close_task(task, staff)  # not done yet
    with pytest.raises(services.TaskError):
        services.change_status(task, "cancelled", contact)
    with pytest.raises(services.TaskError):
        services.reopen(task, "alasan", staff)  # still open
    with pytest.raises(services.TaskError):
        services.change_status(task, "in_progress", world.other_contact)
    client = client_as(app, contact)
    response = client.post(f"/tindak-lanjut/{task.id}/status", data={"status": "closed"})
    assert response.status_code == 400
    assert "Status tidak dapat diubah dari Terbuka ke Ditutup." in text(response)
    db.session.expire_all()
    assert task.status == "open" and history(task) == [("comment", None, None)]


def test_staff_close_reopen_needs_a_reason_and_cancel(app, world):
    task = world.task
    services.change_status(task, "done", world.contact, "Selesai")
    db.session.commit()
    staff = client_as(app, world.staff)
    response = staff.post(f"/tindak-lanjut/{task.id}/close", data={"comment": "Diterima"})
    assert response.status_code == 302
    db.session.expire_all()
    assert task.status == "closed" and task.closed_at is not None
    response = staff.post(f"/tindak-lanjut/{task.id}/reopen", data={"reason": ""},
                          follow_redirects=True)
    assert "Tuliskan alasan membuka kembali" in text(response)
    db.session.expire_all()
    assert task.status == "closed"
    staff.post(f"/tindak-lanjut/{task.id}/reopen", data={"reason": "SK salah tahun"})
    db.session.expire_all()
    assert task.status == "open" and task.closed_at is None
    response = staff.post(f"/tindak-lanjut/{task.id}/cancel", data={"reason": ""},
                          follow_redirects=True)
    assert "Tuliskan alasan pembatalan" in text(response)
    staff.post(f"/tindak-lanjut/{task.id}/cancel", data={"reason": "Inovasi dihentikan"})
    db.session.expire_all()
    assert task.status == "cancelled"
    assert history(task)[-4:] == [
        ("status", "open", "done"), ("closed", "done", "closed"),
        ("reopened", "closed", "open"), ("cancelled", "open", "cancelled")]
    assert audit_actions(task) == ["task_status", "task_closed", "task_reopened", "task_cancelled"]
    assert task.events[0].comment == "Inovasi dihentikan"


def test_contact_may_take_a_done_task_back_but_not_reopen_a_closed_one(world):
    task = world.task
    services.change_status(task, "done", world.contact)
    services.change_status(task, "in_progress", world.contact, "Masih ada kekurangan")
    assert task.status == "in_progress" and task.done_at is None
    services.change_status(task, "done", world.contact)
    services.close_task(task, world.staff)
    with pytest.raises(services.TaskError):
        services.reopen(task, "alasan", world.contact)
    assert access.allowed_actions(task, world.contact) == {"comment"}
    assert "reopen" in access.allowed_actions(task, world.trainer)


def test_edit_keeps_a_stale_form_from_overwriting(app, world):
    client = client_as(app, world.trainer)
    old_version = world.task.version_id
    services.edit_task(world.task, {"title": "Judul baru"}, world.staff)
    db.session.commit()
    response = client.post(f"/tindak-lanjut/{world.task.id}/edit", data={
        "title": "Judul lain", "priority": "normal", "version": old_version})
    assert response.status_code == 200 and "diubah oleh pengguna lain" in text(response)
    db.session.expire_all()
    assert world.task.title == "Judul baru"
    assert history(world.task)[-1] == ("edited", None, None)


# -- auto-close ----------------------------------------------------------------------------------

def test_verifying_the_linked_item_closes_its_tasks(world):
    second = notes.task_from_finding(world.finding, world.trainer, date(2026, 7, 7))
    services.change_status(second, "done", world.contact)
    cancelled = services.create_task(world.skpd, world.staff, title="Batal", item=world.item)
    services.cancel_task(cancelled, "Tidak perlu", world.staff)
    submit(world.item, world.contact)
    review.verify(world.item, world.staff)
    db.session.commit()
    assert (world.task.status, second.status, cancelled.status) == ("closed", "closed", "cancelled")
    event = world.task.events[0]
    assert (event.action, event.actor_id, event.from_status, event.comment) == (
        "auto_closed", None, "open", "Butir laporan terverifikasi")
    assert "task_auto_closed" in audit_actions(world.task)


def test_the_verify_route_and_bulk_verify_close_tasks_too(app, world):
    submit(world.item, world.contact)
    db.session.commit()
    client = client_as(app, world.staff)
    response = client.post(f"/items/{world.item.id}/verify",
                           data={"version": world.item.version_id})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.item.status == ItemStatus.VERIFIED and world.task.status == "closed"
    spd_task = services.create_task(world.skpd, world.staff, title="SPD", item=world.spd_item)
    world.spd_item.skpd_id = world.skpd.id
    submit(world.spd_item, world.contact)
    db.session.commit()
    review.bulk_verify([world.spd_item], world.staff)
    db.session.commit()
    assert spd_task.status == "closed"


# -- lists ---------------------------------------------------------------------------------------

def test_list_filters_overdue_and_sorting(app, world):
    later = services.create_task(world.skpd, world.staff, title="Nanti saja",
                                 due_on=date(2026, 9, 1), priority="high")
    services.create_task(world.other_skpd, world.staff, title="Milik SKPD B",
                         due_on=date(2026, 7, 1))
    db.session.commit()
    with time_machine.travel(datetime(2026, 7, 24, 2, tzinfo=timezone.utc), tick=False):
        staff = client_as(app, world.staff)
        page = text(staff.get("/tindak-lanjut/", query_string={"overdue": "1"}))
        assert "Unggah SK inovasi" in page and "Terlambat 3 hari" in page
        assert "Nanti saja" not in page and "Terlambat 23 hari" in page  # SKPD B's
        own = text(staff.get("/tindak-lanjut/", query_string={"skpd": world.skpd.id}))
        assert own.index("Unggah SK inovasi") < own.index("Nanti saja")
        by_priority = text(staff.get("/tindak-lanjut/", query_string={
            "skpd": world.skpd.id, "sort": "priority"}))
        assert by_priority.index("Nanti saja") < by_priority.index("Unggah SK inovasi")
        contact = text(client_as(app, world.contact).get("/tindak-lanjut/"))
        assert "Milik SKPD B" not in contact and "Unggah SK inovasi" in contact
    services.cancel_task(later, "x", world.staff)
    db.session.commit()
    staff = client_as(app, world.staff)
    cancelled = text(staff.get("/tindak-lanjut/", query_string={"status": "cancelled"}))
    assert "Nanti saja" in cancelled and "Unggah SK inovasi" not in cancelled
    empty = text(staff.get("/tindak-lanjut/", query_string={"source": "event"}))
    assert "Tidak ada tindak lanjut yang cocok" in empty


def test_trainer_lists_only_tasks_of_their_sessions_skpds(app, world):
    services.create_task(world.other_skpd, world.staff, title="Milik SKPD B")
    db.session.commit()
    client = client_as(app, world.trainer)
    page = text(client.get("/tindak-lanjut/", query_string={"status": "all"}))
    assert "Unggah SK inovasi" in page and "Milik SKPD B" not in page


def test_contacts_of_another_skpd_get_404_everywhere(app, world):
    client = client_as(app, world.other_contact)
    base = f"/tindak-lanjut/{world.task.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/attachments/{world.task_attachment.id}").status_code == 404
    assert client.post(f"{base}/status", data={"status": "in_progress"}).status_code == 404
    db.session.expire_all()
    assert world.task.status == "open"


def test_attachment_must_belong_to_the_task(app, world):
    other = services.create_task(world.skpd, world.staff, title="Lain")
    db.session.commit()
    client = client_as(app, world.contact)
    assert client.get(f"/tindak-lanjut/{other.id}/attachments/{world.task_attachment.id}"
                      ).status_code == 404
    created = other.events[0]
    assert client.get(f"/tindak-lanjut/{other.id}/attachments/{created.id}").status_code == 404


def test_carried_over_panel_lists_open_tasks(app, world):
    from flask import render_template

    with time_machine.travel(datetime(2026, 7, 24, 2, tzinfo=timezone.utc), tick=False):
        with app.test_request_context("/"):
            html = render_template("followups/_carried_over.html",
                                   carried_tasks=services.open_tasks_for_skpds([world.skpd.id]))
            empty = render_template("followups/_carried_over.html", carried_tasks=[])
    assert "Unggah SK inovasi" in html and "Terlambat 3 hari" in html and world.contact.name in html
    assert "Tidak ada tindak lanjut terbuka." in empty


def test_open_tasks_for_skpds_orders_by_due_date(world):
    first = services.create_task(world.skpd, world.staff, title="Pertama", due_on=date(2026, 7, 10))
    services.create_task(world.skpd, world.staff, title="Tanpa tenggat")
    done = services.create_task(world.skpd, world.staff, title="Selesai", due_on=date(2026, 7, 1))
    services.change_status(done, "done", world.staff)
    tasks = services.open_tasks_for_skpds([world.skpd.id])
    assert [t.title for t in tasks] == ["Pertama", "Unggah SK inovasi", "Tanpa tenggat"]
    assert tasks[0] is first and services.open_tasks_for_skpds([]) == []


def test_carried_over_panel_shows_a_contact_only_their_own_skpds_tasks(app, world):
    # The session made joint: the session scope narrows the panel to the contact's SKPD.
    services.create_task(world.other_skpd, world.staff, title="Milik SKPD B")
    world.session.skpds.append(world.other_skpd)
    db.session.commit()
    own = text(client_as(app, world.contact).get(f"/coaching/{world.session.id}"))
    everything = text(client_as(app, world.staff).get(f"/coaching/{world.session.id}"))
    assert "Unggah SK inovasi" in own and "Milik SKPD B" not in own
    assert "Milik SKPD B" in everything and "Unggah SK inovasi" in everything


def test_overdue_badge_counts_days_in_english_too(app, world):
    world.staff.locale = "en"
    db.session.commit()
    with time_machine.travel(datetime(2026, 7, 22, 2, tzinfo=timezone.utc), tick=False):
        page = text(client_as(app, world.staff).get("/tindak-lanjut/"))
        assert "1 day overdue" in page  # due 21 July
    with time_machine.travel(datetime(2026, 7, 24, 2, tzinfo=timezone.utc), tick=False):
        page = text(client_as(app, world.staff).get("/tindak-lanjut/"))
        assert "3 days overdue" in page and "Terlambat" not in page


def test_a_task_handed_back_to_an_earlier_owner_mails_them_again(app, world, make_user):
    """Each hand-over is its own decision: an earlier, already sent mail never blocks the next."""
    second = make_user("contact", skpd=world.skpd)
    task = services.create_task(world.skpd, world.staff, title="Unggah SK", owner=world.contact)
    db.session.commit()
    for row in db.session.scalars(select(Notification).where(
            Notification.kind == "followup_assigned")):
        row.status = "sent"
    db.session.commit()
    for owner in (second, world.contact):
        services.edit_task(db.session.get(FollowUpTask, task.id), {"owner_id": owner.id},
                           world.staff)
        db.session.commit()
    mails = db.session.scalars(select(Notification).where(
        Notification.kind == "followup_assigned",
        Notification.dedupe_key.contains(f"task:{task.id}:")).order_by(Notification.id)).all()
    assert [(m.to_email, m.status) for m in mails] == [
        (world.contact.email, "sent"), (second.email, "superseded"),
        (world.contact.email, "pending")]
