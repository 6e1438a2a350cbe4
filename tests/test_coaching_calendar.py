"""The session calendar: local days, day-off markers, filters, scoping, query count, home pages."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from flask import url_for
from sqlalchemy import event

from clinic.coaching.calendar import month_grid, sessions_between
from clinic.coaching.models import CoachingSession, SessionNote
from clinic.extensions import db
from clinic.workdays import ClosedDate

UTC = timezone.utc
NOW = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)  # Rabu, 1 Juli 2026 09.00 WITA


@pytest.fixture
def people(make_user, make_skpd):
    skpd_a, skpd_b = make_skpd(name="Dinas Kesehatan"), make_skpd(name="Dinas Pendidikan")
    return {
        "skpd_a": skpd_a, "skpd_b": skpd_b,
        "contact_a": make_user("contact", skpd=skpd_a),
        "contact_b": make_user("contact", skpd=skpd_b),
        "staff": make_user("staff"),
        "trainer": make_user("trainer", name="Narasumber Satu"),
        "other_trainer": make_user("trainer", name="Narasumber Dua"),
        "wib_staff": make_user("staff", timezone="Asia/Jakarta"),
    }


@pytest.fixture
def make_session(app):
    def make(title, starts_at, skpds, trainers, hours=2, status="planned"):
        session = CoachingSession(title=title, starts_at=starts_at,
                                  ends_at=starts_at + timedelta(hours=hours), skpds=list(skpds),
                                  trainers=list(trainers), status=status)
        db.session.add(session)
        db.session.commit()
        return session

    return make


def _cell(body, day):
    """The HTML of the month grid's cell for ``day``."""
    match = re.search(rf'data-date="{day}"(.*?)</td>', body, re.S)
    assert match, f"no cell for {day}"
    return match.group(1)


