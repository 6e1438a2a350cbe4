"""The review queue, verify and return, bulk verification, and the SPD items with assignment."""
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from clinic.audit import AuditEvent
from clinic.extensions import db
from clinic.reporting.models import ItemStatus, ReportItem
from clinic.reporting.services import add_link, create_innovation, save_item, submit_item

from test_reporting_items import fresh, item_of, outbox, text


def submitted(item, user, when):
    save_item(item, 1, None, user)
    add_link(item, "https://example.go.id/bukti", user)
    submit_item(item, user)
    item.submitted_at = when


def at(day, hour=9):
    return datetime(2026, 5, day, hour, tzinfo=timezone.utc)


@pytest.fixture
def queue_world(cycle, innovation, contact, other_contact):
    """SKPD A: SID-16 submitted 3 May, SID-17 submitted 1 May, SID-18 draft;
    SKPD B: 'Rapor Digital' SID-16 submitted 2 May."""
    other = create_innovation(other_contact.skpd, cycle, {"name": "Rapor Digital"}, other_contact)
    submitted(item_of(innovation, "SID-16"), contact, at(3))
    submitted(item_of(innovation, "SID-17"), contact, at(1))
    save_item(item_of(innovation, "SID-18"), 2, None, contact)
    submitted(item_of(other, "SID-16"), other_contact, at(2))
    db.session.commit()
    return innovation, other


def queue_items(client, **args):
    page = text(client.get("/review/", query_string=args))
    found = re.findall(r'name="item_ids" value="(\d+)"', page)
    return [db.session.get(ReportItem, int(i)) for i in found], page


def test_queue_lists_submitted_items_oldest_first_with_counts(queue_world, staff, login):
    innovation, other = queue_world
    items, page = queue_items(login(staff))
    assert [(i.innovation.name, i.indicator.code) for i in items] == [
        ("Sistem Antrean Puskesmas", "SID-17"), ("Rapor Digital", "SID-16"),
        ("Sistem Antrean Puskesmas", "SID-16")]
    assert "Diajukan</span> 3" in page and "Draf</span> 1" in page
    assert "Belum diisi</span> 36" in page  # 40 items, 3 submitted, 1 draft
    assert "Verifikasi terpilih" in page


def test_queue_filters(queue_world, staff, contact, other_contact, login):
    innovation, other = queue_world
    client = login(staff)
    items, _ = queue_items(client, skpd_id=other_contact.skpd_id)
    assert [i.innovation_id for i in items] == [other.id]
    items, _ = queue_items(client, code="SID-16")
    assert {i.indicator.code for i in items} == {"SID-16"} and len(items) == 2
    items, page = queue_items(client, q="antrean")
    assert {i.innovation_id for i in items} == {innovation.id} and len(items) == 2
    assert "Diajukan</span> 2" in page and "Belum diisi</span> 17" in page  # counts filtered too
    items, page = queue_items(client, status="draft")
    assert [i.indicator.code for i in items] == ["SID-18"]
    items, page = queue_items(client, q="100%_")
    assert items == [] and "Tidak ada butir yang cocok" in page
    items, _ = queue_items(client, status="nonsense")  # falls back to submitted
    assert len(items) == 3


def test_queue_paginates(app, queue_world, staff, login):
    app.config["ITEMS_PER_PAGE"] = 2
    client = login(staff)
    first, page = queue_items(client)
    second, _ = queue_items(client, page=2)
    assert len(first) == 2 and len(second) == 1
    assert "Menampilkan 1-2 dari 3" in page


def test_bulk_verify_verifies_submitted_and_skips_the_rest(queue_world, staff, login):
    innovation, other = queue_world
    a16, a17, a18 = (item_of(innovation, c) for c in ("SID-16", "SID-17", "SID-18"))
    client = login(staff)
    response = client.post("/review/verify", data={
        "item_ids": [str(a16.id), str(a18.id), str(a17.id)], "next": "/review/?code=SID-16"})
    assert response.status_code == 302 and response.headers["Location"] == "/review/?code=SID-16"
    assert (fresh(a16).status, fresh(a17).status, fresh(a18).status) == (
        ItemStatus.VERIFIED, ItemStatus.VERIFIED, ItemStatus.DRAFT)
    page = text(client.get("/review/"))
    assert "2 butir diverifikasi" in page
    assert "1 butir dilewati" in page and "SID-18 (Sistem Antrean Puskesmas)" in page
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "items_bulk_verified")).one()
    assert sorted(event.changes["verified"]) == sorted([a16.id, a17.id])
    assert event.changes["skipped"] == [a18.id]


