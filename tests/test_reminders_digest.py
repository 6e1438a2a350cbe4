"""The digest's content per contact: returned items first, tasks due soon, sessions, deadline."""
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic.coaching.models import CoachingSession
from clinic.extensions import db
from clinic.followups.models import FollowUpTask
from clinic.outbox.delivery import deliver_pending
from clinic.reminders.planner.digests import digest_for
from clinic.outbox.models import Notification
from clinic.reminders.planner import run_due
from tests.smtp_sink import MAIL

# Monday 6 July 2026, 08:00 WITA (the world's cycle zone is Asia/Makassar, UTC+8).
MONDAY_8 = datetime(2026, 7, 6, 0, 0, tzinfo=timezone.utc)
MONDAY = date(2026, 7, 6)


def _task(world, skpd, title, due_on, owner=None):
    task = FollowUpTask(skpd_id=skpd.id, owner_id=owner.id if owner else None, title=title,
                        due_on=due_on, created_by_id=world.staff.id)
    db.session.add(task)
    db.session.commit()
    return task


def _session(world, skpd, title, starts_at):
    session = CoachingSession(title=title, skpds=[skpd], trainers=[world.trainer],
                              starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
                              timezone="Asia/Makassar", cycle=world.cycle)
    db.session.add(session)
    db.session.commit()
    return session


def _digests():
    return db.session.scalars(select(Notification).where(Notification.kind == "digest")
                              .order_by(Notification.id)).all()


@pytest.fixture
def full(world):
    """SKPD A: a returned item with a reason, a task due in 2 days, an overdue task, a task due
    far later; the world's session tomorrow. SKPD B: its own task and session."""
    world.cycle.internal_deadline_on = date(2026, 7, 31)
    world.item.status = "returned"
    world.item.return_reason = "SK belum ditandatangani kepala dinas"
    world.task.due_on = date(2026, 8, 30)
    db.session.commit()
    _task(world, world.skpd, "Lengkapi profil inovasi", MONDAY + timedelta(days=2), world.contact)
    _task(world, world.skpd, "Unggah foto kegiatan", MONDAY - timedelta(days=4), world.contact)
    _task(world, world.other_skpd, "Tugas rahasia Dinas Kedua", MONDAY + timedelta(days=1))
    _session(world, world.other_skpd, "Sesi Dinas Kedua", MONDAY_8 + timedelta(days=1))
    return world


def test_digest_content_returned_first_tasks_sessions_deadline(full):
    digest = digest_for(full.contact, MONDAY, MONDAY_8, full.cycle)
    assert digest is not None
    assert [fix.item.id for fix in digest.returned] == [full.item.id]
    assert [t.title for t in digest.tasks] == ["Unggah foto kegiatan", "Lengkapi profil inovasi"]
    assert [t.title for t in digest.overdue] == ["Unggah foto kegiatan"]
    assert [s.id for s in digest.sessions] == [full.session.id]
    assert digest.days_left == 25
    with time_machine.travel(MONDAY_8, tick=False):
        counts = run_due(MONDAY_8)
    db.session.commit()
    row = next(r for r in _digests() if r.recipient_id == full.contact.id)
    body = row.body_text
    assert counts["digest"] >= 1
    assert row.dedupe_key == f"digest:{full.skpd.id}:{full.contact.id}:2026-07-06"
    assert "hal perlu ditindaklanjuti" in row.subject
    # Summary first, then the returned item with its reason before tasks and sessions.
    assert body.index("Tenggat internal: Jumat, 31 Juli 2026 (25 hari lagi)") < body.index(
        "SK belum ditandatangani kepala dinas")
    assert body.index("SK belum ditandatangani") < body.index("Unggah foto kegiatan")
    assert body.index("Unggah foto kegiatan") < body.index(full.session.title)
    assert "Terlambat sejak Kamis, 2 Juli 2026" in body
    assert "Selasa, 7 Juli 2026 09.00 WITA" in body
    assert f"http://localhost/items/{full.item.id}" in body
    assert "Unggah SK inovasi" not in body  # due far later than digest_task_days
    # The one-click link is made at delivery (clinic.secret_links); the row keeps a placeholder.
    assert row.links == {"unsubscribe"}
    assert "[[secret:unsubscribe]]" in body and "[[secret:unsubscribe]]" in row.body_html
    assert "/berhenti-langganan/" not in body + row.body_html


def test_check_17_a_digest_mentions_only_the_contacts_own_skpd(full):
    with time_machine.travel(MONDAY_8, tick=False):
        run_due(MONDAY_8)
    db.session.commit()
    mine = next(r for r in _digests() if r.recipient_id == full.contact.id)
    theirs = next(r for r in _digests() if r.recipient_id == full.other_contact.id)
    for text in (mine.body_text, mine.body_html):
        assert "Tugas rahasia Dinas Kedua" not in text and "Sesi Dinas Kedua" not in text
    assert "Tugas rahasia Dinas Kedua" in theirs.body_text
    assert "Sesi Dinas Kedua" in theirs.body_text
    assert "SK belum ditandatangani" not in theirs.body_text
    assert full.session.title not in theirs.body_text
    digest = digest_for(full.other_contact, MONDAY, MONDAY_8, full.cycle)
    assert {t.skpd_id for t in digest.tasks} == {full.other_skpd.id}
    assert not digest.returned and not digest.incomplete


def test_nothing_actionable_means_no_digest(world):
    world.item.status = "submitted"
    world.spd_item.skpd_id = None
    world.task.due_on = date(2026, 9, 1)
    world.session.starts_at = datetime(2026, 8, 4, 1, 0, tzinfo=timezone.utc)
    world.session.ends_at = datetime(2026, 8, 4, 3, 0, tzinfo=timezone.utc)
    db.session.commit()
    assert digest_for(world.contact, MONDAY, MONDAY_8, world.cycle) is None
    assert digest_for(world.other_contact, MONDAY, MONDAY_8, world.cycle) is None
    with time_machine.travel(MONDAY_8, tick=False):
        assert run_due(MONDAY_8)["digest"] == 0
    assert _digests() == []


def test_inactive_contact_gets_no_digest(full):
    full.contact.is_active = False
    db.session.commit()
    assert digest_for(full.contact, MONDAY, MONDAY_8, full.cycle) is None


# ---------------------------------------------------------------- delivery over real SMTP

@pytest.mark.app_config(**MAIL)
def test_digest_is_delivered_with_html_and_text_parts_in_indonesian(full, sink):
    with time_machine.travel(MONDAY_8, tick=False):
        run_due(MONDAY_8)
        db.session.commit()
        deliver_pending()
    row = next(r for r in _digests() if r.recipient_id == full.contact.id)
    message = next(m["message"] for m in sink.messages if m["message"]["To"] == full.contact.email
                   and m["message"]["Subject"].startswith("Ringkasan"))
    assert message["Message-ID"] == row.message_id and message["Date"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Ringkasan hari ini untuk Dinas Pertama" in text
    assert "Alasan:" in text and "Dikembalikan untuk diperbaiki" in html
    assert "Selasa, 7 Juli 2026 09.00 WITA" in html
