"""In Chromium: an invitee answers from the mail's link without logging in (one click, then a
change with a representative's name, CSRF on as in production), and the calendar page copies
the personal feed address and offers a webcal:// subscription."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.coaching import rsvp
from clinic.coaching.models import CoachingSession, InvitationAnswer
from clinic.extensions import db
from tests.browser.conftest import login

PASSWORD = "Rahasia-Kota-2026"


@pytest.fixture
def invited(live_app):
    """A contact of a new SKPD invited to a session next week, and their answer link's path."""
    tag = uuid.uuid4().hex[:8]
    with live_app.app_context():
        skpd = Skpd(code=f"J{tag}", name=f"Dinas Jawab {tag}", short_name=f"DJ{tag}")
        contact = User(email=f"jawab-{tag}@example.test", name=f"Kontak Jawab {tag}",
                       role="contact", skpd=skpd, is_active=True)
        contact.set_password(PASSWORD)
        starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=7)
        session = CoachingSession(title=f"Klinik Jawab {tag}", skpds=[skpd], starts_at=starts,
                                  ends_at=starts + timedelta(hours=2), place="Aula")
        db.session.add_all([skpd, contact, session])
        db.session.commit()
        with live_app.test_request_context():
            token = rsvp.make_token(session, contact)
        return {"session_id": session.id, "contact_id": contact.id, "email": contact.email,
                "path": f"/coaching/jawab/{token}"}


def _answer(live_app, invited):
    with live_app.app_context():
        return db.session.scalars(select(InvitationAnswer).filter_by(
            session_id=invited["session_id"], user_id=invited["contact_id"])).first()


def test_answer_in_one_click_then_change_it(live_app, invited, page_factory):
    page = page_factory()
    page.goto(invited["path"] + "?jawaban=hadir")
    assert page.locator("#jawaban .badge").inner_text() == "Hadir"
    assert _answer(live_app, invited).answer == "yes"
    page.get_by_role("radio", name="Diwakilkan").check()
    page.get_by_label("Nama yang mewakili").fill("Budi Santoso")
    page.get_by_role("button", name="Simpan jawaban").click()
    page.get_by_text("Jawaban Anda tersimpan.").wait_for()
    assert page.locator("#jawaban .badge").inner_text() == "Diwakilkan"
    answer = _answer(live_app, invited)
    assert (answer.answer, answer.representative) == ("delegated", "Budi Santoso")
    assert page.problems == []


def test_calendar_page_copies_the_feed_address(live_app, invited, page_factory):
    page = page_factory()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, invited["email"], PASSWORD)
    page.goto("/coaching/calendar")
    page.get_by_role("button", name="Buat tautan kalender").click()
    page.get_by_text("Tautan kalender Anda sudah dibuat").wait_for()
    feed_url = page.locator("#feed-url").input_value()
    assert feed_url.startswith(live_app.config["BASE_URL"] + "/coaching/feed/")
    webcal = page.get_by_role("link", name="Berlangganan di aplikasi kalender")
    assert webcal.get_attribute("href") == "webcal://" + feed_url.split("://", 1)[1]
    copy = page.get_by_role("button", name="Salin tautan")
    copy.click()
    page.get_by_role("button", name="Tersalin").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == feed_url
    assert page.problems == []
