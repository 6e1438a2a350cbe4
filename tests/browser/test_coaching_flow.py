"""Issue 4's "Done when", end to end in Chromium: a clinic scheduled over a clash, its invitation
with the .ics in the outbox, attendance, notes and two findings turned into tasks, sign-off, the
contact finishing a task, and the personal calendar feed at the right local time.

One session goes through the whole flow. Sign-off is refused before a session starts
(clinic.coaching.notes.sign_off), and the app lets staff schedule on a past day (only weekends,
holidays, office hours and clashes warn), so staff schedule it on the latest past working day:
the session the trainer signs off is the very one scheduled and invited through the form, and
the feed (which reaches 60 days back) still lists it.
"""
import re
import urllib.request
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.catalogue.models import Cycle, Indicator, IndicatorLevel
from clinic.coaching.models import CoachingSession
from clinic.extensions import db
from clinic.followups.models import FollowUpTask, TaskStatus
from clinic.outbox.models import Notification
from clinic.reporting.services import create_innovation
from clinic.workdays import is_working_day
from tests.browser.conftest import login

PASSWORD = "Rahasia-Kota-2026"
WITA = ZoneInfo("Asia/Makassar")
TITLE = "Klinik Inovasi Dinas Alur Uji"
CLASH_TITLE = "Sesi Narasumber Dinas Lain"
FINDINGS = ("SK tim inovasi belum diunggah", "Profil inovasi belum memuat anggaran")
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"
NOTES = ("Pembahasan **penting** tentang bukti dukung.\n\n"
         f"{XSS}\n\n[klik](javascript:alert(3))\n")


def _latest_past_working_day():
    """The latest working day before today (WITA), so that 09.00 there has already passed."""
    day = datetime.now(WITA).date() - timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


@pytest.fixture(scope="module")
def flow(live_app):
    """SKPD with a contact and an innovation, a WITA trainer, staff, and a planned session of
    the trainer (with another SKPD) at the time the test schedules, so that it clashes."""
    with live_app.app_context():
        cycle = db.session.scalar(select(Cycle).where(Cycle.is_current))
        if cycle is None:
            cycle = Cycle(year=2026, name="IID 2026", is_current=True,
                          internal_deadline_on=date(2026, 12, 31))
            db.session.add(Indicator(cycle=cycle, code="SID-1", aspect="SID", number=1,
                                     name="Regulasi inovasi daerah", weight=Decimal("1"),
                                     levels=[IndicatorLevel(level=1, label="Ada")]))
        skpd = Skpd(code="FLOW", name="Dinas Alur Uji", short_name="Alur")
        other = Skpd(code="FLOW2", name="Dinas Alur Lain", short_name="Alur Lain")
        db.session.add_all([cycle, skpd, other])
        people = {}
        for key, role, tz, unit in (("staff", "staff", None, None),
                                    ("trainer", "trainer", "Asia/Makassar", None),
                                    ("contact", "contact", None, skpd)):
            user = User(email=f"flow.{key}@example.test", name=f"Alur {key.title()}",
                        role=role, timezone=tz, skpd=unit)
            user.set_password(PASSWORD)
            db.session.add(user)
            people[key] = user
        db.session.flush()
        create_innovation(skpd, cycle, {"name": "Inovasi Alur"}, people["contact"])
        day = _latest_past_working_day()
        db.session.add(CoachingSession(
            title=CLASH_TITLE, skpds=[other], trainers=[people["trainer"]],
            starts_at=datetime.combine(day, time(9, 30), WITA).astimezone(timezone.utc),
            ends_at=datetime.combine(day, time(10, 30), WITA).astimezone(timezone.utc),
            timezone="Asia/Makassar", cycle=cycle, created_by_id=people["staff"].id))
        db.session.commit()
        return {"day": day, "skpd_id": skpd.id, "trainer_id": people["trainer"].id,
                **{key: user.email for key, user in people.items()}}