def test_bulk_verify_refuses_foreign_redirects_and_empty_selection(queue_world, staff, login):
    client = login(staff)
    response = client.post("/review/verify", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/review/"
    assert "Pilih minimal satu butir" in text(client.get("/review/"))


def test_verify_or_return_a_non_submitted_item_changes_nothing(queue_world, staff, login):
    innovation, _ = queue_world
    draft = item_of(innovation, "SID-18")
    version = draft.version_id
    client = login(staff)
    client.post(f"/items/{draft.id}/verify")
    assert "Hanya butir berstatus Diajukan" in text(client.get(f"/items/{draft.id}"))
    response = client.post(f"/items/{draft.id}/return", data={"reason": "Kurang lengkap"})
    assert response.status_code == 302
    page = text(client.get(f"/items/{draft.id}"))
    assert "Hanya butir yang sudah diajukan yang dapat dikembalikan" in page
    assert fresh(draft).status == ItemStatus.DRAFT and draft.version_id == version
    assert outbox() == []


def test_return_needs_a_reason(queue_world, staff, login):
    innovation, _ = queue_world
    item = item_of(innovation, "SID-16")
    response = login(staff).post(f"/items/{item.id}/return", data={"reason": "   "})
    assert response.status_code == 200 and "Tuliskan alasan pengembalian" in text(response)
    assert fresh(item).status == ItemStatus.SUBMITTED and outbox() == []


def test_verify_with_a_stale_version_is_a_conflict(queue_world, staff, contact, login):
    innovation, _ = queue_world
    item = item_of(innovation, "SID-16")
    client = login(staff)
    seen = int(re.search(r'name="version"[^>]*value="(\d+)"',
                         text(client.get(f"/items/{item.id}"))).group(1))
    login(contact).post(f"/items/{item.id}", data={"level": "3"})  # the contact changes it
    client.post(f"/items/{item.id}/verify", data={"version": seen})
    assert "diubah oleh pengguna lain" in text(client.get(f"/items/{item.id}"))
    assert fresh(item).status == ItemStatus.SUBMITTED


def test_return_mail_goes_only_to_active_contacts_of_the_skpd(queue_world, staff, contact,
                                                               other_contact, make_user, login):
    innovation, _ = queue_world
    make_user("contact", skpd=contact.skpd, is_active=False)
    make_user("staff")
    item = item_of(innovation, "SID-17")
    login(staff).post(f"/items/{item.id}/return", data={"reason": "Daftar SDM tanpa tanda tangan"})
    mails = outbox()
    assert [m.to_email for m in mails] == [contact.email]
    assert "Daftar SDM tanpa tanda tangan" in mails[0].body_html
    assert "Sistem Antrean Puskesmas" in mails[0].body_text


def test_review_and_spd_pages_are_for_bappeda_only(queue_world, contact, make_user, login):
    innovation, _ = queue_world
    item = item_of(innovation, "SID-16")
    for user in (make_user("trainer"), contact):
        client = login(user)
        assert client.get("/review/").status_code == 403
        assert client.get("/spd/").status_code == 403
        assert client.post("/review/verify", data={"item_ids": [item.id]}).status_code == 403
        assert client.post(f"/items/{item.id}/verify").status_code == 403
        assert client.post(f"/items/{item.id}/return", data={"reason": "x"}).status_code == 403
        assert client.post(f"/spd/{item.id}/assign", data={"skpd_id": ""}).status_code == 403
    assert fresh(item).status == ItemStatus.SUBMITTED
    assert login(make_user("admin")).get("/review/").status_code == 200


def test_spd_items_are_created_and_assigned(cycle, staff, contact, other_contact, login):
    client = login(staff)
    page = text(client.get("/spd/"))
    spd = db.session.scalars(select(ReportItem).where(ReportItem.innovation_id.is_(None))
                             .order_by(ReportItem.position)).all()
    assert len(spd) == 20 and "SPD-01 · Visi dan Misi" in page
    client.get("/spd/")  # opening it again creates nothing new
    assert db.session.scalar(select(func.count()).select_from(ReportItem)) == 20

    item = spd[0]
    mine, theirs = login(contact), login(other_contact)
    assert mine.get(f"/items/{item.id}").status_code == 404  # Bappeda's own for now
    response = client.post(f"/spd/{item.id}/assign", data={"skpd_id": str(contact.skpd_id)})
    assert response.status_code == 302 and fresh(item).skpd_id == contact.skpd_id
    page = text(client.get("/spd/"))
    assert f"kini diisi oleh {contact.skpd.name}" in page

    # The assigned SKPD's contact can fill it; another SKPD's contact still cannot see it.
    page = text(mine.get(f"/items/{item.id}"))
    assert "Butir SPD" in page and 'name="level"' in page
    assert mine.post(f"/items/{item.id}", data={"level": "2"}).status_code == 302
    assert fresh(item).level == 2
    assert theirs.get(f"/items/{item.id}").status_code == 404

    # Back to Bappeda: the contact loses it again.
    client.post(f"/spd/{item.id}/assign", data={"skpd_id": ""})
    assert fresh(item).skpd_id is None
    assert mine.get(f"/items/{item.id}").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "spd_item_assigned")) == 2


def test_spd_assignment_refuses_bad_input(cycle, staff, innovation, make_skpd, login):
    client = login(staff)
    client.get("/spd/")
    item = db.session.scalars(select(ReportItem).where(ReportItem.innovation_id.is_(None))).first()
    inactive = make_skpd(is_active=False)
    for value in (str(inactive.id), "999999", "abc"):
        client.post(f"/spd/{item.id}/assign", data={"skpd_id": value})
        assert fresh(item).skpd_id is None
    assert "Pilih Perangkat Daerah dari daftar" in text(client.get("/spd/"))
    sid = item_of(innovation, "SID-16")
    client.post(f"/spd/{sid.id}/assign", data={"skpd_id": ""})
    assert "Hanya butir SPD yang dapat ditugaskan" in text(client.get("/spd/"))
    assert fresh(sid).skpd_id == innovation.skpd_id


def test_spd_page_without_a_current_cycle(app, staff, login):
    page = text(login(staff).get("/spd/"))
    assert "Belum ada siklus aktif" in page
    assert "Belum ada siklus aktif" in text(login(staff).get("/review/"))
