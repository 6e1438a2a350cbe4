"""Sessions: cookie flags (check 5), logout (6), revocation (7), timeouts and fresh logins (8)."""
import re
import secrets
from datetime import datetime, timedelta, timezone
from http.cookies import SimpleCookie

import pytest
import time_machine
from werkzeug.http import parse_date

from clinic.auth.services import deactivate
from clinic.extensions import db
from conftest import PASSWORD, AuthActions

START = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
NEW_PASSWORD = "Kalimat-Sandi-Yang-Baru-2026"
PRODUCTION = dict(SECRET_KEY=secrets.token_urlsafe(48),
                  RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")


def _set_cookies(response):
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        cookies[name] = header
    return cookies


def _attributes(header):
    parsed = SimpleCookie()
    parsed.load(header)
    morsel = next(iter(parsed.values()))
    return morsel, [part.strip().lower() for part in header.split(";")[1:]]


def _copy_cookies(source, target, names=("session", "remember_token")):
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


# -- check 5: cookie flags -------------------------------------------------------------------------

@pytest.mark.app_config("production", **PRODUCTION)
def test_production_cookies_are_secure_httponly_samesite(app, make_user):
    user = make_user()
    client = app.test_client()
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/login"},
                           data={"email": user.email, "password": PASSWORD, "remember": "y",
                                 "csrf_token": token})
    assert response.status_code == 302
    cookies = _set_cookies(response)
    assert {"session", "remember_token"} <= set(cookies)
    for name in ("session", "remember_token"):
        morsel, attributes = _attributes(cookies[name])
        assert "secure" in attributes, name
        assert "httponly" in attributes, name
        assert "samesite=lax" in attributes or "samesite=strict" in attributes, name
    morsel, _ = _attributes(cookies["remember_token"])
    expires = parse_date(morsel["expires"])
    assert expires - datetime.now(timezone.utc) <= timedelta(days=30, minutes=1)
    assert app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)


def test_development_cookies_are_httponly_samesite(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "remember": "y"})
    for name, header in _set_cookies(response).items():
        _, attributes = _attributes(header)
        assert "httponly" in attributes and "samesite=lax" in attributes, name


# -- check 6: logout really ends the session -------------------------------------------------------

def test_logout_ends_session_and_remember_cookie(app, client, auth, make_user):
    user = make_user()
    auth.login_as(user, remember=True)
    replay = app.test_client()
    _copy_cookies(client, replay)
    assert replay.get("/").status_code == 200  # the copy works before logout
    assert auth.logout().status_code == 302
    for names in (("session", "remember_token"), ("remember_token",), ("session",)):
        fresh = app.test_client()
        _copy_cookies(replay, fresh, names)
        response = fresh.get("/")
        assert response.status_code == 302, names
        assert response.headers["Location"].startswith("/login")


def test_logout_answers_post_only(client, auth, make_user):
    auth.login_as(make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


# -- check 7: deactivation and password change revoke sessions ------------------------------------

def test_deactivation_ends_every_session(app, client, auth, make_user):
    admin = make_user("admin")
    contact = make_user("contact")
    auth.login_as(contact, remember=True)
    other_device = app.test_client()
    AuthActions(other_device).login_as(contact, remember=True)
    assert client.get("/").status_code == 200
    deactivate(contact, admin)
    db.session.commit()
    for device in (client, other_device):
        response = device.get("/")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    only_remember = app.test_client()
    _copy_cookies(other_device, only_remember, ("remember_token",))
    assert only_remember.get("/").status_code == 302
    assert AuthActions(app.test_client()).login(contact.email).status_code == 200


def test_password_change_needs_the_current_password(app, client, auth, make_user):
    user = make_user()
    auth.login_as(user)
    device_b = app.test_client()
    AuthActions(device_b).login_as(user)
    before = user.password_hash, user.session_token
    response = client.post("/account/password", data={
        "current": "bukan-sandi-saya", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 200
    assert "Kata sandi saat ini salah." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.password_hash, user.session_token) == before
    assert device_b.get("/").status_code == 200


def test_password_change_logs_out_other_devices(app, client, auth, make_user):
    user = make_user()
    auth.login_as(user, remember=True)
    device_b = app.test_client()
    AuthActions(device_b).login_as(user, remember=True)
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this device goes on
    response = device_b.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    # Device B's remember-me cookie is dead too.
    only_remember = app.test_client()
    _copy_cookies(device_b, only_remember, ("remember_token",))
    assert only_remember.get("/").status_code == 302
    assert AuthActions(app.test_client()).login(user.email).status_code == 200
    assert AuthActions(app.test_client()).login(user.email, NEW_PASSWORD).status_code == 302


# -- check 8: idle and absolute timeouts, fresh login for sensitive pages ---------------------------

def test_idle_timeout(app, client, auth, make_user):
    user = make_user()
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    with time_machine.travel(START, tick=False) as traveller:
        auth.login_as(user)
        traveller.shift(idle - timedelta(minutes=1))
        assert client.get("/").status_code == 200  # activity restarts the idle clock
        traveller.shift(idle - timedelta(minutes=1))
        assert client.get("/").status_code == 200
        traveller.shift(idle + timedelta(minutes=1))
        response = client.get("/account")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Sesi Anda telah berakhir" in page
        assert client.get("/").status_code == 302


def test_idle_timeout_also_ends_remember_me(app, client, auth, make_user):
    user = make_user()
    with time_machine.travel(START, tick=False) as traveller:
        auth.login_as(user, remember=True)
        traveller.shift(timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
        assert client.get("/").status_code == 302
        assert client.get("/").status_code == 302


def test_absolute_timeout_despite_activity(app, client, auth, make_user):
    user = make_user()
    lifetime = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    with time_machine.travel(START, tick=False) as traveller:
        auth.login_as(user)
        elapsed = timedelta()
        while elapsed + timedelta(minutes=30) <= lifetime:
            traveller.shift(timedelta(minutes=30))
            elapsed += timedelta(minutes=30)
            assert client.get("/").status_code == 200, elapsed
        traveller.shift(timedelta(minutes=30))
        response = client.get("/")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
        assert client.get("/").status_code == 302


def test_sensitive_page_needs_a_fresh_login(app, client, auth, make_user):
    user = make_user()
    auth.login_as(user, remember=True)
    assert client.get("/account/password").status_code == 200  # fresh: allowed
    restored = app.test_client()
    _copy_cookies(client, restored, ("remember_token",))
    assert restored.get("/").status_code == 200  # remember-me restores the session ...
    response = restored.get("/account/password")  # ... but not for a password change
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=%2Faccount%2Fpassword")
    page = restored.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Masukkan kata sandi Anda lagi untuk melanjutkan." in page.get_data(as_text=True)
    assert restored.post("/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    }).status_code == 302
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    # Entering the password again makes the session fresh and leads back to the page.
    again = AuthActions(restored).login(user.email, next="/account/password")
    assert again.status_code == 302 and again.headers["Location"] == "/account/password"
    assert restored.get("/account/password").status_code == 200
