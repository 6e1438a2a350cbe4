"""User account pages and the create-user command: invitations, roles, deactivation, limits of staff."""
import re

import pytest
from sqlalchemy import func, select

from clinic.audit import AuditEvent
from clinic.auth.models import User
from clinic.extensions import db
from clinic.outbox.models import Notification
from conftest import AuthActions, delivered_text

NEW_PASSWORD = "Sungai-Martapura-2026"


@pytest.fixture
def admin(make_user):
    return make_user(role="admin", name="Admin Utama")


@pytest.fixture
def as_admin(auth, admin):
    auth.login_as(admin)
    return admin


@pytest.fixture
def staff(make_user):
    return make_user(role="staff", name="Staf Bappeda")


@pytest.fixture
def as_staff(auth, staff):
    auth.login_as(staff)
    return staff


def _user(email):
    db.session.expire_all()
    return db.session.scalars(select(User).where(User.email == email)).first()


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


def _outbox(email):
    return db.session.scalars(select(Notification).where(Notification.to_email == email)
                              .order_by(Notification.id)).all()


def _form(**changes):
    data = {"email": "operator@dinkes.example.go.id", "name": "Rahmat Hidayat", "role": "trainer",
            "skpd_id": "", "institution": "BRIN", "position": "Peneliti", "phone": "0812-3456-7890",
            "locale": "id", "timezone": "Asia/Jakarta"}
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ["trainer", "contact"])
@pytest.mark.parametrize("method,url", [
    ("GET", "/admin/users/"), ("GET", "/admin/users/new"), ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{id}/edit"), ("POST", "/admin/users/{id}/edit"),
    ("POST", "/admin/users/{id}/deactivate"), ("POST", "/admin/users/{id}/reactivate"),
    ("POST", "/admin/users/{id}/invitation"),
])
def test_trainer_and_contact_are_refused(client, auth, make_user, role, method, url):
    target = make_user(role="staff", email="target@example.test", password=None)
    auth.login_as(make_user(role=role))
    response = client.open(url.format(id=target.id), method=method,
                           data=_form(email="new@example.go.id"))
    assert response.status_code == 403
    assert _user("new@example.go.id") is None
    assert _user("target@example.test").is_active
    assert not _outbox("target@example.test")


def test_list_search_filters_and_pagination(app, client, as_admin, make_user, make_skpd):
    dinkes = make_skpd(code="DINKES")
    make_user(role="contact", skpd=dinkes, name="Wahyu Operator", email="wahyu@dinkes.example.test")
    make_user(role="contact", name="Nur Operator", email="nur@disdik.example.test")
    make_user(role="trainer", name="Budi Narasumber", email="budi@brin.example.test")
    make_user(role="trainer", name="Lama Narasumber", is_active=False)
    body = client.get("/admin/users/?q=WAHYU").get_data(as_text=True)
    assert "Wahyu Operator" in body and "Nur Operator" not in body
    body = client.get("/admin/users/?q=brin.example").get_data(as_text=True)
    assert "Budi Narasumber" in body and "Wahyu Operator" not in body
    body = client.get("/admin/users/?role=contact").get_data(as_text=True)
    assert "Wahyu Operator" in body and "Nur Operator" in body and "Budi Narasumber" not in body
    body = client.get(f"/admin/users/?skpd={dinkes.id}").get_data(as_text=True)
    assert "Wahyu Operator" in body and "Nur Operator" not in body
    body = client.get("/admin/users/?role=trainer&status=inactive").get_data(as_text=True)
    assert "Lama Narasumber" in body and "Budi Narasumber" not in body
    body = client.get("/admin/users/?q=tidak-ada-siapa-pun").get_data(as_text=True)
    assert "Tidak ada pengguna yang cocok" in body

    app.config["ITEMS_PER_PAGE"] = 2
    first = client.get("/admin/users/?role=contact").get_data(as_text=True)
    assert "Menampilkan 1-2 dari 2" in first
    page2 = client.get("/admin/users/?page=2").get_data(as_text=True)
    assert "Menampilkan 3-4 dari 5" in page2
    assert "page=3" in page2 and "status=" in page2


