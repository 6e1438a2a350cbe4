"""Logging in: brute-force limits (check 1), one answer for every failure (2), no open redirect (9)."""
import difflib
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from argon2 import PasswordHasher
from flask import template_rendered
from limits import parse
from sqlalchemy import select

from clinic.audit import AuditEvent
from clinic.extensions import db
from config import Config, ProductionConfig
from conftest import PASSWORD

START = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
WRONG = "bukan-kata-sandinya"


def _try(client, email, password=WRONG, ip="198.51.100.7"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


# -- check 1: brute force ------------------------------------------------------------------------

def test_account_locks_after_the_configured_threshold(app, client, make_user):
    user = make_user()
    threshold = parse(app.config["LOGIN_LIMIT_PER_ACCOUNT"]).amount
    assert threshold == 5
    with time_machine.travel(START, tick=False):
        for _ in range(threshold):
            assert _try(client, user.email).status_code == 200
        locked = _try(client, user.email)
        assert locked.status_code == 429
        assert "Terlalu banyak percobaan" in locked.get_data(as_text=True)
        # The right password is refused too while the account is locked.
        assert _try(client, user.email, PASSWORD).status_code == 429
    db.session.refresh(user)
    assert user.last_login_at is None


def test_lockout_follows_the_account_across_client_ips(client, make_user):
    user = make_user()
    with time_machine.travel(START, tick=False):
        for n in range(5):
            assert _try(client, user.email, ip=f"203.0.113.{n + 1}").status_code == 200
        # A new address, and the address written differently, still meet the lock.
        assert _try(client, user.email, PASSWORD, ip="192.0.2.200").status_code == 429
        assert _try(client, f"  {user.email.upper()} ", PASSWORD, ip="192.0.2.201").status_code == 429


def test_lock_lifts_after_the_window(app, client, make_user):
    user = make_user()
    window = parse(app.config["LOGIN_LIMIT_PER_ACCOUNT"]).get_expiry()
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            _try(client, user.email)
        assert _try(client, user.email, PASSWORD).status_code == 429
        traveller.shift(timedelta(seconds=window - 60))
        assert _try(client, user.email, PASSWORD).status_code == 429
        traveller.shift(timedelta(seconds=61))
        response = _try(client, user.email, PASSWORD)
        assert response.status_code == 302


def test_successful_logins_do_not_count(client, auth, make_user):
    user = make_user()
    with time_machine.travel(START, tick=False):
        for _ in range(8):
            auth.login_as(user)
            auth.logout()
        assert _try(client, user.email, PASSWORD).status_code == 302


def test_at_most_100_password_guesses_per_hour_per_account(client, make_user):
    """An attacker hammering one account from many addresses for an hour gets few real guesses."""
    user = make_user()
    guesses = 0
    with time_machine.travel(START, tick=False) as traveller:
        for minute in range(60):
            for n in range(20):  # as many as the lock lets through, every minute
                response = _try(client, user.email, ip=f"10.{minute}.{n}.1")
                assert response.status_code in (200, 429)
                if response.status_code == 429:
                    break
                guesses += 1
            traveller.shift(timedelta(minutes=1))
    assert 0 < guesses <= 100


def test_lockout_is_audited(client, make_user):
    user = make_user()
    with time_machine.travel(START, tick=False):
        for _ in range(6):
            _try(client, user.email)
    assert len(_events("login_fail")) == 5
    locked = _events("login_locked")
    assert locked and locked[0].actor_email == user.email
    assert locked[0].ip == "198.51.100.7"


def test_per_ip_limit_across_accounts(app, client, make_user):
    """Spraying many accounts from one address is stopped by the per-IP limit."""
    user = make_user()
    per_ip = parse(app.config["LOGIN_LIMIT_PER_IP"]).amount
    with time_machine.travel(START, tick=False):
        for n in range(per_ip):
            assert _try(client, f"korban{n}@example.test", ip="198.51.100.99").status_code == 200
        assert _try(client, user.email, PASSWORD, ip="198.51.100.99").status_code == 429
        # Another address is not affected.
        assert _try(client, user.email, PASSWORD, ip="198.51.100.100").status_code == 302


def test_production_limits_use_shared_storage():
    assert not ProductionConfig.RATELIMIT_STORAGE_URI.startswith("memory://")
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        ProductionConfig.check({"SECRET_KEY": "x" * 40, "SESSION_COOKIE_SECURE": True,
                                "REMEMBER_COOKIE_SECURE": True,
                                "RATELIMIT_STORAGE_URI": "memory://"})
    assert parse(Config.LOGIN_LIMIT_PER_ACCOUNT).amount <= 10


# -- check 2: the same answer for an unknown e-mail and a wrong password ---------------------------

def _login_page(app, client, email, password):
    templates = []

    def record(sender, template, context, **extra):
        templates.append(template.name)

    template_rendered.connect(record, app)
    try:
        response = client.post("/login", data={"email": email, "password": password})
    finally:
        template_rendered.disconnect(record, app)
    body = response.get_data(as_text=True)
    # every CSRF field (the login form's and the language switch's), whatever its attribute order
    body = re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "CSRF", body)
    body = re.sub(r'value="[^"]*@[^"]*"', 'value="EMAIL"', body)
    return response.status_code, templates, body


