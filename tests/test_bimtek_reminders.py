"""Issue 13 reminders through the planner: an invited SKPD that registered nobody, 3 working
days before its deadline; participants and speakers the working day before each event day;
event tasks in the digest. Each written once per key, delivered once over real SMTP, and
superseded when the event is cancelled, the invitation withdrawn or the day moved."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic.bimtek import services
from clinic.catalogue.models import Cycle
from clinic.extensions import db
from clinic.followups.models import FollowUpTask
from clinic.outbox.delivery import deliver_pending
from clinic.outbox.models import Notification
from clinic.reminders import preferences
from clinic.reminders.planner import run_due
from clinic.reminders.planner.bimtek import DAY_KIND, DEADLINE_KIND, working_days_before
from clinic.workdays import is_working_day
from tests.conftest import delivered_text
from tests.smtp_sink import MAIL

UTC = timezone.utc
pytestmark = pytest.mark.app_config(**MAIL)
# make_bimtek: days Wed 15 and Thu 16 July 2026, deadline Fri 10 July 08:00Z (16:00 WITA).
DEADLINE = datetime(2026, 7, 10, 8, 0, tzinfo=UTC)


def at(day, hour=8, minute=0):
    """An instant given as WITA wall-clock time (the cycle's and the events' zone)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def run(now):
    with time_machine.travel(now, tick=False):
        counts = run_due(now)
    db.session.commit()
    return counts


def deliver(now):
    with time_machine.travel(now, tick=False):
        counts = deliver_pending(now)
    db.session.commit()
    return counts


def rows(kind, status=None):
    stmt = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    if status:
        stmt = stmt.where(Notification.status == status)
    return db.session.scalars(stmt).all()


def mails_to(sink, address, kind_word):
    return [m["message"] for m in sink.messages
            if address in m["rcpt_tos"] and kind_word in m["message"]["Subject"]]


@pytest.fixture
def cycle(app):
    """A current cycle with nothing to report, so only Bimtek reminders fall due."""
    cycle = Cycle(year=2026, name="IID 2026", is_current=True)
    db.session.add(cycle)
    db.session.commit()
    return cycle


@pytest.fixture
def setup(cycle, make_user, make_skpd, make_bimtek):
    """Two invited SKPDs (A and B, a contact each), an open event whose first day has an item
    with a user speaker and an external one."""
    contact_a = make_user("contact", skpd=make_skpd(name="Dinas Pertama"))
    contact_b = make_user("contact", skpd=make_skpd(name="Dinas Kedua"))
    speaker = make_user("trainer", name="Narasumber Internal")
    with time_machine.travel(datetime(2026, 7, 1, 2, 0, tzinfo=UTC), tick=False):
        event = make_bimtek(invite=[(contact_a.skpd, 2), (contact_b.skpd, 2)])
        services.add_item(event.days[0], time(9), time(10), "Kebijakan Inovasi Daerah", "Aula",
                          [{"user_id": speaker.id},
                           {"name": "Dr. Peneliti BRIN", "institution": "BRIN"}])
        db.session.commit()
    inv_a, inv_b = event.invitations
    return event, inv_a, inv_b, contact_a, contact_b, speaker


def register(invitation, name, actor, when=datetime(2026, 7, 2, 2, 0, tzinfo=UTC)):
    with time_machine.travel(when, tick=False):
        participant = services.register(invitation.id, {
            "name": name, "position": "Analis", "email": f"{name.lower()}@example.test",
            "whatsapp": "0812"}, actor, now=when)
    db.session.commit()
    return participant


# ---------------------------------------------------------------- (a) registration deadline

def test_three_working_days_before_counts_working_days_only(app):
    assert working_days_before(date(2026, 7, 10), 3) == date(2026, 7, 7)  # Fri -> Tue
    assert working_days_before(date(2026, 7, 14), 3) == date(2026, 7, 9)  # Tue -> Thu, weekend
    assert working_days_before(date(2026, 8, 19), 3) == date(2026, 8, 13)  # 17 Aug is off
    assert all(is_working_day(date(2026, 7, d)) for d in (7, 9))


