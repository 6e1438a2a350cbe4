"""Mail that a later change makes wrong is superseded, never delivered, and the planner writes
the right one: a session rescheduled or cancelled between planning and delivery, a verified or
submitted item a pending digest still lists, a task closed while its digest or escalation waits.
Delivery goes to the real SMTP server on loopback."""
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic.coaching import services as coaching
from clinic.extensions import db
from clinic.followups import services as followups
from clinic.outbox.delivery import deliver_pending
from clinic.outbox.models import Notification, OutboxStatus
from clinic.outbox.services import supersede
from clinic.reminders.planner import run_due
from clinic.reporting import review
from clinic.reporting.services import items as item_services
from clinic.workdays import is_working_day
from tests.smtp_sink import MAIL

pytestmark = pytest.mark.app_config(**MAIL)
UTC = timezone.utc


def wita(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def run(now):
    with time_machine.travel(now, tick=False):
        counts = run_due(now)
        db.session.commit()
    return counts


def deliver(now):
    with time_machine.travel(now, tick=False):
        return deliver_pending(now)


def rows(kind=None):
    db.session.expire_all()
    stmt = select(Notification).where(Notification.kind != "test").order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt).all()


def texts(sink):
    return [m["message"]["Subject"] + "\n" + m["message"].get_body(("plain",)).get_content()
            for m in sink.messages]


def sent_kinds(sink, *kinds):
    """The rows of ``kinds`` that reached the sink (matched by Message-ID)."""
    ids = set(sink.message_ids())
    return [r for r in rows() if r.kind in kinds and r.message_id in ids]