@pytest.mark.app_config(WTF_CSRF_ENABLED=False)
def test_unknown_email_and_wrong_password_look_the_same(app, client, make_user):
    user = make_user()
    inactive = make_user(is_active=False)
    invited = make_user(password=None)
    answers = {
        "unknown": _login_page(app, client, "tidak-ada@example.test", WRONG),
        "wrong password": _login_page(app, client, user.email, WRONG),
        "inactive, right password": _login_page(app, client, inactive.email, PASSWORD),
        "no password yet": _login_page(app, client, invited.email, PASSWORD),
    }
    status, templates, body = answers["wrong password"]
    assert status == 200 and templates[0] == "auth/login.html"
    assert "E-mail atau kata sandi salah." in body
    for name, (status_, templates_, body_) in answers.items():
        assert (status_, templates_) == (status, templates), name
        diff = "\n".join(difflib.unified_diff(body.splitlines(), body_.splitlines(),
                                               lineterm="", n=1))
        assert body_ == body, f"{name}:\n{diff}"


def test_unknown_email_costs_a_password_hash_too(client, make_user, monkeypatch):
    """No timing shortcut: an unknown address runs the same argon2 verification."""
    user = make_user()
    calls = []
    original = PasswordHasher.verify

    def counting_verify(self, hash_, password):
        calls.append(hash_)
        return original(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    _try(client, user.email)
    assert len(calls) == 1
    _try(client, "tidak-ada@example.test")
    assert len(calls) == 2


# -- check 9: no open redirect -------------------------------------------------------------------

OFFSITE = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "%2f%2Fevil.example/x",
    "///evil.example",
    "https:evil.example",
    "/%09/evil.example",
    "%09//evil.example",
    "http://localhost.evil.example/",
    " //evil.example",
]


def _assert_local(location):
    assert location, "no Location header"
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith("//"), location
    assert "\\" not in location, location
    # Resolve it as a browser would (tabs and newlines dropped, backslash read as slash).
    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    assert urlsplit(urljoin("https://klinik.example/x/", cleaned)).netloc == "klinik.example"


@pytest.mark.parametrize("target", OFFSITE)
def test_login_next_stays_on_site(client, make_user, target):
    user = make_user()
    response = client.post(f"/login?next={target}",
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    _assert_local(response.headers["Location"])


def test_login_next_local_path_is_followed(client, make_user):
    user = make_user()
    response = client.post("/login", query_string={"next": "/account?tab=1"},
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/account?tab=1"


@pytest.mark.parametrize("target", OFFSITE)
def test_language_switch_next_stays_on_site(client, target):
    from urllib.parse import unquote

    for value in (target, unquote(target)):
        response = client.post("/lang/en", data={"next": value})
        assert response.status_code == 302
        _assert_local(response.headers["Location"])


def test_language_switch_goes_back_to_the_page(client):
    response = client.post("/lang/en", data={"next": "/login?x=1"})
    assert response.headers["Location"] == "/login?x=1"
    assert 'lang="en"' in client.get("/login").get_data(as_text=True)


# -- check 15: mass assignment on the profile form -------------------------------------------------

def test_profile_ignores_fields_it_does_not_offer(client, auth, make_user, make_skpd):
    other = make_skpd()
    contact = make_user("contact")
    own_skpd, token, email, hash_ = (contact.skpd_id, contact.session_token, contact.email,
                                     contact.password_hash)
    auth.login_as(contact)
    response = client.post("/account", data={
        "name": "Nama Baru", "position": "Kepala Seksi", "phone": "0511-3350000",
        "locale": "id", "timezone": "Asia/Jakarta",
        "role": "admin", "skpd_id": str(other.id), "is_active": "0", "session_token": "x",
        "email": "pengambil-alih@example.test", "password_hash": "x", "id": "1",
    })
    assert response.status_code == 302
    db.session.expire_all()
    db.session.refresh(contact)
    assert (contact.name, contact.position, contact.timezone) == (
        "Nama Baru", "Kepala Seksi", "Asia/Jakarta")
    assert contact.role == "contact" and contact.skpd_id == own_skpd and contact.is_active
    assert (contact.session_token, contact.email, contact.password_hash) == (token, email, hash_)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("field, value", [("locale", "xx"), ("timezone", "Europe/Berlin")])
def test_profile_choices_are_validated(client, auth, make_user, field, value):
    user = make_user()
    auth.login_as(user)
    data = {"name": "Nama", "locale": "id", "timezone": "", field: value}
    assert client.post("/account", data=data).status_code == 200
    db.session.refresh(user)
    assert getattr(user, field) != value


def test_current_password_guesses_on_the_change_form_are_limited(client, auth, make_user):
    """A stolen session cannot be used to guess the current password without limit."""
    user = make_user()
    new = "Kalimat-Sandi-Baru-2026"
    with time_machine.travel(START, tick=False):
        auth.login_as(user)
        for n in range(5):
            response = client.post("/account/password", data={
                "current": f"tebakan-{n}", "password": new, "confirm": new})
            assert response.status_code == 200
        response = client.post("/account/password", data={
            "current": PASSWORD, "password": new, "confirm": new})
        assert response.status_code == 429
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    (event,) = _events("password_change_locked")
    assert event.actor_id == user.id
