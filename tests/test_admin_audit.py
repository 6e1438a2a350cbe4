"""The audit log page: newest first, filters, the viewer's time zone, compact changes."""
from datetime import datetime, timezone

import pytest

from clinic.audit import AuditEvent
from clinic.extensions import db


def _event(action, when, actor_email="staf@example.go.id", object_type="skpds", object_id="7",
           changes=None, summary=None, ip="10.0.0.5"):
    event = AuditEvent(action=action, created_at=when, actor_email=actor_email, actor_role="staff",
                       object_type=object_type, object_id=object_id, changes=changes,
                       summary=summary, ip=ip)
    db.session.add(event)
    db.session.commit()
    return event


def _utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def viewer(auth, make_user):
    user = make_user(role="admin", email="pemeriksa@example.test")
    auth.login_as(user)
    return user


@pytest.mark.parametrize("role", ["trainer", "contact"])
def test_trainer_and_contact_are_refused(client, auth, make_user, role):
    auth.login_as(make_user(role=role))
    assert client.get("/admin/audit/").status_code == 403


def test_staff_may_read(client, auth, make_user):
    auth.login_as(make_user(role="staff"))
    assert client.get("/admin/audit/").status_code == 200


def test_newest_first_with_changes_ip_and_role(client, viewer):
    _event("skpd_created", _utc(2026, 3, 1, 1, 0), summary="DINKES-LAMA")
    _event("skpd_updated", _utc(2026, 3, 2, 1, 0), summary="DINKES",
           changes={"name": ["Dinas Kesehatan", "Dinas Kesehatan Kota"], "head_email": [None, "k@x.id"]})
    body = client.get("/admin/audit/?action=skpd_created").get_data(as_text=True)
    assert "DINKES-LAMA" in body
    body = client.get("/admin/audit/?object_type=skpds").get_data(as_text=True)
    assert body.index("<code>skpd_updated</code>") < body.index("<code>skpd_created</code>")
    assert "<code>name</code>: Dinas Kesehatan → Dinas Kesehatan Kota" in body
    assert "<code>head_email</code>: - → k@x.id" in body
    assert "10.0.0.5" in body and "Staf Bappeda" in body
    assert 'href="/admin/skpd/7"' in body


def test_time_is_shown_in_the_viewers_zone(client, auth, make_user):
    _event("skpd_created", _utc(2026, 7, 14, 2, 0))
    auth.login_as(make_user(role="staff", timezone="Asia/Jakarta"))
    body = client.get("/admin/audit/?action=skpd_created").get_data(as_text=True)
    assert "Selasa, 14 Juli 2026 09.00 WIB" in body


def test_filters(client, viewer):
    _event("user_created", _utc(2026, 1, 10, 3), actor_email="rina@bappeda.example.go.id",
           object_type="users", summary="satu@example.go.id")
    _event("user_updated", _utc(2026, 1, 20, 3), actor_email="budi@bappeda.example.go.id",
           object_type="users", summary="dua@example.go.id")
    _event("skpd_updated", _utc(2026, 2, 5, 3), actor_email="rina@bappeda.example.go.id",
           summary="tiga-skpd")
    body = client.get("/admin/audit/?actor=RINA@").get_data(as_text=True)
    assert "satu@" in body and "tiga-skpd" in body and "dua@" not in body
    body = client.get("/admin/audit/?object_type=users").get_data(as_text=True)
    assert "satu@" in body and "dua@" in body and "tiga-skpd" not in body
    body = client.get("/admin/audit/?date_from=2026-01-15&date_to=2026-01-31").get_data(as_text=True)
    assert "dua@" in body and "satu@" not in body and "tiga-skpd" not in body
    body = client.get("/admin/audit/?action=user_created&actor=budi").get_data(as_text=True)
    assert "Tidak ada catatan audit yang cocok" in body


def test_date_range_uses_the_viewers_days(client, auth, make_user):
    # 23:30 UTC on 31 January is already 1 February in Makassar (UTC+8).
    _event("skpd_updated", _utc(2026, 1, 31, 23, 30), summary="lewat-tengah-malam")
    auth.login_as(make_user(role="staff"))
    assert "lewat-tengah-malam" in client.get("/admin/audit/?date_from=2026-02-01&date_to=2026-02-01").get_data(as_text=True)
    assert "lewat-tengah-malam" not in client.get("/admin/audit/?date_to=2026-01-31").get_data(as_text=True)


def test_bad_filters_get_a_message_not_an_error(client, viewer):
    _event("skpd_updated", _utc(2026, 1, 5, 3), summary="tetap-tampil")
    response = client.get("/admin/audit/?date_from=kemarin&date_to=2026-01-01&action=%27%3B--&page=x")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Tanggal tidak valid." in body
    response = client.get("/admin/audit/?date_from=2026-02-01&date_to=2026-01-01")
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in response.get_data(as_text=True)


def test_pagination_keeps_filters(app, client, viewer):
    app.config["ITEMS_PER_PAGE"] = 2
    for day in range(1, 6):
        _event("skpd_updated", _utc(2026, 1, day, 3), summary=f"hari-{day}")
    first = client.get("/admin/audit/?action=skpd_updated").get_data(as_text=True)
    assert "hari-5" in first and "hari-4" in first and "hari-3" not in first
    assert "Menampilkan 1-2 dari 5" in first
    assert "action=skpd_updated" in first and "page=2" in first
    last = client.get("/admin/audit/?action=skpd_updated&page=3").get_data(as_text=True)
    assert "hari-1" in last and "hari-2" not in last


def test_admin_actions_land_in_the_log(client, viewer):
    client.post("/admin/skpd/new", data={"code": "DINKES", "name": "Dinas Kesehatan",
                                         "short_name": "Dinkes", "kind": "dinas"})
    body = client.get("/admin/audit/").get_data(as_text=True)
    assert "skpd_created" in body and "pemeriksa@example.test" in body
    assert "<code>code</code>: - → DINKES" in body
