"""What of a coaching session each viewer gets (issue 9, parts 2 and 3): in a joint session a
contact sees only its own SKPD's rows on every page, printout, e-mail and feed; a trainer sees
the schedule of every session but the details only of the sessions they coach."""
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from icalendar import Calendar
from markupsafe import escape
from sqlalchemy import select

from clinic.coaching import access, invitations
from clinic.coaching.models import Attendance, CoachingSession, Finding
from clinic.extensions import db
from clinic.followups.models import FollowUpTask
from clinic.outbox.models import Notification
from conftest import add_joint_session, count_queries

UTC = timezone.utc
START = datetime(2026, 7, 8, 1, 0, tzinfo=UTC)  # Wednesday 8 July 2026, 09.00 WITA
GENERAL = "Temuan umum tanpa Perangkat Daerah"


@pytest.fixture
def joint(world, make_user, make_skpd, url):
    """A planned session of SKPD Alfa and Beta coached by ``coach``; ``outsider`` is a trainer
    who coaches Alfa in another session, so Alfa's rows are theirs by SKPD but this session's
    details are not."""
    skpd_a, skpd_b = make_skpd(name="Dinas Alfa Sejahtera"), make_skpd(name="Dinas Beta Mandiri")
    contact_a = make_user("contact", skpd=skpd_a, name="Ahmad Operator Alfa")
    contact_b = make_user("contact", skpd=skpd_b, name="Budi Operator Beta")
    coach = make_user("trainer", name="Narasumber Pendamping")
    outsider = make_user("trainer", name="Narasumber Lain")
    db.session.add(CoachingSession(title="Klinik Alfa Sendiri", skpds=[skpd_a], trainers=[outsider],
                                   starts_at=START + timedelta(days=7),
                                   ends_at=START + timedelta(days=7, hours=2)))
    session, parts = add_joint_session(world.cycle, coach, [(skpd_a, contact_a, "Alfa"),
                                                            (skpd_b, contact_b, "Beta")], START)
    # A finding the trainer tied to no innovation: in a joint session, no contact's to read.
    db.session.add(Finding(session_id=session.id, text=GENERAL, position=9))
    db.session.commit()
    for part in parts.values():
        part.texts += [part.contact.name,
                       f'"{url("reporting.innovation_detail", innovation_id=part.innovation.id)}"',
                       f'"{url("reporting.item_detail", item_id=part.item.id)}"']
    return session, parts["Alfa"], parts["Beta"], coach, outsider, world.staff


def _body(response, status=200):
    assert response.status_code == status, response.status_code
    # Unfold iCalendar lines so that a folded text is found whole.
    return response.get_data(as_text=True).replace("\r\n ", "")


def _leaks(body, texts):
    return [text for text in texts if text in body]


def _feed(client, user):
    user.calendar_token = f"feed-token-{user.id}-0123456789abcdefghijkl"
    db.session.commit()
    with time_machine.travel(START - timedelta(days=3), tick=False):
        return client.get(f"/coaching/feed/{user.calendar_token}.ics")


def test_session_scope_per_role(joint, world):
    session, a, b, coach, outsider, staff = joint
    for user in (staff, coach):
        scope = access.session_scope(session, user)
        assert scope.details and scope.full
    scope = access.session_scope(session, outsider)
    assert not scope.details and not scope.sees(a.skpd.id) and not scope.sees(None)
    scope = access.session_scope(session, b.contact)
    assert scope.details and not scope.full and scope.skpd_ids == {b.skpd.id}
    assert scope.sees(b.skpd.id) and not scope.sees(a.skpd.id)
    assert not scope.sees(None)  # a guest or finding of no SKPD may be another SKPD's business
    # In a session of their SKPD alone, everything of the session is the contact's.
    scope = access.session_scope(world.session, world.contact)
    assert scope.details and scope.sees(world.skpd.id) and scope.sees(None)
    assert not access.session_scope(world.session, world.other_contact).details


@pytest.mark.parametrize("who", ["a", "b"])
def test_contact_sees_only_own_skpd_in_every_response(joint, login, url, who):
    session, a, b, _coach, _outsider, _staff = joint
    own, other = (a, b) if who == "a" else (b, a)
    client = login(own.contact)
    detail = _body(client.get(url("coaching.detail", session_id=session.id)))
    printed = _body(client.get(url("coaching.notes_print", session_id=session.id)))
    responses = {
        "detail": detail, "print": printed,
        "followups": _body(client.get(url("followups.index", session=session.id, status="all"))),
        "feed": _body(_feed(client, own.contact)),
        "list": _body(client.get(url("coaching.index", when="all"))),
        "calendar": _body(client.get(url("coaching.calendar", month="2026-07", view="agenda"))),
        "home": _body(client.get(url("main.index"))),
    }
    for name, body in responses.items():
        assert not _leaks(body, other.texts + [GENERAL]), (name, _leaks(body, other.texts))
    # Their own rows and the shared part of the minutes stay.
    for text in (own.innovation.name, own.finding.text, own.task.title, own.carried.title,
                 "Kesepakatan bersama sesi gabungan", "Agenda bersama sesi gabungan"):
        assert text in detail, text
    for text in (own.finding.text, own.task.title, own.guest.name, own.guest.nip):
        assert text in printed, text
    assert "Catatan internal sesi gabungan" not in detail + printed
    for endpoint in ("coaching.notes", "coaching.attendance", "coaching.note_revisions"):
        assert client.get(url(endpoint, session_id=session.id)).status_code == 404