def test_deadline_reminder_once_on_its_day_only_to_the_skpd_that_registered_nobody(setup, sink):
    event, inv_a, inv_b, contact_a, contact_b, _speaker = setup
    register(inv_b, "Budi", contact_b)
    assert run(at(date(2026, 7, 6), 9))[DEADLINE_KIND] == 0  # Monday: 4 working days before
    assert run(at(date(2026, 7, 7), 7, 55))[DEADLINE_KIND] == 0  # before 08:00 WITA
    assert run(at(date(2026, 7, 7), 8, 30))[DEADLINE_KIND] == 1
    for later in (at(date(2026, 7, 7), 8, 31), at(date(2026, 7, 8), 9), at(date(2026, 7, 9), 9)):
        assert run(later)[DEADLINE_KIND] == 0
    [row] = rows(DEADLINE_KIND)
    assert row.to_email == contact_a.email
    assert row.dedupe_key == (f"event:{event.id}:i{inv_a.id}:deadline:"
                              f"{DEADLINE.isoformat()}:u{contact_a.id}")
    deliver(at(date(2026, 7, 7), 8, 40))
    deliver(at(date(2026, 7, 7), 8, 50))
    [mail] = mails_to(sink, contact_a.email, "belum ada peserta")
    assert not mails_to(sink, contact_b.email, "belum ada peserta")
    text = mail.get_body(("plain",)).get_content()
    assert "Bimtek Inovasi Daerah 2026" in text and "Dinas Pertama" in text
    assert f"/bimtek/undangan/{inv_a.id}/daftar" in text
    assert "Berhenti berlangganan" in text  # an optional kind, like the other reminders
    assert rows(DEADLINE_KIND)[0].status == "sent"


def test_downtime_on_the_day_is_caught_up_the_next_working_morning_not_after_the_deadline(setup):
    assert run(at(date(2026, 7, 7), 18))[DEADLINE_KIND] == 0  # after office hours: waits
    assert run(at(date(2026, 7, 8), 8, 5))[DEADLINE_KIND] == 2  # both SKPDs, nobody registered
    assert run(at(date(2026, 7, 10), 17))[DEADLINE_KIND] == 0
    assert len(rows(DEADLINE_KIND)) == 2


def test_a_registration_after_planning_supersedes_the_pending_reminder(setup, sink):
    _event, inv_a, _inv_b, contact_a, _contact_b, _speaker = setup
    run(at(date(2026, 7, 7), 8, 30))
    register(inv_a, "Ani", contact_a, when=at(date(2026, 7, 7), 8, 35))
    deliver(at(date(2026, 7, 7), 8, 40))
    mine = [r for r in rows(DEADLINE_KIND) if r.to_email == contact_a.email]
    assert [r.status for r in mine] == ["superseded"]


def test_withdrawing_the_invitation_supersedes_and_plans_nothing_more(setup):
    _event, inv_a, _inv_b, contact_a, _contact_b, _speaker = setup
    run(at(date(2026, 7, 7), 8, 30))
    services.withdraw(inv_a, None, now=at(date(2026, 7, 7), 9))
    db.session.commit()
    mine = [r for r in rows(DEADLINE_KIND) if r.to_email == contact_a.email]
    assert [r.status for r in mine] == ["superseded"]
    assert mine[0].dedupe_key.startswith("superseded:")
    assert run(at(date(2026, 7, 8), 9))[DEADLINE_KIND] == 0


def test_unsubscribed_contact_gets_no_deadline_reminder(setup):
    _event, _inv_a, _inv_b, contact_a, contact_b, _speaker = setup
    assert preferences.unsubscribe(contact_a, DEADLINE_KIND)
    db.session.commit()
    run(at(date(2026, 7, 7), 8, 30))
    assert [r.to_email for r in rows(DEADLINE_KIND)] == [contact_b.email]


def test_no_deadline_reminder_for_an_event_that_is_not_open(setup):
    event = setup[0]
    event.status = "closed"
    db.session.commit()
    assert run(at(date(2026, 7, 7), 8, 30))[DEADLINE_KIND] == 0


# ---------------------------------------------------------------- (b) the day before each day

def test_day_reminders_the_working_day_before_each_day_once_to_participants_and_speakers(
        setup, sink):
    event, inv_a, inv_b, contact_a, contact_b, speaker = setup
    ani = register(inv_a, "Ani", contact_a)
    gone = register(inv_a, "Batal", contact_a)
    budi = register(inv_b, "Budi", contact_b)
    services.cancel_registration(gone)
    db.session.commit()
    assert run(at(date(2026, 7, 13), 9))[DAY_KIND] == 0  # Monday: not yet
    assert run(at(date(2026, 7, 14), 8, 1))[DAY_KIND] == 3  # Ani, Budi, the user speaker
    assert run(at(date(2026, 7, 14), 10))[DAY_KIND] == 0
    deliver(at(date(2026, 7, 14), 8, 5))
    assert run(at(date(2026, 7, 15), 8, 1))[DAY_KIND] == 2  # day 2: nobody speaks
    assert run(at(date(2026, 7, 15), 9))[DAY_KIND] == 0
    deliver(at(date(2026, 7, 15), 8, 5))
    deliver(at(date(2026, 7, 15), 8, 10))
    assert {r.to_email for r in rows(DAY_KIND)} == {ani.email, budi.email, speaker.email}
    assert all(r.status == "sent" for r in rows(DAY_KIND))
    first = mails_to(sink, ani.email, "Rabu, 15 Juli 2026")
    assert len(first) == 1 and len(mails_to(sink, ani.email, "Kamis, 16 Juli 2026")) == 1
    assert not mails_to(sink, gone.email, "Pengingat")
    text = first[0].get_body(("plain",)).get_content()
    assert "Kebijakan Inovasi Daerah" in text and "09.00-10.00" in text
    assert "Dr. Peneliti BRIN" in text and "Hotel Kindai" in text
    assert "Berhenti berlangganan" not in text  # a participant has no account to unsubscribe
    [to_speaker] = mails_to(sink, speaker.email, "Pengingat")
    assert "Berhenti berlangganan" in to_speaker.get_body(("plain",)).get_content()
    assert len(sink.messages) == len({m["message"]["Message-ID"] for m in sink.messages})