def _values(world, starts_at, title="Klinik SID Desember"):
    return {"title": title, "timezone": "Asia/Makassar", "agenda": "Membahas SID",
            "room": "Ruang Rapat Bappeda", "place": None, "online_url": None,
            "skpd_ids": [world.skpd.id], "trainer_ids": [world.trainer.id],
            "innovation_ids": [], "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2), "count": 1}


@pytest.fixture
def december(world):
    """The issue's case: a session planned on Friday 4 December for Monday 7 December 09.30."""
    assert all(is_working_day(date(2026, 12, d)) for d in (4, 7, 8, 9))
    world.cycle.internal_deadline_on = None
    db.session.commit()
    with time_machine.travel(wita(2026, 12, 4, 7), tick=False):
        (session,) = coaching.schedule(_values(world, wita(2026, 12, 7, 9, 30)), world.staff)
        db.session.commit()
    world.december = session
    return world


def test_reschedule_between_planning_and_delivery_supersedes_the_stale_mail(december, sink):
    world, session = december, december.december
    # Friday 08.00: the day-before reminders are planned; nothing has been delivered yet.
    assert run(wita(2026, 12, 4, 8))["session_reminder"] == 2
    stale = [r.id for r in rows() if r.kind in ("session_invitation", "session_reminder")]
    assert len(stale) == 4
    assert all("Senin, 7 Desember 2026 09.30 WITA" in r.body_text
               for r in rows("session_reminder"))
    with time_machine.travel(wita(2026, 12, 4, 8, 5), tick=False):
        coaching.update(session, _values(world, wita(2026, 12, 9, 9)), world.staff)
        db.session.commit()
    superseded = {r.id: r for r in rows() if r.status == OutboxStatus.SUPERSEDED}
    # The session's mail, and the SKPD's pending digest, which lists the session.
    assert {r.kind for r in superseded.values()} == {"session_invitation", "session_reminder",
                                                     "digest"}
    superseded = {i: r for i, r in superseded.items() if r.kind != "digest"}
    assert set(superseded) == set(stale)
    assert all(r.last_error.startswith("superseded: session rescheduled")
               for r in superseded.values())
    deliver(wita(2026, 12, 4, 8, 6))
    delivered = texts(sink)
    # Only the change mail went out: no first invitation, no reminder with the old start.
    session_mail = sent_kinds(sink, "session_invitation", "session_reminder")
    assert len(session_mail) == 2 and not {r.id for r in session_mail} & set(stale)
    assert all(r.kind == "session_invitation" and "Rabu, 9 Desember 2026" in r.subject
               for r in session_mail)
    assert not any("dimulai Senin, 7 Desember 2026 09.30" in text for text in delivered)
    assert all(r.status == OutboxStatus.SUPERSEDED for r in rows() if r.id in stale)
    # The planner writes the right reminder: the working day before the new date.
    assert run(wita(2026, 12, 7, 8))["session_reminder"] == 0
    assert run(wita(2026, 12, 8, 8))["session_reminder"] == 2
    deliver(wita(2026, 12, 8, 8, 1))
    reminders = [t for t in texts(sink) if t.startswith("Pengingat: Klinik SID Desember\n")]
    assert len(reminders) == 2
    assert all("dimulai Rabu, 9 Desember 2026 09.00 WITA" in t for t in reminders)


def test_cancel_between_planning_and_delivery_sends_only_the_cancellation(december, sink):
    world, session = december, december.december
    run(wita(2026, 12, 4, 8))
    with time_machine.travel(wita(2026, 12, 4, 8, 5), tick=False):
        coaching.cancel(session, "Narasumber berhalangan", world.staff)
        db.session.commit()
    deliver(wita(2026, 12, 4, 8, 6))
    kinds = {r.kind for r in rows() if r.status == OutboxStatus.SENT}
    assert kinds & {"session_invitation", "session_reminder", "session_cancelled"} == {
        "session_cancelled"}
    assert [r.kind for r in sent_kinds(sink, "session_invitation", "session_reminder",
                                       "session_cancelled")] == ["session_cancelled"] * 2
    assert all(r.status == OutboxStatus.SUPERSEDED for r in rows("session_reminder"))
    assert all(r.status == OutboxStatus.SUPERSEDED for r in rows("session_invitation"))
    # Nothing is planned again for a cancelled session.
    assert run(wita(2026, 12, 7, 7, 30))["session_reminder"] == 0


def test_a_title_change_supersedes_only_the_reminders_which_are_written_again(december, sink):
    world, session = december, december.december
    run(wita(2026, 12, 4, 8))
    with time_machine.travel(wita(2026, 12, 4, 8, 5), tick=False):
        coaching.update(session, _values(world, session.starts_at, title="Klinik SID (revisi)"),
                        world.staff)
        db.session.commit()
    assert {r.status for r in rows("session_invitation")} == {OutboxStatus.PENDING}
    assert {r.status for r in rows("session_reminder")} == {OutboxStatus.SUPERSEDED}
    # The same decision (same key) is written again with the new title.
    assert run(wita(2026, 12, 4, 8, 6))["session_reminder"] == 2
    fresh = [r for r in rows("session_reminder") if r.status == OutboxStatus.PENDING]
    assert len(fresh) == 2 and all("Klinik SID (revisi)" in r.subject for r in fresh)


# ---------------------------------------------------------------- digests and escalations

MONDAY_8 = wita(2026, 7, 6, 8)


def test_verified_item_supersedes_the_pending_digest_that_lists_it(world, sink):
    world.item.status = "submitted"
    world.spd_item.skpd_id = world.skpd.id  # SKPD A still has the SPD item open
    world.task.due_on = date(2026, 8, 30)
    db.session.commit()
    world.item.status = "returned"
    world.item.level = 1
    world.item.return_reason = "SK belum ditandatangani"
    db.session.commit()
    assert run(MONDAY_8)["digest"] == 1
    (digest,) = rows("digest")
    assert "SK belum ditandatangani" in digest.body_text
    with time_machine.travel(MONDAY_8 + timedelta(minutes=1), tick=False):
        item_services.submit_item(world.item, world.contact)
        db.session.commit()
        review.verify(world.item, world.staff)
        db.session.commit()
    assert rows("digest")[0].status == OutboxStatus.SUPERSEDED
    # The planner writes the right one: the verified item is no longer in it.
    assert run(MONDAY_8 + timedelta(minutes=2))["digest"] == 1
    deliver(MONDAY_8 + timedelta(minutes=3))
    (message,) = [m for m in texts(sink) if m.startswith("Ringkasan")]
    assert "SK belum ditandatangani" not in message and "SPD-01" in message


def test_closed_task_supersedes_pending_digest_and_escalation(world, sink):
    world.task.due_on = date(2026, 6, 20)  # long overdue on Monday 6 July
    world.skpd.head_email = "kepala@dinas-pertama.example"
    db.session.commit()
    counts = run(MONDAY_8)
    assert counts["escalation"] == 1 and counts["digest"] >= 1
    with time_machine.travel(MONDAY_8 + timedelta(minutes=1), tick=False):
        followups.cancel_task(world.task, "Tidak diperlukan lagi", world.staff)
        db.session.commit()
    assert rows("escalation")[0].status == OutboxStatus.SUPERSEDED
    assert all(r.status == OutboxStatus.SUPERSEDED for r in rows("digest")
               if r.recipient_id == world.contact.id)
    assert run(MONDAY_8 + timedelta(minutes=2))["escalation"] == 0  # nothing overdue now
    deliver(MONDAY_8 + timedelta(minutes=3))
    assert not any(world.task.title in text for text in texts(sink))


def test_supersede_leaves_rows_being_sent_or_sent_alone(world):
    world.notification.dedupe_key = "digest:1:1:2026-07-06"
    db.session.commit()
    for status in (OutboxStatus.SENDING, OutboxStatus.SENT, OutboxStatus.FAILED):
        world.notification.status = status
        db.session.commit()
        assert supersede(["digest:1:"], "test") == []
    world.notification.status = OutboxStatus.PENDING
    db.session.commit()
    assert supersede(["digest:10:"], "test") == []  # a prefix, not a substring: SKPD 1 only
    assert [r.id for r in supersede(["digest:1:"], "test")] == [world.notification.id]


def test_outbox_page_shows_superseded_rows_as_such(client, auth, world):
    world.notification.dedupe_key = "digest:1:1:2026-07-06"
    db.session.commit()
    supersede(["digest:1:"], "session rescheduled")
    db.session.commit()
    auth.login_as(world.staff)
    page = client.get("/admin/outbox/?status=superseded").get_data(as_text=True)
    assert "Digantikan" in page and world.notification.subject in page
    detail = client.get(f"/admin/outbox/{world.notification.id}").get_data(as_text=True)
    assert "tidak akan dikirim" in detail and "session rescheduled" in detail


def test_reassigned_or_cancelled_task_supersedes_the_pending_assignment_mail(
        world, make_user, sink):
    second = make_user("contact", skpd=world.skpd)
    task = followups.create_task(world.skpd, world.staff, title="Unggah notulen",
                                 owner=world.contact, due_on=date(2026, 7, 20))
    db.session.commit()
    followups.edit_task(task, {"owner_id": second.id}, world.staff)
    db.session.commit()
    followups.edit_task(task, {"owner_id": world.contact.id}, world.staff)  # and back again
    db.session.commit()
    assigned = rows("followup_assigned")
    assert [(r.to_email, r.status) for r in assigned] == [
        (world.contact.email, OutboxStatus.SUPERSEDED), (second.email, OutboxStatus.SUPERSEDED),
        (world.contact.email, OutboxStatus.PENDING)]
    followups.cancel_task(task, "Tidak diperlukan lagi", world.staff)
    db.session.commit()
    assert {r.status for r in rows("followup_assigned")} == {OutboxStatus.SUPERSEDED}
    deliver(datetime(2026, 7, 7, 2, 0, tzinfo=UTC))
    assert not any("Unggah notulen" in text for text in texts(sink))


def test_needs_fixing_mail_of_an_item_fixed_before_delivery_is_never_sent(world, sink):
    """A "Perlu perbaikan" mail still pending when the item is resubmitted, or returned again
    with another reason, is superseded at delivery; the latest return's mail goes out."""
    world.item.status, world.item.level = "submitted", 1
    db.session.commit()
    with time_machine.travel(MONDAY_8, tick=False):
        review.return_with_reason(world.item, "SK belum ditandatangani", world.staff)
        db.session.commit()
        item_services.submit_item(world.item, world.contact)
        db.session.commit()
    deliver(MONDAY_8 + timedelta(minutes=1))
    assert [r.status for r in rows("item_returned")] == [OutboxStatus.SUPERSEDED]
    with time_machine.travel(MONDAY_8 + timedelta(minutes=2), tick=False):
        review.return_with_reason(world.item, "Foto tanpa tanggal", world.staff)
        db.session.commit()
    with time_machine.travel(MONDAY_8 + timedelta(minutes=3), tick=False):
        item_services.submit_item(world.item, world.contact)
        db.session.commit()
        review.return_with_reason(world.item, "Nama inovasi tidak tercantum", world.staff)
        db.session.commit()
    deliver(MONDAY_8 + timedelta(minutes=4))
    assert [r.status for r in rows("item_returned")] == [
        OutboxStatus.SUPERSEDED, OutboxStatus.SUPERSEDED, OutboxStatus.SENT]
    (message,) = [m for m in texts(sink) if m.startswith("Perlu perbaikan")]
    assert "Nama inovasi tidak tercantum" in message and "SK belum" not in message