def test_invite_creates_account_and_outbox_row_with_a_working_link(app, client, as_admin):
    response = client.post("/admin/users/new", data=_form(email="  Rahmat@BRIN.example.go.id "))
    assert response.status_code == 302
    user = _user("rahmat@brin.example.go.id")
    assert user is not None and not user.has_password and user.is_active
    assert user.role == "trainer" and user.institution == "BRIN" and user.timezone == "Asia/Jakarta"
    assert user.invited_at is not None
    created, = _events("user_created")
    assert created.actor_id == as_admin.id
    assert created.changes["role"] == [None, "trainer"]
    assert _events("invitation_sent")[0].object_id == str(user.id)
    mail, = _outbox("rahmat@brin.example.go.id")
    assert mail.kind == "invitation" and mail.status == "pending"
    link = re.search(r"http://localhost(/invitation/\S+)", delivered_text(mail)).group(1)

    visitor = app.test_client()
    assert visitor.get(link).status_code == 200
    response = visitor.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    AuthActions(visitor).logout()
    AuthActions(app.test_client()).login_as(user, password=NEW_PASSWORD)


def test_tambah_operator_prefills_the_skpd(client, as_admin, make_skpd):
    skpd = make_skpd(code="DINKES")
    body = client.get(f"/admin/users/new?skpd={skpd.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{skpd.id}">|<option value="{skpd.id}" selected', body)
    assert re.search(r'<option selected value="contact">|<option value="contact" selected', body)


@pytest.mark.parametrize("changes,message", [
    ({"role": "contact", "skpd_id": ""}, "Operator SKPD wajib terikat pada satu Perangkat Daerah."),
    ({"role": "trainer", "skpd_id": "{skpd}"}, "Kosongkan Perangkat Daerah"),
    ({"email": "bukan-email"}, "Alamat e-mail tidak valid: tanda @ tidak ada."),
    ({"email": ""}, "E-mail wajib diisi."),
    ({"name": ""}, "Nama wajib diisi."),
    ({"role": "raja"}, "Pilih salah satu dari daftar."),
    ({"timezone": "Europe/Paris"}, "Pilih salah satu dari daftar."),
    ({"phone": "<script>"}, "Nomor telepon hanya boleh angka"),
    ({"skpd_id": "abc", "role": "contact"}, "Pilih salah satu dari daftar."),
])
def test_create_refuses_bad_input_and_keeps_it(client, as_admin, make_skpd, changes, message):
    skpd = make_skpd(code="DINKES")
    data = _form(**{k: v.replace("{skpd}", str(skpd.id)) for k, v in changes.items()})
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert message in body
    assert 'value="Peneliti"' in body and 'value="BRIN"' in body
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_email_is_unique_whatever_its_case(client, as_admin, make_user):
    make_user(role="trainer", email="rahmat@brin.example.go.id")
    response = client.post("/admin/users/new", data=_form(email="RAHMAT@brin.example.go.id"))
    assert response.status_code == 200
    assert "sudah dipakai oleh akun lain" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 2


def test_extra_posted_fields_are_ignored(client, as_admin, make_user):
    sneaky = dict(is_active="", password_hash="$argon2id$forged", session_token="chosen-token",
                  invited_at="2000-01-01", last_login_at="2000-01-01", id="4242")
    assert client.post("/admin/users/new", data=_form(**sneaky)).status_code == 302
    user = _user("operator@dinkes.example.go.id")
    assert user.is_active and user.password_hash is None and user.session_token != "chosen-token"
    assert user.id != 4242 and user.last_login_at is None

    other = make_user(role="trainer", email="lain@example.test")
    token, password_hash = other.session_token, other.password_hash
    client.post(f"/admin/users/{other.id}/edit",
                data=_form(email="lain@example.test", **dict(sneaky, is_active="y")))
    other = _user("lain@example.test")
    assert other.session_token == token and other.password_hash == password_hash


def test_edit_records_role_and_skpd_changes(client, as_admin, make_user, make_skpd):
    first, second = make_skpd(code="DINKES"), make_skpd(code="DISDIK")
    user = make_user(role="contact", skpd=first, email="op@example.test", name="Operator Satu")
    page = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert 'value="op@example.test"' in page
    response = client.post(f"/admin/users/{user.id}/edit", data=_form(
        email="op@example.test", name="Operator Satu", role="contact", skpd_id=str(second.id),
        institution="", position="", phone="", timezone=""))
    assert response.status_code == 302
    assert _user("op@example.test").skpd_id == second.id
    updated, = _events("user_updated")
    assert updated.changes["skpd_id"] == [first.id, second.id]
    assert not _events("role_changed")

    response = client.post(f"/admin/users/{user.id}/edit", data=_form(
        email="op@example.test", name="Operator Satu", role="staff", skpd_id=""))
    assert response.status_code == 302
    user = _user("op@example.test")
    assert user.role == "staff" and user.skpd_id is None
    changed, = _events("role_changed")
    assert changed.changes == {"role": ["contact", "staff"]}
    assert _events("user_updated")[-1].changes["skpd_id"] == [second.id, None]


def test_edit_refuses_duplicate_email_and_keeps_input(client, as_admin, make_user):
    make_user(role="trainer", email="ada@example.go.id")
    user = make_user(role="trainer", email="saya@example.go.id", name="Nama Lama")
    response = client.post(f"/admin/users/{user.id}/edit",
                           data=_form(email="ADA@example.go.id", name="Nama Baru"))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "sudah dipakai oleh akun lain" in body and 'value="Nama Baru"' in body
    assert _user("saya@example.go.id").name == "Nama Lama"


def test_admin_cannot_change_own_role(client, as_admin):
    response = client.post(f"/admin/users/{as_admin.id}/edit", data=_form(
        email=as_admin.email, name=as_admin.name, role="staff"))
    assert response.status_code == 200
    assert "tidak dapat mengubah peran akun Anda sendiri" in response.get_data(as_text=True)
    assert _user(as_admin.email).role == "admin"


def test_admin_may_create_an_admin(client, as_admin):
    assert client.post("/admin/users/new", data=_form(role="admin", institution="")).status_code == 302
    assert _user("operator@dinkes.example.go.id").role == "admin"


def test_staff_cannot_create_or_grant_admin(client, as_staff, make_user):
    body = client.get("/admin/users/new").get_data(as_text=True)
    assert 'value="admin"' not in body
    response = client.post("/admin/users/new", data=_form(role="admin"))
    assert response.status_code == 200
    assert "Pilih salah satu dari daftar." in response.get_data(as_text=True)
    assert _user("operator@dinkes.example.go.id") is None

    colleague = make_user(role="staff", email="rekan@example.test")
    response = client.post(f"/admin/users/{colleague.id}/edit",
                           data=_form(email="rekan@example.test", role="admin"))
    assert response.status_code == 200
    assert _user("rekan@example.test").role == "staff"
    assert not _events("role_changed")


@pytest.mark.parametrize("method,url", [
    ("GET", "/admin/users/{id}/edit"), ("POST", "/admin/users/{id}/edit"),
    ("POST", "/admin/users/{id}/deactivate"), ("POST", "/admin/users/{id}/reactivate"),
    ("POST", "/admin/users/{id}/invitation"),
])
def test_staff_cannot_touch_admin_accounts(client, as_staff, make_user, method, url):
    boss = make_user(role="admin", email="boss@example.test", name="Kepala Admin", password=None)
    token = boss.session_token
    response = client.open(url.format(id=boss.id), method=method,
                           data=_form(email="boss@example.test", name="Diubah", role="staff"))
    assert response.status_code == 403
    boss = _user("boss@example.test")
    assert boss.role == "admin" and boss.name == "Kepala Admin" and boss.is_active
    assert boss.session_token == token
    assert not _outbox("boss@example.test")


def test_staff_sees_admins_without_an_edit_link(client, as_staff, make_user):
    boss = make_user(role="admin", name="Kepala Admin")
    body = client.get("/admin/users/").get_data(as_text=True)
    assert "Kepala Admin" in body and f"/admin/users/{boss.id}/edit" not in body


def test_staff_may_manage_other_accounts(client, as_staff, make_user):
    trainer = make_user(role="trainer", email="nara@example.test")
    assert client.post(f"/admin/users/{trainer.id}/deactivate").status_code == 302
    assert _user("nara@example.test").is_active is False


def test_deactivation_ends_the_users_sessions(app, client, as_admin, make_user):
    contact = make_user(role="contact", email="op@example.test")
    other_client = app.test_client()
    AuthActions(other_client).login_as(contact, remember=True)
    assert other_client.get("/").status_code == 200

    page = client.get(f"/admin/users/{contact.id}/edit").get_data(as_text=True)
    assert 'data-confirm="Nonaktifkan akun op@example.test? Semua sesinya langsung berakhir' in page
    response = client.post(f"/admin/users/{contact.id}/deactivate")
    assert response.status_code == 302
    assert _user("op@example.test").is_active is False
    assert _events("user_deactivated")[0].actor_id == as_admin.id

    response = other_client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = AuthActions(app.test_client()).login("op@example.test")
    assert response.status_code == 200  # the login form again: the account is off

    assert client.post(f"/admin/users/{contact.id}/reactivate").status_code == 302
    assert _user("op@example.test").is_active
    assert _events("user_reactivated")[0].changes == {"is_active": [False, True]}
    AuthActions(app.test_client()).login_as(contact)


def test_cannot_deactivate_yourself(client, as_admin):
    response = client.post(f"/admin/users/{as_admin.id}/deactivate", follow_redirects=True)
    assert "tidak dapat menonaktifkan akun Anda sendiri" in response.get_data(as_text=True)
    assert _user(as_admin.email).is_active
    assert not _events("user_deactivated")


def test_contact_of_inactive_skpd_cannot_be_reactivated(client, as_admin, make_user, make_skpd):
    skpd = make_skpd(code="LAMA", is_active=False)
    contact = make_user(role="contact", skpd=skpd, email="op@example.test", is_active=False)
    response = client.post(f"/admin/users/{contact.id}/reactivate", follow_redirects=True)
    assert "Aktifkan kembali Perangkat Daerahnya terlebih dahulu" in response.get_data(as_text=True)
    assert _user("op@example.test").is_active is False


def test_resend_invitation_only_without_password(client, as_admin, make_user):
    invited = make_user(role="trainer", email="baru@example.test", password=None)
    assert client.post(f"/admin/users/{invited.id}/invitation").status_code == 302
    assert len(_outbox("baru@example.test")) == 1
    assert _events("invitation_sent")[0].object_id == str(invited.id)

    member = make_user(role="trainer", email="lama@example.test")
    response = client.post(f"/admin/users/{member.id}/invitation", follow_redirects=True)
    assert "sudah memiliki kata sandi" in response.get_data(as_text=True)
    assert not _outbox("lama@example.test")
    page = client.get(f"/admin/users/{member.id}/edit").get_data(as_text=True)
    assert "Kirim ulang undangan" not in page


def test_changing_email_voids_links_sent_to_the_old_address(app, client, as_admin):
    client.post("/admin/users/new", data=_form(email="salah@example.go.id"))
    user = _user("salah@example.go.id")
    mail = _outbox("salah@example.go.id")[0]
    link = re.search(r"http://localhost(/invitation/\S+)", delivered_text(mail)).group(1)
    client.post(f"/admin/users/{user.id}/edit", data=_form(email="benar@example.go.id"))
    assert _user("benar@example.go.id") is not None
    response = app.test_client().get(link)
    assert response.status_code == 302 and "/password/forgot" in response.headers["Location"]


# --- flask create-user -----------------------------------------------------------------------

def test_cli_invites_by_default(runner, make_skpd):
    make_skpd(code="DINKES")
    result = runner.invoke(args=["create-user", "--email", "Op@Dinkes.example.go.id", "--name",
                                 "Operator Dinkes", "--role", "contact", "--skpd", "dinkes"])
    assert result.exit_code == 0, result.output
    user = _user("op@dinkes.example.go.id")
    assert user.skpd.code == "DINKES" and not user.has_password
    assert _outbox("op@dinkes.example.go.id")[0].kind == "invitation"
    assert _events("user_created")[0].actor_id is None


def test_cli_sets_a_password(app, runner):
    result = runner.invoke(args=["create-user", "--email", "admin@kota.example.go.id", "--name",
                                 "Admin Kota", "--role", "admin", "--password-prompt"],
                           input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    user = _user("admin@kota.example.go.id")
    assert user.has_password and user.role == "admin"
    assert not _outbox("admin@kota.example.go.id")
    AuthActions(app.test_client()).login_as(user, password=NEW_PASSWORD)


@pytest.mark.parametrize("args,input,message", [
    (["--role", "contact", "--skpd", "NOPE"], None, "unknown SKPD code"),
    (["--role", "contact"], None, "Operator SKPD wajib terikat"),
    (["--role", "trainer", "--password-prompt"], "password\npassword\n", "terlalu umum"),
    (["--role", "staff"], None, "sudah dipakai oleh akun lain"),
    (["--role", "trainer", "--institution", "B" * 121], None, "Instansi maksimal 120 karakter."),
])
def test_cli_refuses_with_a_clear_error(runner, make_user, args, input, message):
    make_user(role="staff", email="ada@example.test")  # a demo domain: duplicate, not invalid
    email = "ADA@example.test" if args == ["--role", "staff"] else "baru@example.go.id"
    result = runner.invoke(args=["create-user", "--email", email, "--name", "Nama", *args],
                           input=input)
    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_cli_refuses_unknown_role(runner):
    result = runner.invoke(args=["create-user", "--email", "x@example.go.id", "--name", "X",
                                 "--role", "raja"])
    assert result.exit_code == 2 and "raja" in result.output
    assert _user("x@example.go.id") is None
