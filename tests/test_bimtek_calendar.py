"""Issue 13: Bimtek event days in the coaching calendar and the personal feed (each viewer only
the events they may see), and clash warnings both ways between event days and sessions."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import select

from clinic.bimtek import services
from clinic.bimtek.models import BimtekEvent
from clinic.coaching.checks import check_schedule
from clinic.coaching.models import CoachingSession
from clinic.extensions import db

UTC = timezone.utc
WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=WITA).astimezone(UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cal(app, make_user, make_skpd, make_bimtek):
    """SKPD A and B (a contact each), staff, a speaking trainer and another trainer; events:
    ``open`` (A invited, the trainer speaks on its first day, in Aula Bappeda), ``draft`` (A
    invited), ``withdrawn`` (A withdrawn, B invited), ``cancelled`` (A invited)."""
    skpd_a, skpd_b = make_skpd(name="Dinas Pertama"), make_skpd(name="Dinas Kedua")
    people = dict(contact_a=make_user("contact", skpd=skpd_a, name="Operator Pertama"),
                  contact_b=make_user("contact", skpd=skpd_b, name="Operator Kedua"),
                  staff=make_user("staff"), speaker=make_user("trainer", name="Bu Rina"),
                  other_trainer=make_user("trainer", name="Pak Joko"))
    for n, user in enumerate(people.values()):
        user.calendar_token = f"feed-token-bimtek-calendar-{n:02d}-0123456789"
    opened = make_bimtek(invite=[(skpd_a, 3)], title="Bimtek Terbuka Pertama")
    opened.room = "Aula Bappeda"
    services.add_item(opened.days[0], time(9), time(10), "Pembukaan", "Aula",
                      [{"user_id": people["speaker"].id}, {"name": "Dr. Peneliti BRIN"}])
    draft = make_bimtek(invite=[(skpd_a, 3)], status="draft", title="Bimtek Rancangan",
                        days=((date(2026, 7, 20), time(8), time(12)),))
    withdrawn = make_bimtek(invite=[(skpd_a, 3), (skpd_b, 3)], title="Bimtek Tanpa Pertama",
                            days=((date(2026, 7, 22), time(8), time(12)),))
    services.withdraw(withdrawn.invitations[0], None)
    cancelled = make_bimtek(invite=[(skpd_a, 3)], title="Bimtek Urung",
                            days=((date(2026, 7, 24), time(8), time(12)),))
    services.cancel_event(cancelled, "Anggaran dialihkan", None)
    db.session.commit()
    return dict(people, skpd_a=skpd_a, skpd_b=skpd_b, open=opened, draft=draft,
                withdrawn=withdrawn, cancelled=cancelled)


TITLES = ("Bimtek Terbuka Pertama", "Bimtek Rancangan", "Bimtek Tanpa Pertama", "Bimtek Urung")


def shown(login, user, **args):
    """The titles of Bimtek events on the July calendar page of ``user`` (month and agenda)."""
    client = login(user)
    found = []
    for view in ("month", "agenda"):
        query = "&".join(f"{k}={v}" for k, v in {"month": "2026-07", "view": view,
                                                 **args}.items())
        response = client.get(f"/coaching/calendar?{query}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        found.append({title for title in TITLES if title in page})
    assert found[0] == found[1]
    return found[0]


# ---------------------------------------------------------------- the calendar pages

def test_staff_see_every_event_day_drafts_marked(cal, login):
    assert shown(login, cal["staff"]) == set(TITLES)
    page = login(cal["staff"]).get("/coaching/calendar?month=2026-07").get_data(as_text=True)
    cell = page.split('data-date="2026-07-15"', 1)[1].split("</td>", 1)[0]
    assert "Bimtek Terbuka Pertama" in cell and f'/bimtek/{cal["open"].id}"' in cell
    assert "08.00 WITA" in cell
    day_two = page.split('data-date="2026-07-16"', 1)[1].split("</td>", 1)[0]
    assert "Bimtek Terbuka Pertama" in day_two
    draft = page.split('data-date="2026-07-20"', 1)[1].split("</td>", 1)[0]
    assert "Draf" in draft
    cancelled = page.split('data-date="2026-07-24"', 1)[1].split("</td>", 1)[0]
    assert "<s>Bimtek Urung</s>" in cancelled and "Dibatalkan" in cancelled


def test_contacts_see_only_announced_events_their_skpd_is_still_invited_to(cal, login):
    assert shown(login, cal["contact_a"]) == {"Bimtek Terbuka Pertama", "Bimtek Urung"}
    assert shown(login, cal["contact_b"]) == {"Bimtek Tanpa Pertama"}


def test_staff_filter_by_skpd_and_trainer(cal, login):
    assert shown(login, cal["staff"], skpd=cal["skpd_b"].id) == {"Bimtek Tanpa Pertama"}
    assert shown(login, cal["staff"], trainer=cal["speaker"].id) == {"Bimtek Terbuka Pertama"}
    assert shown(login, cal["staff"], trainer=cal["other_trainer"].id) == set()


def test_trainers_see_their_own_events_or_every_announced_one(cal, login, url):
    assert shown(login, cal["speaker"]) == {"Bimtek Terbuka Pertama"}
    assert shown(login, cal["other_trainer"]) == set()
    every = {"Bimtek Terbuka Pertama", "Bimtek Tanpa Pertama", "Bimtek Urung"}
    assert shown(login, cal["other_trainer"], scope="semua") == every
    page = login(cal["other_trainer"]).get(
        "/coaching/calendar?month=2026-07&scope=semua").get_data(as_text=True)
    # The schedule only: no link to an event page a trainer who does not speak cannot open.
    assert url("bimtek.detail", event_id=cal["open"].id) + '"' not in page


# ---------------------------------------------------------------- the personal feed

def feed(client, user):
    response = client.get(f"/coaching/feed/{user.calendar_token}.ics")
    assert response.status_code == 200
    cal = Calendar.from_ical(response.data)
    assert "METHOD" not in cal
    return {str(e["uid"]): e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("bimtek-")}


def uid(event, day):
    return f"bimtek-{event.id}-{day.isoformat()}@klinik-inovasi"


def test_contact_feed_holds_the_invited_event_days_with_stable_uids(cal, client):
    events = feed(client, cal["contact_a"])
    opened, cancelled = cal["open"], cal["cancelled"]
    assert set(events) == {uid(opened, date(2026, 7, 15)), uid(opened, date(2026, 7, 16)),
                           uid(cancelled, date(2026, 7, 24))}
    first = events[uid(opened, date(2026, 7, 15))]
    assert first.decoded("dtstart") == at(date(2026, 7, 15), 8)
    assert first["dtstart"].params["TZID"] == "Asia/Makassar"
    assert first.decoded("dtend") == at(date(2026, 7, 15), 16)
    assert str(first["summary"]) == "Bimtek Terbuka Pertama"
    assert str(first["status"]) == "CONFIRMED"
    assert "09.00-10.00 Pembukaan" in str(first["description"])
    assert str(events[uid(cancelled, date(2026, 7, 24))]["status"]) == "CANCELLED"
    assert feed(client, cal["contact_a"]).keys() == events.keys()  # the same UIDs every time


def test_other_skpd_feed_never_holds_events_it_is_not_invited_to(cal, client):
    assert set(feed(client, cal["contact_b"])) == {uid(cal["withdrawn"], date(2026, 7, 22))}


def test_trainer_feed_holds_the_events_where_they_speak(cal, client):
    assert set(feed(client, cal["speaker"])) == {uid(cal["open"], date(2026, 7, 15)),
                                                 uid(cal["open"], date(2026, 7, 16))}
    assert feed(client, cal["other_trainer"]) == {}


def test_staff_feed_holds_every_event_a_draft_as_tentative(cal, client):
    events = feed(client, cal["staff"])
    assert len(events) == 5
    draft = events[uid(cal["draft"], date(2026, 7, 20))]
    assert str(draft["status"]) == "TENTATIVE" and "Draf" in str(draft["summary"])


# ---------------------------------------------------------------- clashes: session -> event

def check(day, start, end, **people):
    values = dict(skpd_ids=[], trainer_ids=[], room="")
    values.update(people)
    return check_schedule(at(day, start), at(day, end), tz="Asia/Makassar", **values)


def test_a_session_on_an_event_day_warns_of_speaker_room_and_invited_skpd(cal):
    found = check(date(2026, 7, 15), 13, 15, skpd_ids=[cal["skpd_a"].id],
                  trainer_ids=[cal["speaker"].id], room=" aula bappeda")
    messages = {w.kind: str(w) for w in found if w.kind.startswith("clash")}
    assert messages == {
        "clash_trainer": 'Narasumber Bu Rina mengisi bimtek "Bimtek Terbuka Pertama" '
                         "(Rabu, 15 Juli 2026 09.00–10.00 WITA).",
        "clash_skpd": 'Dinas Pertama diundang ke bimtek "Bimtek Terbuka Pertama" '
                      "(Rabu, 15 Juli 2026 08.00–16.00 WITA).",
        "clash_room": 'Aula Bappeda sudah dipakai bimtek "Bimtek Terbuka Pertama" '
                      "(Rabu, 15 Juli 2026 08.00–16.00 WITA)."}
    assert all(w.blocking for w in found if w.kind.startswith("clash"))


@pytest.mark.parametrize("day, start, end, who", [
    (date(2026, 7, 15), 16, 17, "speaker"),  # after the event day
    (date(2026, 7, 16), 9, 10, "speaker"),  # the trainer does not speak on day two
    (date(2026, 7, 15), 9, 10, "other_trainer"),
    (date(2026, 7, 24), 9, 10, "speaker"),  # the cancelled event
])
def test_no_warning_outside_the_day_or_for_others(cal, day, start, end, who):
    found = check(day, start, end, trainer_ids=[cal[who].id], skpd_ids=[cal["skpd_b"].id],
                  room="Ruang Lain")
    assert [w for w in found if w.kind.startswith("clash")] == []


def test_a_withdrawn_skpd_is_not_invited_any_more(cal):
    found = check(date(2026, 7, 22), 9, 10, skpd_ids=[cal["skpd_a"].id, cal["skpd_b"].id])
    assert [str(w) for w in found if w.kind == "clash_skpd"] == [
        'Dinas Kedua diundang ke bimtek "Bimtek Tanpa Pertama" (Rabu, 22 Juli 2026 '
        "08.00–12.00 WITA)."]


def test_the_session_form_warns_and_saves_only_when_confirmed(world, client, auth):
    found = world.add_bimtek()  # 3 Feb 2027 08-16, Aula Bappeda, the trainer speaks 09-10
    auth.login_as(world.staff)
    data = {"title": "Klinik saat bimtek", "skpds": [world.skpd.id],
            "trainers": [world.trainer.id], "date": "2027-02-03", "start": "13:00",
            "end": "15:00", "timezone": "Asia/Makassar", "room": "Aula Bappeda",
            "place": "", "online_url": "", "agenda": "", "repeat": "none"}
    page = client.post("/coaching/new", data=data).get_data(as_text=True)
    assert "Bentrok" in page and "mengisi bimtek" in page and "diundang ke bimtek" in page
    assert "sudah dipakai bimtek" in page and found.event.title in page
    saved = select(CoachingSession).where(CoachingSession.title == "Klinik saat bimtek")
    assert db.session.scalars(saved).all() == []
    assert client.post("/coaching/new", data={**data, "confirm": "y"}).status_code == 302
    assert len(db.session.scalars(saved).all()) == 1


# ---------------------------------------------------------------- clashes: event -> session

def test_an_event_day_in_a_booked_room_and_a_busy_speaker_are_warned(world, client, auth):
    """The world's session: Tuesday 7 July 2026 09.00-11.00 WITA, Ruang Rapat 1, coached by
    the world's trainer."""
    auth.login_as(world.staff)
    response = client.post("/bimtek/baru", data={
        "title": "Bimtek di Ruang Rapat", "room": "ruang rapat 1",
        "days-0-day_on": "2026-07-07", "days-0-starts": "08:00", "days-0-ends": "16:00"},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    when = "Selasa, 7 Juli 2026 09.00–11.00 WITA"
    room = f"Ruang Rapat 1 sudah dipakai sesi &#34;Klinik Inovasi Dinas Pertama&#34; ({when})."
    assert response.status_code == 200 and room in page
    event = db.session.scalars(select(BimtekEvent)).one()  # saved: a warning, not a refusal
    response = client.post(f"/bimtek/{event.id}/agenda/tambah", data={
        "day": event.days[0].id, "starts": "10:30", "ends": "11:30", "title": "Materi",
        "trainers": [world.trainer.id]}, follow_redirects=True)
    speaker = (f"Narasumber {world.trainer.name} sudah dijadwalkan pada sesi "
               f"&#34;Klinik Inovasi Dinas Pertama&#34; ({when}).")
    assert speaker in response.get_data(as_text=True)
    assert len(event.days[0].items) == 1


def test_a_speaker_after_the_session_is_not_warned(world, client, auth):
    event = services.create_event({"title": "Bimtek Sore"},
                                  [(date(2026, 7, 7), time(8), time(16))], world.staff)
    services.add_item(event.days[0], time(13), time(14), "Materi",
                      speakers=[{"user_id": world.trainer.id}])
    db.session.commit()
    assert [str(w) for w in services.agenda_warnings(event)] == []
    services.add_item(event.days[0], time(10), time(12), "Materi pagi",
                      speakers=[{"user_id": world.trainer.id}])
    assert len(services.agenda_warnings(event)) == 1
    event.status = "cancelled"
    assert services.agenda_warnings(event) == []
