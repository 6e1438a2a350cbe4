"""Schedule checks, table-driven: weekends, holidays, closed dates, office hours and clashes."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clinic.coaching.checks import check_schedule
from clinic.coaching.models import CoachingSession, SessionStatus
from clinic.extensions import db
from clinic.workdays import ClosedDate

WITA = ZoneInfo("Asia/Makassar")


def at(day, hour, minute=0, zone=WITA):
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(timezone.utc)


@pytest.fixture(autouse=True)
def before_the_sessions():
    """Plan in June 2026, before every session of this module (a past start warns)."""
    with time_machine.travel(datetime(2026, 6, 1, 0, 0, tzinfo=timezone.utc), tick=False):
        yield


@pytest.fixture
def planned(app, make_user, make_skpd):
    """An existing session: Tuesday 7 July 2026 09.00-11.00 WITA, trainer, SKPD A, Ruang Rapat 1."""
    skpd, other_skpd = make_skpd(name="Dinas Pertama"), make_skpd(name="Dinas Kedua")
    trainer, other_trainer = make_user("trainer", name="Bu Rina"), make_user("trainer")
    session = CoachingSession(title="Klinik Dinas Pertama", skpds=[skpd], trainers=[trainer],
                              starts_at=at(date(2026, 7, 7), 9), ends_at=at(date(2026, 7, 7), 11),
                              room="Ruang Rapat 1")
    closed = ClosedDate(closed_on=date(2026, 12, 24), name="Cuti bersama Natal")
    db.session.add_all([session, closed])
    db.session.commit()
    return {"session": session, "skpd": skpd, "other_skpd": other_skpd, "trainer": trainer,
            "other_trainer": other_trainer}


TUE, WED = date(2026, 7, 7), date(2026, 7, 8)
CASES = [
    # (name, day, start, end, skpd, trainer, room, expected kinds)
    ("weekday ok", WED, (9, 0), (11, 0), "skpd", "trainer", "Ruang Rapat 1", []),
    ("saturday", date(2026, 7, 11), (9, 0), (11, 0), "other_skpd", "other_trainer", None,
     ["weekend"]),
    ("independence day", date(2026, 8, 17), (9, 0), (11, 0), "other_skpd", "other_trainer", None,
     ["holiday"]),
    ("closed date", date(2026, 12, 24), (9, 0), (11, 0), "other_skpd", "other_trainer", None,
     ["closed"]),
    ("starts 07.00", WED, (7, 0), (9, 0), "other_skpd", "other_trainer", None, ["office_hours"]),
    ("ends 17.00", WED, (15, 0), (17, 0), "other_skpd", "other_trainer", None, ["office_hours"]),
    ("same trainer overlaps", TUE, (10, 0), (12, 0), "other_skpd", "trainer", None,
     ["clash_trainer"]),
    ("same SKPD overlaps", TUE, (8, 0), (9, 30), "skpd", "other_trainer", None, ["clash_skpd"]),
    ("same room overlaps", TUE, (10, 30), (11, 30), "other_skpd", "other_trainer",
     "  ruang RAPAT 1 ", ["clash_room"]),
    ("all three overlap", TUE, (9, 0), (11, 0), "skpd", "trainer", "Ruang Rapat 1",
     ["clash_trainer", "clash_skpd", "clash_room"]),
    ("touching end == start", TUE, (11, 0), (12, 0), "skpd", "trainer", "Ruang Rapat 1", []),
    ("touching start == end", TUE, (8, 0), (9, 0), "skpd", "trainer", "Ruang Rapat 1", []),
    ("end before start", WED, (11, 0), (9, 0), "skpd", "trainer", None, ["end_before_start"]),
]


@pytest.mark.parametrize("name,day,start,end,skpd,trainer,room,expected", CASES,
                         ids=[c[0] for c in CASES])
def test_schedule_rules(app, planned, name, day, start, end, skpd, trainer, room, expected):
    with app.test_request_context():
        warnings = check_schedule(at(day, *start), at(day, *end), skpd_ids=[planned[skpd].id],
                                  trainer_ids=[planned[trainer].id], room=room, tz="Asia/Makassar")
        assert [w.kind for w in warnings] == expected
        assert all(w.blocking == w.kind.startswith(("clash", "end_before")) for w in warnings)
        assert all(str(w.message) for w in warnings)


def test_messages_name_the_day_holiday_and_clashing_session(app, planned):
    with app.test_request_context():
        weekend, = check_schedule(at(date(2026, 7, 11), 9), at(date(2026, 7, 11), 11),
                                  skpd_ids=[], trainer_ids=[], room=None, tz="Asia/Makassar")
        assert "Sabtu, 11 Juli 2026" in str(weekend)
        holiday, = check_schedule(at(date(2026, 8, 17), 9), at(date(2026, 8, 17), 11),
                                  skpd_ids=[], trainer_ids=[], room=None, tz="Asia/Makassar")
        assert "Kemerdekaan" in str(holiday)
        clash, = check_schedule(at(TUE, 10), at(TUE, 12), skpd_ids=[],
                                trainer_ids=[planned["trainer"].id], room=None, tz="Asia/Jakarta",
                                )
        # The clashing session's time in the zone asked for (WIB here), the zone named.
        assert "Bu Rina" in str(clash) and "Klinik Dinas Pertama" in str(clash)
        assert "08.00–10.00 WIB" in str(clash)


def test_cancelled_session_does_not_clash(app, planned):
    planned["session"].status = SessionStatus.CANCELLED
    db.session.commit()
    with app.test_request_context():
        assert check_schedule(at(TUE, 9), at(TUE, 11), skpd_ids=[planned["skpd"].id],
                              trainer_ids=[planned["trainer"].id], room="Ruang Rapat 1",
                              tz="Asia/Makassar") == []


def test_editing_a_session_does_not_clash_with_itself(app, planned):
    session = planned["session"]
    with app.test_request_context():
        kwargs = dict(skpd_ids=[planned["skpd"].id], trainer_ids=[planned["trainer"].id],
                      room="Ruang Rapat 1", tz="Asia/Makassar")
        assert len(check_schedule(at(TUE, 10), at(TUE, 12), **kwargs)) == 3
        assert check_schedule(at(TUE, 10), at(TUE, 12), exclude_session_id=session.id,
                              **kwargs) == []


def test_office_hours_come_from_config(app, planned):
    app.config["OFFICE_HOURS"] = (time(7, 0), time(15, 0))
    with app.test_request_context():
        kinds = [w.kind for w in check_schedule(at(WED, 7), at(WED, 9), skpd_ids=[],
                                                trainer_ids=[], room=None, tz="Asia/Makassar")]
        assert kinds == []
        late, = check_schedule(at(WED, 14), at(WED, 16), skpd_ids=[], trainer_ids=[], room=None,
                               tz="Asia/Makassar")
        assert late.kind == "office_hours" and "07.00–15.00 WITA" in str(late)


def test_a_start_in_the_past_warns_without_blocking(planned):
    now = at(WED, 12)
    past, = check_schedule(at(WED, 9), at(WED, 11), skpd_ids=[], trainer_ids=[], room=None,
                           tz=WITA, now=now)
    assert (past.kind, past.blocking) == ("past", False)
    assert "sudah lewat" in str(past)
    assert check_schedule(at(WED, 13), at(WED, 15), skpd_ids=[], trainer_ids=[], room=None,
                          tz=WITA, now=now) == []
