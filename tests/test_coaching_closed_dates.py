"""Office closed dates: add, duplicate refused, delete, access, audit, effect on the calendar."""
from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from clinic.audit import AuditEvent
from clinic.extensions import db
from clinic.workdays import ClosedDate, is_working_day


@pytest.fixture
def staff(make_user):
    return make_user("staff")


@time_machine.travel(date(2026, 11, 2), tick=False)
def test_staff_add_a_closed_date(client, auth, staff):
    auth.login_as(staff)
    response = client.post("/coaching/closed-dates",
                           data={"closed_on": "2026-12-24", "name": "Cuti bersama Natal"})
    assert response.status_code == 302
    row = db.session.scalars(select(ClosedDate)).one()
    assert row.closed_on == date(2026, 12, 24) and row.name == "Cuti bersama Natal"
    assert row.created_by_id == staff.id
    assert not is_working_day(date(2026, 12, 24))
    audit = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "closed_date_added")).one()
    assert audit.actor_id == staff.id and "2026-12-24" in audit.summary
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cuti bersama Natal" in body and "Kamis, 24 Desember 2026" in body


def test_duplicate_date_is_refused_and_input_kept(client, auth, staff):
    db.session.add(ClosedDate(closed_on=date(2026, 12, 24), name="Cuti bersama Natal"))
    db.session.commit()
    auth.login_as(staff)
    response = client.post("/coaching/closed-dates",
                           data={"closed_on": "2026-12-24", "name": "Libur daerah baru"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "sudah terdaftar sebagai tanggal tutup kantor" in body
    assert 'value="Libur daerah baru"' in body and 'value="2026-12-24"' in body
    assert db.session.scalars(select(ClosedDate.name)).all() == ["Cuti bersama Natal"]


def test_missing_fields_are_refused(client, auth, staff):
    auth.login_as(staff)
    response = client.post("/coaching/closed-dates", data={"closed_on": "bukan", "name": ""})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Isi keterangan." in body and "is-invalid" in body
    assert db.session.scalars(select(ClosedDate)).all() == []


def test_delete_a_closed_date(client, auth, make_user):
    admin = make_user("admin")
    row = ClosedDate(closed_on=date(2026, 12, 24), name="Cuti bersama Natal")
    db.session.add(row)
    db.session.commit()
    auth.login_as(admin)
    body = client.get("/coaching/closed-dates").get_data(as_text=True)
    assert f"/coaching/closed-dates/{row.id}/delete" in body and "data-confirm" in body
    response = client.post(f"/coaching/closed-dates/{row.id}/delete")
    assert response.status_code == 302
    assert db.session.scalars(select(ClosedDate)).all() == []
    assert is_working_day(date(2026, 12, 24))
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "closed_date_deleted")).one().actor_id == admin.id
    assert client.post(f"/coaching/closed-dates/{row.id}/delete").status_code == 404


@time_machine.travel(date(2026, 3, 2), tick=False)
def test_page_lists_national_holidays_read_only(client, auth, staff):
    auth.login_as(staff)
    body = client.get("/coaching/closed-dates").get_data(as_text=True)
    assert "Hari Libur & Cuti Bersama" in body and "Tanggal tutup kantor" in body
    assert "Hari Kemerdekaan Republik Indonesia" in body
    assert "Belum ada tanggal tutup kantor" in body


@pytest.mark.parametrize("role", ["trainer", "contact"])
def test_others_get_403(client, auth, make_user, role):
    row = ClosedDate(closed_on=date(2026, 12, 24), name="Cuti bersama Natal")
    db.session.add(row)
    db.session.commit()
    auth.login_as(make_user(role))
    assert client.get("/coaching/closed-dates").status_code == 403
    assert client.post("/coaching/closed-dates",
                       data={"closed_on": "2026-12-25", "name": "x"}).status_code == 403
    assert client.post(f"/coaching/closed-dates/{row.id}/delete").status_code == 403
    assert db.session.scalars(select(ClosedDate.name)).all() == ["Cuti bersama Natal"]


def test_anonymous_goes_to_login(client):
    response = client.get("/coaching/closed-dates")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
