"""Work unit (SKPD) pages: list, create, edit, detail, deactivation, and who may use them."""
import pytest
from sqlalchemy import func, select, update

from clinic.admin import services
from clinic.admin.models import Skpd
from clinic.audit import AuditEvent
from clinic.auth.models import User
from clinic.extensions import db
from conftest import AuthActions


@pytest.fixture(autouse=True)
def _unlink_subunits(app):
    # The shared teardown deletes all SKPDs in one statement; MariaDB checks the self-reference
    # row by row, so sub-units are detached first.
    yield
    db.session.rollback()
    db.session.execute(update(Skpd).values(parent_id=None))
    db.session.commit()


@pytest.fixture
def admin(make_user):
    return make_user(role="admin")


@pytest.fixture
def as_admin(auth, admin):
    auth.login_as(admin)
    return admin


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


def _skpd(code):
    db.session.expire_all()
    return db.session.scalars(select(Skpd).where(Skpd.code == code)).first()


FORM = {"code": "DINKES", "name": "Dinas Kesehatan", "short_name": "Dinkes", "kind": "dinas",
        "head_name": "dr. Siti Rahmah", "head_email": "kadinkes@example.go.id", "parent_id": ""}


@pytest.mark.parametrize("role", ["trainer", "contact"])
@pytest.mark.parametrize("method,url", [
    ("GET", "/admin/skpd/"), ("GET", "/admin/skpd/new"), ("POST", "/admin/skpd/new"),
    ("GET", "/admin/skpd/{id}"), ("GET", "/admin/skpd/{id}/edit"), ("POST", "/admin/skpd/{id}/edit"),
    ("POST", "/admin/skpd/{id}/deactivate"), ("POST", "/admin/skpd/{id}/reactivate"),
    ("GET", "/admin/skpd/import"), ("POST", "/admin/skpd/import"),
])
def test_trainer_and_contact_are_refused(client, auth, make_user, make_skpd, role, method, url):
    skpd = make_skpd(code="DINSOS")
    auth.login_as(make_user(role=role, skpd=skpd if role == "contact" else None))
    response = client.open(url.format(id=skpd.id), method=method, data=dict(FORM, code="NEWCODE"))
    assert response.status_code == 403
    assert _skpd("NEWCODE") is None
    assert _skpd("DINSOS").is_active