def _no_overflow(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{what} is {width}px wide at 360px"


def test_coaching_clinic_flow(page_factory, live_app, flow):
    # 1. Staff schedule a clinic that clashes: the warning names the other session, input kept.
    staff = page_factory()
    login(staff, flow["staff"], PASSWORD)
    staff.goto("/coaching/new")
    staff.get_by_role("heading", name="Jadwalkan Coaching Clinic").wait_for()
    staff.locator("[name=title]").fill(TITLE)
    staff.locator("[name=skpds]").select_option(str(flow["skpd_id"]))
    staff.locator("[name=trainers]").select_option(str(flow["trainer_id"]))
    staff.locator("[name=date]").fill(flow["day"].isoformat())
    staff.locator("[name=start]").fill("09:00")
    staff.locator("[name=end]").fill("11:00")
    staff.locator("[name=timezone]").select_option("Asia/Makassar")
    staff.get_by_role("button", name="Jadwalkan dan kirim undangan").click()
    warnings = staff.locator("#warnings")
    warnings.wait_for()
    assert "Bentrok" in warnings.inner_text()
    assert f'"{CLASH_TITLE}"' in warnings.inner_text()
    assert staff.locator("[name=title]").input_value() == TITLE
    assert staff.locator("[name=date]").input_value() == flow["day"].isoformat()
    assert staff.locator("[name=start]").input_value().startswith("09:00")
    staff.locator("[name=confirm]").check()
    staff.get_by_role("button", name="Jadwalkan dan kirim undangan").click()
    staff.wait_for_url(re.compile(r"/coaching/\d+$"))
    session_id = int(staff.url.rsplit("/", 1)[1])
    assert staff.get_by_role("heading", level=1).inner_text() == TITLE
    assert staff.problems == []

    # 2. The invitation is in the outbox, for the contact and the trainer, with a REQUEST .ics.
    staff.goto(f"/admin/outbox/?kind=session_invitation&q={TITLE.replace(' ', '+')}")
    rows = staff.locator("tbody tr")
    assert rows.count() == 2
    assert sorted(r.strip() for r in
                  rows.locator("td:nth-child(2)").all_inner_texts()) == sorted(
        [flow["contact"], flow["trainer"]])
    assert all(f"Undangan: {TITLE}" in s
               for s in rows.locator("td:nth-child(3)").all_inner_texts())
    with live_app.app_context():
        session = db.session.get(CoachingSession, session_id)
        uid, starts_at = session.uid, session.starts_at
        invitations = db.session.scalars(select(Notification).where(
            Notification.kind == "session_invitation",
            Notification.dedupe_key.like(f"session:{session_id}:%"))).all()
    assert starts_at == datetime.combine(flow["day"], time(9), WITA)
    assert len(invitations) == 2
    for row in invitations:
        (attachment,) = row.attachments
        assert attachment["filename"].endswith(".ics")
        cal = Calendar.from_ical(attachment["data"])
        assert str(cal["method"]) == "REQUEST"
        (event,) = cal.walk("VEVENT")
        assert str(event["uid"]) == uid
        assert event.decoded("dtstart") == starts_at

    # 3. The trainer records attendance, notes (with a script that must not run), two findings
    # turned into tasks, and signs off.
    trainer = page_factory()
    login(trainer, flow["trainer"], PASSWORD)
    trainer.goto(f"/coaching/{session_id}")
    trainer.get_by_role("link", name="Isi daftar hadir").click()
    trainer.get_by_label("Kehadiran Alur Contact").select_option(label="Hadir")
    trainer.get_by_role("button", name="Simpan daftar hadir").click()
    trainer.get_by_text("Daftar hadir tersimpan.").wait_for()
    assert trainer.get_by_label("Kehadiran Alur Contact").input_value() == "present"

    trainer.goto(f"/coaching/{session_id}/notes")
    trainer.locator("textarea[name=body]").fill(NOTES)
    trainer.get_by_role("button", name="Simpan notulen").click()
    trainer.get_by_text("Notulen tersimpan.").wait_for()
    add_finding = trainer.locator(f"form[action='/coaching/{session_id}/findings']")
    for text in FINDINGS:
        add_finding.locator("textarea[name=text]").fill(text)
        add_finding.get_by_role("button", name="Tambah temuan").click()
        trainer.get_by_text("Temuan tersimpan.").wait_for()

    for text in FINDINGS:
        trainer.goto(f"/coaching/{session_id}")
        finding = trainer.locator("#temuan li.list-group-item").filter(has_text=text)
        finding.get_by_role("button", name="Jadikan tindak lanjut").click()
        trainer.wait_for_url(re.compile(r"/tindak-lanjut/\d+/edit$"))
        assert trainer.locator("[name=title]").input_value() == text
        assert trainer.locator("[name=owner_id] option:checked").inner_text() == "Alur Contact"
        trainer.get_by_role("button", name="Simpan", exact=True).click()
        trainer.wait_for_url(re.compile(r"/tindak-lanjut/\d+$"))
        assert trainer.get_by_role("heading", level=1).inner_text() == text

    trainer.goto(f"/coaching/{session_id}")
    for text in FINDINGS:
        tasks = trainer.locator("#temuan li.list-group-item").filter(has_text=text)
        assert tasks.get_by_role("link", name=text).count() == 1
    trainer.get_by_role("button", name="Tandatangani notulen").click()  # confirm() accepted
    trainer.get_by_text("Notulen ditandatangani dan dikunci").wait_for()
    notes = trainer.locator("#notulen")
    assert "Ditandatangani" in notes.locator("h2").inner_text()
    assert trainer.get_by_text("Terlaksana", exact=True).first.is_visible()
    body = notes.locator(".notes-body").first
    assert body.locator("strong").inner_text() == "penting"
    assert body.locator("script, img, [onerror]").count() == 0
    assert all(not (href or "").lower().startswith("javascript")
               for href in body.locator("a").evaluate_all("els => els.map(a => a.href)"))
    assert trainer.get_by_role("button", name="Tandatangani notulen").count() == 0
    assert trainer.problems == []

    # 4. The contact sees both tasks, finishes one with a comment.
    contact = page_factory()
    login(contact, flow["contact"], PASSWORD)
    # Tasks not yet due wait in a collapsed group under what is urgent: open it.
    contact.locator("details.todo-group").filter(has_text="Tindak lanjut lainnya").locator(
        "summary").click()
    for text in FINDINGS:
        assert contact.get_by_role("link", name=text).count() == 1, f"home lacks task {text!r}"
    contact.goto("/tindak-lanjut/")
    for text in FINDINGS:
        assert contact.get_by_role("link", name=text).count() == 1, f"list lacks task {text!r}"
    contact.get_by_role("link", name=FINDINGS[0]).click()
    contact.wait_for_url(re.compile(r"/tindak-lanjut/\d+$"))
    task_path = contact.url.split(live_app.config["BASE_URL"], 1)[1]
    contact.locator("[name=status]").select_option(label="Selesai")
    contact.locator("textarea[name=comment]").fill("SK tim sudah diunggah ke butir SID-1.")
    contact.get_by_role("button", name="Simpan pembaruan").click()
    contact.get_by_text("Tindak lanjut diperbarui.").wait_for()
    assert contact.locator("h1 + p .badge").first.inner_text() == "Selesai"
    assert contact.locator(".list-group").get_by_text(
        "SK tim sudah diunggah ke butir SID-1.").count() == 1
    with live_app.app_context():
        statuses = dict(db.session.execute(select(FollowUpTask.title, FollowUpTask.status)
                                           .where(FollowUpTask.session_id == session_id)).all())
    assert statuses == {FINDINGS[0]: TaskStatus.DONE, FINDINGS[1]: TaskStatus.OPEN}

    # 5. The personal feed, fetched without cookies, has the session at 09.00 WITA.
    contact.goto("/coaching/calendar")
    contact.get_by_role("button", name="Buat tautan kalender").click()
    contact.get_by_text("Tautan kalender Anda sudah dibuat").wait_for()
    feed_url = contact.locator("#feed-url").input_value()
    assert feed_url.startswith(live_app.config["BASE_URL"] + "/coaching/feed/")
    with urllib.request.urlopen(feed_url, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/calendar")
        feed = Calendar.from_ical(response.read())
    (event,) = [e for e in feed.walk("VEVENT") if str(e["uid"]) == uid]
    assert str(event["summary"]) == TITLE
    start = event.decoded("dtstart")
    assert start.astimezone(WITA).replace(tzinfo=None) == datetime.combine(flow["day"], time(9))
    assert start == starts_at
    assert contact.problems == []

    # At phone width the session page and the task page fit the screen.
    phone = page_factory(width=360, height=740)
    login(phone, flow["trainer"], PASSWORD)
    phone.goto(f"/coaching/{session_id}")
    assert phone.get_by_role("heading", level=1).inner_text() == TITLE
    _no_overflow(phone, "the session page")
    phone.goto(task_path)
    assert phone.get_by_role("heading", level=1).inner_text() == FINDINGS[0]
    _no_overflow(phone, "the task page")
    assert phone.problems == []