def _calendar(client, **params):
    response = client.get("/coaching/calendar", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# -- the month grid -------------------------------------------------------------------------------

def test_month_grid_puts_a_session_on_the_viewers_local_day(app, people, make_session):
    # 2026-07-07 00.30 WITA is 2026-07-06 23.30 WIB.
    late = make_session("Klinik tengah malam", datetime(2026, 7, 6, 16, 30, tzinfo=UTC),
                        [people["skpd_a"]], [people["trainer"]])
    days = {d.on: d for week in month_grid(2026, 7, [late], "Asia/Makassar") for d in week}
    assert days[date(2026, 7, 7)].sessions == [late]
    assert days[date(2026, 7, 6)].sessions == []
    days = {d.on: d for week in month_grid(2026, 7, [late], "Asia/Jakarta") for d in week}
    assert days[date(2026, 7, 6)].sessions == [late]
    assert days[date(2026, 7, 7)].sessions == []


def test_month_grid_is_monday_first_and_marks_days_off(app):
    db.session.add(ClosedDate(closed_on=date(2026, 8, 18), name="Cuti bersama contoh"))
    db.session.commit()
    weeks = month_grid(2026, 8, [], "Asia/Makassar")
    assert all(len(week) == 7 for week in weeks)
    assert weeks[0][0].on == date(2026, 7, 27) and weeks[0][0].on.weekday() == 0
    assert not weeks[0][0].in_month and weeks[-1][-1].on == date(2026, 9, 6)
    days = {d.on: d for week in weeks for d in week}
    assert days[date(2026, 8, 17)].holiday == "Hari Kemerdekaan Republik Indonesia"
    assert days[date(2026, 8, 18)].holiday == "Cuti bersama contoh"
    assert days[date(2026, 8, 18)].is_off
    assert days[date(2026, 8, 22)].is_weekend and days[date(2026, 8, 22)].is_off
    assert not days[date(2026, 8, 19)].is_off


def test_month_grid_reads_closed_dates_once(app):
    db.session.add_all([ClosedDate(closed_on=date(2026, 8, d), name=f"Tutup {d}")
                        for d in (3, 4, 5)])
    db.session.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        month_grid(2026, 8, [], "Asia/Makassar")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1


# -- the calendar page ----------------------------------------------------------------------------

def test_wib_viewer_sees_the_session_on_the_previous_day_with_wib(client, auth, people,
                                                                   make_session):
    make_session("Klinik tengah malam", datetime(2026, 7, 6, 16, 30, tzinfo=UTC),
                 [people["skpd_a"]], [people["trainer"]])
    auth.login_as(people["wib_staff"])
    body = _calendar(client, month="2026-07")
    assert "Klinik tengah malam" in _cell(body, "2026-07-06")
    assert "23.30 WIB" in _cell(body, "2026-07-06")
    assert "Klinik tengah malam" not in _cell(body, "2026-07-07")
    auth.logout()
    auth.login_as(people["staff"])
    body = _calendar(client, month="2026-07")
    assert "00.30 WITA" in _cell(body, "2026-07-07")
    assert "Klinik tengah malam" not in _cell(body, "2026-07-06")


def test_page_marks_holidays_closed_dates_and_cancelled_sessions(client, auth, people,
                                                                  make_session):
    db.session.add(ClosedDate(closed_on=date(2026, 8, 18), name="Cuti bersama contoh"))
    db.session.commit()
    session = make_session("Klinik batal", datetime(2026, 8, 19, 1, 0, tzinfo=UTC),
                           [people["skpd_a"]], [people["trainer"]], status="cancelled")
    auth.login_as(people["staff"])
    body = _calendar(client, month="2026-08")
    assert "Hari Kemerdekaan Republik Indonesia" in _cell(body, "2026-08-17")
    assert "bg-light" in body.split('data-date="2026-08-17"')[0].rsplit("<td", 1)[1]
    assert "Cuti bersama contoh" in _cell(body, "2026-08-18")
    cell = _cell(body, "2026-08-19")
    assert "<s>Klinik batal</s>" in cell and "Dibatalkan" in cell
    with client.application.test_request_context():
        assert f'href="{url_for("coaching.detail", session_id=session.id)}"' in cell


def test_month_grid_shows_the_neighbouring_months_days(client, auth, people, make_session):
    make_session("Sesi Akhir Juli", datetime(2026, 7, 29, 1, 0, tzinfo=UTC), [people["skpd_a"]],
                 [people["trainer"]])
    auth.login_as(people["staff"])
    assert "Sesi Akhir Juli" in _cell(_calendar(client, month="2026-08"), "2026-07-29")
    body = _calendar(client, month="2026-08", view="agenda")
    assert "Sesi Akhir Juli" not in body and "Belum ada sesi pendampingan" in body


def test_invalid_month_falls_back_to_the_current_month(client, auth, people):
    with time_machine.travel(NOW, tick=False):
        auth.login_as(people["staff"])
        for bad in ("2026-13", "abc", "99999-01", "2026-7", "0000-00"):
            body = _calendar(client, month=bad)
            assert 'data-date="2026-07-15"' in body, bad
            assert "Juli 2026" in body


def test_navigation_links_keep_the_filters(client, auth, people):
    auth.login_as(people["staff"])
    body = _calendar(client, month="2026-01", skpd=people["skpd_a"].id)
    assert "month=2025-12" in body and "month=2026-02" in body
    nxt = re.search(r'href="([^"]*month=2026-02[^"]*)"', body).group(1)
    assert f"skpd={people['skpd_a'].id}" in nxt


def test_staff_filter_by_skpd_and_trainer(client, auth, people, make_session):
    start = datetime(2026, 7, 8, 1, 0, tzinfo=UTC)
    make_session("Sesi Kesehatan", start, [people["skpd_a"]], [people["trainer"]])
    make_session("Sesi Pendidikan", start + timedelta(days=1), [people["skpd_b"]],
                 [people["other_trainer"]])
    auth.login_as(people["staff"])
    body = _calendar(client, month="2026-07")
    assert "Sesi Kesehatan" in body and "Sesi Pendidikan" in body
    body = _calendar(client, month="2026-07", skpd=people["skpd_b"].id)
    assert "Sesi Kesehatan" not in body and "Sesi Pendidikan" in body
    body = _calendar(client, month="2026-07", trainer=people["trainer"].id)
    assert "Sesi Kesehatan" in body and "Sesi Pendidikan" not in body


def test_contact_sees_only_own_skpd_and_cannot_filter_it_away(client, auth, people,
                                                               make_session):
    start = datetime(2026, 7, 8, 1, 0, tzinfo=UTC)
    make_session("Sesi Kesehatan", start, [people["skpd_a"]], [people["trainer"]])
    make_session("Sesi Pendidikan", start, [people["skpd_b"]], [people["trainer"]])
    make_session("Sesi Bersama", start, [people["skpd_a"], people["skpd_b"]], [people["trainer"]])
    auth.login_as(people["contact_a"])
    body = _calendar(client, month="2026-07", skpd=people["skpd_b"].id)
    assert "Sesi Kesehatan" in body and "Sesi Bersama" in body
    assert "Sesi Pendidikan" not in body
    assert 'name="skpd"' not in body


def test_trainer_sees_own_sessions_by_default_and_all_on_request(client, auth, people,
                                                                  make_session):
    start = datetime(2026, 7, 8, 1, 0, tzinfo=UTC)
    make_session("Sesi Saya", start, [people["skpd_a"]], [people["trainer"]])
    make_session("Sesi Orang Lain", start, [people["skpd_b"]], [people["other_trainer"]])
    auth.login_as(people["trainer"])
    body = _calendar(client, month="2026-07")
    assert "Sesi Saya" in body and "Sesi Orang Lain" not in body
    body = _calendar(client, month="2026-07", scope="semua")
    assert "Sesi Saya" in body and "Sesi Orang Lain" in body
    body = _calendar(client, month="2026-07", scope="semua", skpd=people["skpd_b"].id)
    assert "Sesi Saya" not in body and "Sesi Orang Lain" in body


def test_agenda_lists_the_next_weeks_grouped_by_day(client, auth, people, make_session):
    make_session("Sesi Besok", datetime(2026, 7, 2, 1, 0, tzinfo=UTC), [people["skpd_a"]],
                 [people["trainer"]])
    make_session("Sesi Jauh", datetime(2026, 9, 2, 1, 0, tzinfo=UTC), [people["skpd_a"]],
                 [people["trainer"]])
    make_session("Sesi Lalu", datetime(2026, 6, 20, 1, 0, tzinfo=UTC), [people["skpd_a"]],
                 [people["trainer"]])
    with time_machine.travel(NOW, tick=False):
        auth.login_as(people["staff"])
        body = _calendar(client, view="agenda")
    assert "Kamis, 2 Juli 2026" in body
    assert "Sesi Besok" in body and "09.00–11.00 WITA" in body
    assert "Sesi Jauh" not in body and "Sesi Lalu" not in body
    # Agenda comes first in the tabs, for phones.
    assert body.index("view=agenda") < body.index("view=month")


def test_sessions_between_filters(app, people, make_session):
    start = datetime(2026, 7, 8, 1, 0, tzinfo=UTC)
    mine = make_session("A", start, [people["skpd_a"]], [people["trainer"]])
    other = make_session("B", start, [people["skpd_b"]], [people["other_trainer"]])
    window = (datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC))
    assert sessions_between(people["trainer"], *window, own_only=True) == [mine]
    assert set(sessions_between(people["trainer"], *window)) == {mine, other}
    assert sessions_between(people["contact_b"], *window) == [other]
    assert sessions_between(people["staff"], *window,
                            trainer_id=people["other_trainer"].id) == [other]
    assert sessions_between(people["staff"], datetime(2026, 8, 1, tzinfo=UTC),
                            datetime(2026, 9, 1, tzinfo=UTC)) == []