def test_emailed_minutes_carry_each_recipients_own_rows(joint, login, url):
    session, a, b, coach, _outsider, _staff = joint
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        response = login(coach).post(url("coaching.sign_off", session_id=session.id))
    assert response.status_code == 302
    mails = {row.recipient_id: row for row in db.session.scalars(
        select(Notification).where(Notification.kind == "session_notes"))}
    assert set(mails) == {a.contact.id, b.contact.id, coach.id}
    for own, other in ((a, b), (b, a)):
        mail = mails[own.contact.id]
        for body in (mail.body_text, mail.body_html):
            assert not _leaks(body, other.texts + [GENERAL]), _leaks(body, other.texts)
            assert own.finding.text in body and "Kesepakatan bersama sesi gabungan" in body
    for body in (mails[coach.id].body_text, mails[coach.id].body_html):
        assert a.finding.text in body and b.finding.text in body and GENERAL in body


def _attendees(notification):
    cal = Calendar.from_ical(notification.attachments[0]["data"])
    event_ = next(iter(cal.walk("VEVENT")))
    found = event_.get("attendee") or []
    return {str(value).removeprefix("mailto:") for value in
            (found if isinstance(found, list) else [found])}


def test_invitations_name_only_own_skpd_attendees(joint):
    session, a, b, coach, _outsider, _staff = joint
    invitations.invite(session)
    db.session.commit()
    mails = {row.recipient_id: row for row in db.session.scalars(
        select(Notification).where(Notification.kind == "session_invitation"))}
    assert _attendees(mails[a.contact.id]) == {a.contact.email, coach.email}
    assert _attendees(mails[b.contact.id]) == {b.contact.email, coach.email}
    assert _attendees(mails[coach.id]) == {a.contact.email, b.contact.email, coach.email}


def test_trainer_sees_the_details_only_of_sessions_they_coach(joint, login, url):
    session, a, b, coach, outsider, staff = joint
    client = login(outsider)
    detail = _body(client.get(url("coaching.detail", session_id=session.id)))
    for text in (str(escape(session.title)), a.skpd.name, b.skpd.name, coach.name):
        assert text in detail, text
    details = a.texts + b.texts + [GENERAL, "Kesepakatan bersama sesi gabungan",
                                   "Catatan internal sesi gabungan"]
    assert not _leaks(detail, details)
    listed = _body(client.get(url("followups.index", session=session.id, status="all")))
    assert not _leaks(listed, [a.task.title, b.task.title])
    assert not _leaks(_body(_feed(client, outsider)), details)
    for endpoint in ("coaching.notes_print", "coaching.notes", "coaching.attendance",
                     "coaching.note_revisions"):
        assert client.get(url(endpoint, session_id=session.id)).status_code == 404, endpoint
    # Alfa's task itself stays theirs to open: they coach Alfa in another session.
    assert client.get(url("followups.detail", task_id=a.task.id)).status_code == 200
    # The session's own trainer and Bappeda see everything.
    for user in (coach, staff):
        client = login(user)
        detail = _body(client.get(url("coaching.detail", session_id=session.id)))
        printed = _body(client.get(url("coaching.notes_print", session_id=session.id)))
        for part in (a, b):
            for text in (part.innovation.name, part.finding.text, part.task.title,
                         part.carried.title):
                assert text in detail, (user.name, text)
            for text in (part.finding.text, part.task.title, part.guest.name, part.guest.nip):
                assert text in printed, (user.name, text)
        assert GENERAL in detail and "Catatan internal sesi gabungan" in detail
        for endpoint in ("coaching.notes", "coaching.attendance", "coaching.note_revisions"):
            assert client.get(url(endpoint, session_id=session.id)).status_code == 200


def test_session_pages_query_count_does_not_grow_with_rows(joint, login, url):
    session, a, b, coach, _outsider, _staff = joint
    # Ids first: counting starts from an empty identity map.
    sid, owners = session.id, [(p.skpd.id, p.innovation.id, p.item.id) for p in (a, b)]
    paths = [url("coaching.detail", session_id=sid), url("coaching.notes_print", session_id=sid)]
    clients = [login(a.contact), login(coach)]
    few = [count_queries(client, path) for client in clients for path in paths]
    for n in range(4):
        for skpd_id, innovation_id, item_id in owners:
            finding = Finding(session_id=sid, skpd_id=skpd_id, innovation_id=innovation_id,
                              item_id=item_id, text=f"Temuan tambahan {n}", position=10 + n)
            db.session.add_all([finding, Attendance(session_id=sid, skpd_id=skpd_id,
                                                    name=f"Tamu tambahan {n}")])
            db.session.flush()
            db.session.add(FollowUpTask(skpd_id=skpd_id, title=f"Tugas tambahan {n}",
                                        session_id=sid, finding_id=finding.id))
    db.session.commit()
    many = [count_queries(client, path) for client in clients for path in paths]
    assert many == few, (few, many)