def test_anonymous_goes_to_login(client, make_skpd):
    response = client.get("/admin/skpd/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_list_searches_code_name_and_short_name(client, as_admin, make_skpd):
    make_skpd(code="DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    make_skpd(code="DISDIK", name="Dinas Pendidikan", short_name="Disdik")
    make_skpd(code="KEC-BARAT", name="Kecamatan Banjarmasin Barat", short_name="Kec. Barat",
              kind="kecamatan")
    body = client.get("/admin/skpd/?q=kesehatan").get_data(as_text=True)
    assert "DINKES" in body and "DISDIK" not in body
    body = client.get("/admin/skpd/?q=disdik").get_data(as_text=True)
    assert "DISDIK" in body and "DINKES" not in body
    body = client.get("/admin/skpd/?q=kec-bar").get_data(as_text=True)
    assert "KEC-BARAT" in body and "DINKES" not in body
    # A % typed by a user is a literal character, not a wildcard.
    body = client.get("/admin/skpd/?q=%25").get_data(as_text=True)
    assert "DINKES" not in body
    assert "Tidak ada Perangkat Daerah yang cocok" in body


def test_list_filters_kind_and_status_and_shows_counts(client, as_admin, make_skpd):
    make_skpd(code="DINKES")
    make_skpd(code="KEC-UTARA", kind="kecamatan")
    make_skpd(code="KEC-LAMA", kind="kecamatan", is_active=False)
    body = client.get("/admin/skpd/?kind=kecamatan").get_data(as_text=True)
    assert "KEC-UTARA" in body and "KEC-LAMA" in body and "DINKES" not in body
    body = client.get("/admin/skpd/?kind=kecamatan&status=inactive").get_data(as_text=True)
    assert "KEC-LAMA" in body and "KEC-UTARA" not in body
    body = client.get("/admin/skpd/?status=active").get_data(as_text=True)
    assert "KEC-LAMA" not in body and "DINKES" in body
    assert "Aktif: 2 · Nonaktif: 1 · Total: 3" in body


def test_list_paginates(app, client, as_admin, make_skpd):
    app.config["ITEMS_PER_PAGE"] = 2
    for n in range(5):
        make_skpd(code=f"UNIT-{n}")
    first = client.get("/admin/skpd/").get_data(as_text=True)
    assert "UNIT-0" in first and "UNIT-1" in first and "UNIT-2" not in first
    assert "Menampilkan 1-2 dari 5" in first
    last = client.get("/admin/skpd/?page=3").get_data(as_text=True)
    assert "UNIT-4" in last and "UNIT-0" not in last
    # A page past the end is empty, not an error.
    assert client.get("/admin/skpd/?page=99").status_code == 200


def test_empty_list_says_what_to_do(client, as_admin):
    body = client.get("/admin/skpd/").get_data(as_text=True)
    assert "Belum ada Perangkat Daerah" in body
    assert "/admin/skpd/import" in body


def test_create_records_audit(client, as_admin, make_skpd):
    parent = make_skpd(code="DINKES-INDUK")
    response = client.post("/admin/skpd/new", data=dict(
        FORM, code=" pkm-teluk ", name="Puskesmas Teluk Dalam", short_name="PKM Teluk",
        kind="puskesmas", parent_id=str(parent.id)))
    assert response.status_code == 302
    skpd = _skpd("PKM-TELUK")
    assert skpd is not None and skpd.parent_id == parent.id and skpd.is_active
    assert skpd.head_email == "kadinkes@example.go.id"
    event, = _events("skpd_created")
    assert event.actor_id == as_admin.id and event.object_id == str(skpd.id)
    assert event.changes["code"] == [None, "PKM-TELUK"]
    assert event.changes["parent_id"] == [None, parent.id]
    assert event.ip == "127.0.0.1"


def test_staff_may_create(client, auth, make_user):
    auth.login_as(make_user(role="staff"))
    assert client.post("/admin/skpd/new", data=FORM).status_code == 302
    assert _skpd("DINKES") is not None


@pytest.mark.parametrize("changes,message", [
    ({"code": "x"}, "Kode hanya boleh huruf besar"),
    ({"code": "DIN KES"}, "Kode hanya boleh huruf besar"),
    ({"code": ""}, "Kode wajib diisi."),
    ({"name": ""}, "Nama wajib diisi."),
    ({"name": "x" * 201}, "Nama maksimal 200 karakter."),
    ({"kind": "kerajaan"}, "Pilih salah satu dari daftar."),
    ({"head_email": "bukan-email"}, "Alamat e-mail tidak valid: tanda @ tidak ada."),
    ({"parent_id": "999999"}, "Pilih salah satu dari daftar."),
    ({"parent_id": "abc"}, "Pilih salah satu dari daftar."),
])
def test_create_refuses_bad_input_and_keeps_it(client, as_admin, changes, message):
    data = dict(FORM, **changes)
    response = client.post("/admin/skpd/new", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert message in body
    assert 'value="Dinkes"' in body and 'value="dr. Siti Rahmah"' in body
    assert db.session.scalar(select(func.count(Skpd.id))) == 0
    assert not _events("skpd_created")


def test_code_must_be_unique(client, as_admin, make_skpd):
    make_skpd(code="DINKES", name="Dinas <i>Lama</i>")
    response = client.post("/admin/skpd/new", data=dict(FORM, code="dinkes"))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Kode DINKES sudah dipakai oleh Dinas &lt;i&gt;Lama&lt;/i&gt;." in body
    assert "<i>Lama</i>" not in body
    assert db.session.scalar(select(func.count(Skpd.id))) == 1


def test_edit_records_changes(client, as_admin, make_skpd):
    skpd = make_skpd(code="DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    parent = make_skpd(code="SETDA")
    page = client.get(f"/admin/skpd/{skpd.id}/edit").get_data(as_text=True)
    assert 'value="Dinas Kesehatan"' in page
    response = client.post(f"/admin/skpd/{skpd.id}/edit", data=dict(
        FORM, name="Dinas Kesehatan Kota", parent_id=str(parent.id)))
    assert response.status_code == 302
    skpd = _skpd("DINKES")
    assert skpd.name == "Dinas Kesehatan Kota" and skpd.parent_id == parent.id
    event, = _events("skpd_updated")
    assert event.changes["name"] == ["Dinas Kesehatan", "Dinas Kesehatan Kota"]
    assert event.changes["parent_id"] == [None, parent.id]
    assert "code" not in event.changes


def test_edit_refuses_own_descendant_as_parent(client, as_admin, make_skpd):
    top = make_skpd(code="DINKES")
    child = make_skpd(code="PKM-A", parent_id=top.id)
    grandchild = make_skpd(code="PKM-A-PUSTU", parent_id=child.id)
    for bad in (top.id, grandchild.id):
        response = client.post(f"/admin/skpd/{top.id}/edit", data=dict(FORM, parent_id=str(bad)))
        assert response.status_code == 200
        assert "Pilih salah satu dari daftar." in response.get_data(as_text=True)
    assert _skpd("DINKES").parent_id is None
    assert not _events("skpd_updated")
    # The rule lives in the service too, whatever the form offers.
    with pytest.raises(services.AdminError) as error:
        services.update_skpd(top, as_admin, None, code="DINKES", name="Dinkes", short_name="Dinkes",
                             kind="dinas", parent_id=grandchild.id)
    assert error.value.field == "parent_id"
    db.session.rollback()
    assert _skpd("DINKES").parent_id is None


def test_edit_unknown_skpd_is_404(client, as_admin):
    assert client.get("/admin/skpd/987654/edit").status_code == 404


def test_extra_posted_fields_are_ignored(client, as_admin, make_skpd):
    response = client.post("/admin/skpd/new", data=dict(
        FORM, is_active="", id="4242", created_at="2000-01-01", updated_at="2000-01-01"))
    assert response.status_code == 302
    skpd = _skpd("DINKES")
    assert skpd.is_active and skpd.id != 4242 and skpd.created_at.year > 2000
    other = make_skpd(code="DISDIK", is_active=False)
    client.post(f"/admin/skpd/{other.id}/edit", data=dict(FORM, code="DISDIK", is_active="y"))
    assert _skpd("DISDIK").is_active is False


def test_detail_shows_parent_contacts_and_subunits(client, as_admin, make_skpd, make_user):
    top = make_skpd(code="DINKES", name="Dinas Kesehatan")
    skpd = make_skpd(code="PKM-A", name="Puskesmas A", parent_id=top.id)
    make_skpd(code="PKM-A-PUSTU", name="Pustu Sungai Miai", parent_id=skpd.id)
    make_user(role="contact", skpd=skpd, name="Operator Puskesmas")
    body = client.get(f"/admin/skpd/{skpd.id}").get_data(as_text=True)
    assert "Dinas Kesehatan" in body and "Pustu Sungai Miai" in body
    assert "Operator Puskesmas" in body
    assert f'href="/admin/users/new?skpd={skpd.id}"' in body
    assert "Tambah operator" in body
    assert 'data-confirm="Nonaktifkan Puskesmas A? Data tidak dihapus' in body


def test_deactivate_ends_its_contacts_and_reactivate_keeps_them_off(app, client, as_admin,
                                                                    make_skpd, make_user):
    skpd = make_skpd(code="DINKES", name="Dinas Kesehatan")
    contact = make_user(role="contact", skpd=skpd)
    contact_client = app.test_client()
    AuthActions(contact_client).login_as(contact)
    assert contact_client.get("/").status_code == 200

    response = client.post(f"/admin/skpd/{skpd.id}/deactivate", follow_redirects=True)
    assert "1 akun operator ikut dinonaktifkan" in response.get_data(as_text=True)
    skpd = _skpd("DINKES")
    assert not skpd.is_active
    assert db.session.get(User, contact.id).is_active is False
    event, = _events("skpd_deactivated")
    assert event.changes == {"is_active": [True, False]}
    assert _events("user_deactivated")[0].object_id == str(contact.id)
    response = contact_client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]

    assert client.post(f"/admin/skpd/{skpd.id}/reactivate").status_code == 302
    assert _skpd("DINKES").is_active
    assert _events("skpd_reactivated")[0].changes == {"is_active": [False, True]}
    assert db.session.get(User, contact.id).is_active is False


def test_inactive_skpd_is_not_offered_for_new_accounts(client, as_admin, make_skpd):
    make_skpd(code="AKTIF")
    make_skpd(code="LAMA", is_active=False)
    body = client.get("/admin/users/new").get_data(as_text=True)
    assert "AKTIF ·" in body and "LAMA ·" not in body