def test_month_view_query_count_does_not_grow_with_sessions(client, auth, people, make_session):
    def add(n, offset):
        for k in range(n):
            make_session(f"Sesi {offset + k:02d}",
                         datetime(2026, 7, 1 + (offset + k) % 28, 1, 0, tzinfo=UTC),
                         [people["skpd_a"], people["skpd_b"]], [people["trainer"]])

    def count():
        db.session.expire_all()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            body = _calendar(client, month="2026-07")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return body, len(statements)

    auth.login_as(people["staff"])
    add(3, 0)
    body, few = count()
    assert "Sesi 02" in body
    add(27, 3)
    body, many = count()
    assert "Sesi 29" in body
    assert many == few, (few, many)


# -- home pages -----------------------------------------------------------------------------------

def test_trainer_home_lists_upcoming_and_unsigned_sessions(client, auth, people, make_session):
    trainer = people["trainer"]
    make_session("Sesi Minggu Depan", datetime(2026, 7, 6, 1, 0, tzinfo=UTC), [people["skpd_a"]],
                 [trainer])
    make_session("Sesi Bulan Depan", datetime(2026, 8, 20, 1, 0, tzinfo=UTC), [people["skpd_a"]],
                 [trainer])
    make_session("Sesi Orang Lain", datetime(2026, 7, 6, 1, 0, tzinfo=UTC), [people["skpd_b"]],
                 [people["other_trainer"]])
    make_session("Sesi Lalu Belum", datetime(2026, 6, 20, 1, 0, tzinfo=UTC), [people["skpd_a"]],
                 [trainer], status="held")
    signed = make_session("Sesi Lalu Sudah", datetime(2026, 6, 22, 1, 0, tzinfo=UTC),
                          [people["skpd_a"]], [trainer], status="held")
    db.session.add(SessionNote(session=signed, body="x", signed_off_at=NOW - timedelta(days=5)))
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        auth.login_as(trainer)
        body = client.get("/").get_data(as_text=True)
    assert "Sesi Minggu Depan" in body and "Senin, 6 Juli 2026" in body
    assert "Sesi Bulan Depan" not in body and "Sesi Orang Lain" not in body
    assert "Notulen belum ditandatangani" in body
    assert "Sesi Lalu Belum" in body and "Sesi Lalu Sudah" not in body