def test_a_monday_day_is_reminded_on_friday(cycle, make_user, make_bimtek):
    contact = make_user("contact")
    event = make_bimtek(invite=[(contact.skpd, 2)],
                        days=((date(2026, 7, 20), time(8), time(16)),))
    register(event.invitations[0], "Ani", contact)
    assert run(at(date(2026, 7, 17), 8, 30))[DAY_KIND] == 1  # Friday
    assert run(at(date(2026, 7, 18), 9))[DAY_KIND] == 0


def test_cancelling_the_event_supersedes_pending_day_reminders(setup):
    event, inv_a, _inv_b, contact_a, _contact_b, _speaker = setup
    register(inv_a, "Ani", contact_a)
    run(at(date(2026, 7, 14), 8, 1))
    with time_machine.travel(at(date(2026, 7, 14), 8, 2), tick=False):
        services.cancel_event(event, "Narasumber berhalangan", None)
    db.session.commit()
    assert {r.status for r in rows(DAY_KIND)} == {"superseded"}
    assert run(at(date(2026, 7, 15), 8, 1))[DAY_KIND] == 0


def test_withdrawing_supersedes_its_participants_day_reminders_only(setup):
    _event, inv_a, inv_b, contact_a, contact_b, speaker = setup
    register(inv_a, "Ani", contact_a)
    budi = register(inv_b, "Budi", contact_b)
    run(at(date(2026, 7, 14), 8, 1))
    services.withdraw(inv_a, None, now=at(date(2026, 7, 14), 8, 2))
    db.session.commit()
    pending = {r.to_email for r in rows(DAY_KIND, "pending")}
    assert pending == {budi.email, speaker.email}


def test_a_moved_day_is_planned_again(setup):
    event, inv_a, _inv_b, contact_a, _contact_b, _speaker = setup
    ani = register(inv_a, "Ani", contact_a)
    run(at(date(2026, 7, 14), 8, 1))
    with time_machine.travel(at(date(2026, 7, 14), 8, 2), tick=False):
        services.update_event(event, {}, [(date(2026, 7, 15), time(10), time(16)),
                                          (date(2026, 7, 16), time(8), time(12))], None)
    db.session.commit()
    assert all(r.status == "superseded" for r in rows(DAY_KIND))
    assert run(at(date(2026, 7, 14), 8, 3))[DAY_KIND] == 2  # the moved start: a new key
    fresh = [r for r in rows(DAY_KIND, "pending") if r.to_email == ani.email]
    assert len(fresh) == 1 and "2026-07-15T02:00:00+00:00" in fresh[0].dedupe_key
    assert "10.00" in delivered_text(fresh[0])


def test_a_day_moved_after_planning_is_not_sent(setup, sink):
    """The delivery check catches a move the change did not supersede (data edited directly)."""
    event, inv_a, _inv_b, contact_a, _contact_b, _speaker = setup
    register(inv_a, "Ani", contact_a)
    run(at(date(2026, 7, 14), 8, 1))
    event.days[0].starts = time(11)
    db.session.commit()
    deliver(at(date(2026, 7, 14), 8, 5))
    assert {r.status for r in rows(DAY_KIND)} == {"superseded"}


def test_unsubscribed_speaker_gets_no_day_reminder(setup):
    speaker = setup[5]
    speaker.digest_frequency = "off"
    db.session.commit()
    run(at(date(2026, 7, 14), 8, 1))
    assert speaker.email not in {r.to_email for r in rows(DAY_KIND)}


# ---------------------------------------------------------------- (c) event tasks in the digest

def test_open_event_tasks_appear_in_the_digest(setup):
    event, _inv_a, _inv_b, contact_a, contact_b, _speaker = setup
    db.session.add_all([
        FollowUpTask(skpd_id=contact_a.skpd_id, owner_id=contact_a.id, source="event",
                     event_id=event.id, title="Susun rencana aksi hasil bimtek",
                     due_on=date(2026, 7, 22)),
        FollowUpTask(skpd_id=contact_b.skpd_id, source="event", event_id=event.id,
                     title="Tugas bimtek selesai", due_on=date(2026, 7, 22), status="closed")])
    db.session.commit()
    run(at(date(2026, 7, 21), 8, 30))
    [digest] = rows("digest")
    assert digest.to_email == contact_a.email  # B's only event task is closed: no digest
    assert "Susun rencana aksi hasil bimtek" in digest.body_text
