"""Password policy (check 3), hash storage (check 4) and the single-use links that set a password."""
import re
import secrets
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from clinic.auth.models import password_hasher
from clinic.auth.passwords import INVITE, RESET, common_passwords, make_token
from clinic.extensions import db
from clinic.outbox.delivery import deliver_pending
from clinic.outbox.models import Notification
from config import Config, ProductionConfig
from conftest import PASSWORD, AuthActions
from tests.smtp_sink import MAIL

LONG = "Pagi ini hujan turun di Banjarmasin dan sungai Martapura naik lagi!"[:64]
START = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
COMMON = next(p for p in sorted(common_passwords()) if len(p) >= 10)


class Form:
    """One of the three forms that set a password, reached as a real user would."""

    def __init__(self, kind, app, client, make_user):
        self.kind, self.client = kind, client
        if kind == "change":
            self.user = make_user()
            AuthActions(client).login_as(self.user)
            self.url = "/account/password"
        else:
            self.user = make_user(password=None if kind == "invitation" else PASSWORD)
            token = make_token(self.user, INVITE if kind == "invitation" else RESET)
            self.url = f"/invitation/{token}" if kind == "invitation" else f"/password/reset/{token}"

    def submit(self, password, confirm=None):
        data = {"password": password, "confirm": password if confirm is None else confirm}
        if self.kind == "change":
            data["current"] = PASSWORD
        return self.client.post(self.url, data=data)


FORMS = ["invitation", "reset", "change"]


@pytest.fixture(params=FORMS)
def form(request, app, client, make_user):
    return Form(request.param, app, client, make_user)


def _can_login(app, email, password):
    return AuthActions(app.test_client()).login(email, password).status_code == 302


# -- check 3: password policy ----------------------------------------------------------------------

def test_seven_characters_are_refused(form):
    before = form.user.password_hash
    response = form.submit("Ab3$xyz")
    assert response.status_code == 200
    assert "minimal 8 karakter" in response.get_data(as_text=True)
    db.session.refresh(form.user)
    assert form.user.password_hash == before


def test_common_password_is_refused(form):
    assert len(COMMON) >= 10
    for candidate in (COMMON, COMMON.upper()):
        response = form.submit(candidate)
        assert response.status_code == 200
        assert "terlalu umum" in response.get_data(as_text=True)


def test_mismatched_confirmation_is_refused(form):
    response = form.submit(LONG, confirm=LONG + "x")
    assert response.status_code == 200
    assert "Kedua kata sandi tidak sama." in response.get_data(as_text=True)


def test_64_characters_are_accepted_and_not_truncated(app, form):
    assert len(LONG) == 64
    response = form.submit(LONG)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _can_login(app, form.user.email, LONG)
    assert not _can_login(app, form.user.email, LONG[:-1])
    assert not _can_login(app, form.user.email, LONG + "x")


def test_unicode_and_spaces_are_kept(app, form):
    password = "  kopi susu ☕ di Siring, 2026 ünïcode  "
    assert form.submit(password).status_code == 302
    assert _can_login(app, form.user.email, password)
    assert not _can_login(app, form.user.email, password.strip())


def test_composition_rules_are_not_required(app, form):
    assert form.submit("aaaaaaaaaaaaaaaa-sungai").status_code == 302


def test_password_equal_to_email_is_refused(form):
    response = form.submit(form.user.email)
    assert response.status_code == 200


def test_very_long_password_is_refused_politely(form):
    response = form.submit("k" * 129)
    assert response.status_code == 200
    assert "maksimal 128 karakter" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["reset", "change"])
def test_the_current_password_is_refused_as_the_new_one(app, client, make_user, kind):
    form = Form(kind, app, client, make_user)
    changed_at = form.user.password_changed_at
    response = form.submit(PASSWORD)
    assert response.status_code == 200
    assert "Kata sandi baru sama dengan kata sandi saat ini." in response.get_data(as_text=True)
    db.session.refresh(form.user)
    assert form.user.password_changed_at == changed_at
    assert form.submit(LONG).status_code == 302  # any other strong password goes through


def test_an_invitation_sets_a_first_password(app, client, make_user):
    form = Form("invitation", app, client, make_user)
    assert form.submit(PASSWORD).status_code == 302
    assert _can_login(app, form.user.email, PASSWORD)


# -- the links ----------------------------------------------------------------------------------

def test_link_works_once(app, make_user):
    user = make_user()
    token = make_token(user, RESET)
    client = app.test_client()
    assert client.get(f"/password/reset/{token}").status_code == 200
    assert client.post(f"/password/reset/{token}",
                       data={"password": LONG, "confirm": LONG}).status_code == 302
    again = app.test_client().post(f"/password/reset/{token}",
                                   data={"password": "Lain-Lagi-2026!", "confirm": "Lain-Lagi-2026!"})
    assert again.status_code == 302 and again.headers["Location"] == "/password/forgot"
    assert _can_login(app, user.email, LONG)


