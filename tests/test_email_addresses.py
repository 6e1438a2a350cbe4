"""One rule for e-mail addresses: every form, the CSV import, the services; demo ones too."""
import html

import pytest
from sqlalchemy import select

from clinic.admin.models import Skpd
from clinic.admin.services.skpd_import import parse_skpd_csv
from clinic.auth.models import User
from clinic.demo.admin import seed_accounts
from clinic.extensions import db
from clinic.form_fields import email_problem

NO_AT = "Alamat e-mail tidak valid: tanda @ tidak ada."


@pytest.mark.parametrize("address,accepted", [
    ("operator.dinkes@demo.test", True),          # RFC 6761 .test: the demo's own domain
    ("kadinkes@banjarmasinkota.go.id", True),
    ("nama+inovasi@example.go.id", True),
    ("bukan-email", False), ("a@@b.go.id", False), ("@banjarmasinkota.go.id", False),
    ("nama @banjarmasinkota.go.id", False), ("nama@banjarmasinkota", False),
    ("nama@localhost", False), ("nama@kantor.local", False), ("a..b@example.go.id", False),
    ("x" * 250 + "@a.id", False),
])
def test_the_rule(app, address, accepted):
    with app.test_request_context():
        problem = email_problem(address)
        assert (problem is None) is accepted
        if problem is not None:
            assert str(problem).startswith("Alamat e-mail")  # Indonesian, says what is wrong


@pytest.fixture
def demo(app):
    skpds, people, contacts = seed_accounts()
    db.session.commit()
    return skpds, people, contacts


@pytest.fixture
def as_admin(auth, make_user):
    admin = make_user(role="admin", name="Admin Uji")
    auth.login_as(admin)
    return admin


def _fresh(model, **where):
    db.session.expire_all()
    return db.session.scalars(select(model).filter_by(**where)).one()


def _user_form(user, **changes):
    data = {"email": user.email, "name": user.name, "role": user.role,
            "skpd_id": str(user.skpd_id or ""), "institution": user.institution or "",
            "position": user.position or "", "phone": user.phone or "", "locale": "id",
            "timezone": ""}
    data.update(changes)
    return data


def _skpd_form(skpd, **changes):
    data = {"code": skpd.code, "name": skpd.name, "short_name": skpd.short_name,
            "kind": skpd.kind, "head_name": skpd.head_name or "",
            "head_email": skpd.head_email or "", "parent_id": ""}
    data.update(changes)
    return data


def test_the_demo_operator_is_editable_and_may_move_to_another_demo_address(client, demo,
                                                                             as_admin):
    operator = _fresh(User, email="operator.dinkes@demo.test")
    response = client.post(f"/admin/users/{operator.id}/edit",
                           data=_user_form(operator, name="Operator Dinkes Baru"))
    assert response.status_code == 302
    assert _fresh(User, id=operator.id).name == "Operator Dinkes Baru"
    response = client.post(f"/admin/users/{operator.id}/edit", data=_user_form(
        operator, email="Operator.Dinkes2@Demo.Test"))
    assert response.status_code == 302
    assert _fresh(User, id=operator.id).email == "operator.dinkes2@demo.test"


def test_a_demo_skpd_is_editable_and_takes_a_demo_head_address(client, demo, as_admin):
    dinkes = _fresh(Skpd, code="DINKES")
    seeded = dinkes.head_email  # whatever the demo gives it (a @demo.test address or none)
    response = client.post(f"/admin/skpd/{dinkes.id}/edit",
                           data=_skpd_form(dinkes, short_name="Dinkes Kota"))
    assert response.status_code == 302
    assert (_fresh(Skpd, id=dinkes.id).short_name, _fresh(Skpd, id=dinkes.id).head_email) == (
        "Dinkes Kota", seeded)
    response = client.post(f"/admin/skpd/{dinkes.id}/edit", data=_skpd_form(
        dinkes, head_name="dr. Siti Rahmah", head_email="kepala.baru@demo.test"))
    assert response.status_code == 302
    assert _fresh(Skpd, id=dinkes.id).head_email == "kepala.baru@demo.test"


@pytest.mark.parametrize("typed,message", [
    ("Kepala Dinkes@demo.test", "ada spasi di dalamnya"),
    ("kepala.dinkes@@demo.test", "tanda @ hanya boleh ada satu"),
    ("kepala.dinkes", "tanda @ tidak ada"),
    ("kepala.dinkes@dinkes", "nama domain setelah tanda @ salah atau tidak lengkap"),
])
def test_a_malformed_head_address_is_explained_and_kept(client, demo, as_admin, typed, message):
    dinkes = _fresh(Skpd, code="DINKES")
    seeded = dinkes.head_email
    response = client.post(f"/admin/skpd/{dinkes.id}/edit",
                           data=_skpd_form(dinkes, head_email=typed, short_name="Dinkes Baru"))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert message in page
    assert f'value="{typed}"' in page  # as typed, not lower-cased
    saved = _fresh(Skpd, id=dinkes.id)
    assert saved.head_email == seeded and saved.short_name != "Dinkes Baru"  # nothing saved


def test_a_malformed_account_address_is_explained_and_kept(client, demo, as_admin):
    operator = _fresh(User, email="operator.dinkes@demo.test")
    response = client.post(f"/admin/users/{operator.id}/edit",
                           data=_user_form(operator, email="Operator.Dinkes"))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and NO_AT in page and 'value="Operator.Dinkes"' in page
    assert _fresh(User, id=operator.id).email == "operator.dinkes@demo.test"


def test_the_csv_import_uses_the_same_rule(app):
    good = parse_skpd_csv("code,name,head_email\nDINKES,Dinas Kesehatan,Kepala@Demo.Test\n")
    assert good.ok and good.rows[0]["head_email"] == "kepala@demo.test"
    bad = parse_skpd_csv("code,name,head_email\nDINKES,Dinas Kesehatan,kepala@dinkes\n")
    assert not bad.ok
    with app.test_request_context():
        assert "nama domain setelah tanda @" in " ".join(str(message) for _, message in bad.errors)


def test_login_and_forgot_password_use_the_same_rule(client, demo):
    response = client.post("/login", data={"email": "operator.dinkes", "password": "x"})
    page = html.unescape(response.get_data(as_text=True))
    assert NO_AT in page and 'value="operator.dinkes"' in page
    response = client.post("/password/forgot", data={"email": "operator.dinkes"})
    assert NO_AT in html.unescape(response.get_data(as_text=True))
    response = client.post("/login", data={"email": "Operator.Dinkes@demo.test",
                                           "password": app_password(client)})
    assert response.status_code == 302 and not response.headers["Location"].startswith("/login")


def app_password(client):
    return client.application.config["DEMO_PASSWORD"]