def test_trainer_home_empty_state(client, auth, people):
    auth.login_as(people["trainer"])
    body = client.get("/").get_data(as_text=True)
    assert "Belum ada sesi pendampingan yang ditugaskan kepada Anda" in body
    assert "Notulen belum ditandatangani" not in body


def test_staff_home_shows_this_weeks_sessions(client, auth, people, make_session):
    make_session("Sesi Minggu Ini", datetime(2026, 7, 3, 1, 0, tzinfo=UTC), [people["skpd_a"]],
                 [people["trainer"]])
    make_session("Sesi Nanti", datetime(2026, 7, 20, 1, 0, tzinfo=UTC), [people["skpd_a"]],
                 [people["trainer"]])
    with time_machine.travel(NOW, tick=False):
        auth.login_as(people["staff"])
        body = client.get("/").get_data(as_text=True)
    assert "Jadwal minggu ini" in body and "Sesi Minggu Ini" in body
    assert "Sesi Nanti" not in body
    assert "/coaching/calendar" in body and "Jadwalkan Coaching Clinic" in body


def test_home_pages_query_count_does_not_grow_with_sessions(client, auth, people, make_session):
    def add(n):
        for k in range(n):
            for day in (3, 25):  # one upcoming, one past with notes not signed off
                make_session(f"Sesi {day}-{k}", datetime(2026, 6 + (day == 3), day, 1, 0,
                                                          tzinfo=UTC),
                             [people["skpd_a"], people["skpd_b"]], [people["trainer"]])

    def count():
        db.session.expire_all()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            client.get("/")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    with time_machine.travel(NOW, tick=False):
        add(2)
        auth.login_as(people["trainer"])
        trainer_few = count()
        auth.logout()
        auth.login_as(people["staff"])
        staff_few = count()
        add(8)
        assert count() == staff_few
        auth.logout()
        auth.login_as(people["trainer"])
        assert count() == trainer_few