def test_link_expires(app, make_user):
    user = make_user()
    with time_machine.travel(START, tick=False) as traveller:
        token = make_token(user, RESET)
        traveller.shift(timedelta(seconds=app.config["PASSWORD_RESET_MAX_AGE"] - 60))
        assert app.test_client().get(f"/password/reset/{token}").status_code == 200
        traveller.shift(timedelta(seconds=120))
        assert app.test_client().get(f"/password/reset/{token}").status_code == 302


def test_links_are_bound_to_their_purpose_and_user_state(app, make_user):
    user = make_user()
    invitation = make_token(user, INVITE)
    assert app.test_client().get(f"/password/reset/{invitation}").status_code == 302
    reset = make_token(user, RESET)
    user.is_active = False
    db.session.commit()
    assert app.test_client().get(f"/password/reset/{reset}").status_code == 302
    user.is_active = True
    db.session.commit()
    assert app.test_client().get(f"/password/reset/{reset}").status_code == 200
    tampered = reset[:-2] + ("AA" if not reset.endswith("AA") else "BB")
    assert app.test_client().get(f"/password/reset/{tampered}").status_code == 302


def test_reset_ends_other_sessions(app, client, auth, make_user):
    user = make_user()
    auth.login_as(user, remember=True)
    token = make_token(user, RESET)
    assert app.test_client().post(f"/password/reset/{token}",
                                  data={"password": LONG, "confirm": LONG}).status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.app_config(**MAIL)
def test_forgot_password_sends_a_working_link(app, client, make_user, sink):
    user = make_user(email="operator@banjarmasinkota.go.id")
    response = client.post("/password/forgot", data={"email": user.email.upper()})
    unknown = client.post("/password/forgot", data={"email": "tidak-ada@banjarmasinkota.go.id"})
    assert response.status_code == unknown.status_code == 302
    assert response.headers["Location"] == unknown.headers["Location"]
    rows = db.session.scalars(select(Notification)).all()
    assert [row.to_email for row in rows] == [user.email]
    # The outbox holds no link; the one delivered over SMTP works for its recipient.
    assert "/password/reset/" not in rows[0].body_text + rows[0].body_html
    assert deliver_pending()["sent"] == 1
    (received,) = sink.messages
    body = received["message"].get_body(("plain",)).get_content()
    link = re.search(r"http://localhost(/password/reset/\S+)", body).group(1)
    assert client.post(link, data={"password": LONG, "confirm": LONG}).status_code == 302
    assert _can_login(app, user.email, LONG)


# -- check 4: hash storage -------------------------------------------------------------------------

def _params(stored):
    match = re.fullmatch(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([^$]+)\$([^$]+)", stored)
    assert match, stored
    m, t, p, salt, digest = match.groups()
    return int(m), int(t), int(p), salt, digest


def test_hash_is_argon2id_salted_per_user(make_user):
    first = make_user(password=PASSWORD)
    second = make_user(password=PASSWORD)
    for user in (first, second):
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert user.check_password(PASSWORD) and not user.check_password(PASSWORD[:-1])
    assert first.password_hash != second.password_hash
    assert _params(first.password_hash)[3] != _params(second.password_hash)[3]


@pytest.mark.parametrize("config", [Config, ProductionConfig])
def test_configured_argon2_cost_meets_owasp(config):
    # OWASP Password Storage CS: argon2id with m >= 19 MiB, t >= 2, p = 1 (or an equivalent).
    assert config.ARGON2_MEMORY_COST >= 19456
    assert config.ARGON2_TIME_COST >= 2
    assert config.ARGON2_PARALLELISM >= 1


@pytest.mark.app_config("production", SECRET_KEY=secrets.token_urlsafe(48),
                        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
def test_production_hashes_use_the_configured_cost(app):
    m, t, p, _, _ = _params(password_hasher().hash(PASSWORD))
    assert m >= 19456 and t >= 2
    assert (m, t, p) == (app.config["ARGON2_MEMORY_COST"], app.config["ARGON2_TIME_COST"],
                         app.config["ARGON2_PARALLELISM"])


def test_demo_accounts_can_ask_for_a_reset_link(client, make_user):
    from sqlalchemy import select

    from clinic.extensions import db
    from clinic.outbox.models import Notification

    user = make_user(role="contact", email="operator.dinkes@demo.test")
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    row = db.session.scalars(select(Notification).where(Notification.kind == "password_reset")).one()
    assert row.to_email == "operator.dinkes@demo.test"
