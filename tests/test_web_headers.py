"""Security headers on every page, error pages included (check 25)."""
import re

import pytest
from clinic.extensions import db
from clinic.outbox.models import Notification
from conftest import ROLES

HTTPS = {"base_url": "https://localhost"}


def _directives(csp):
    return {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}


def assert_security_headers(response, authenticated, https=True):
    headers = response.headers
    csp = headers.get("Content-Security-Policy")
    assert csp, "no Content-Security-Policy"
    directives = _directives(csp)
    object_src = directives.get("object-src", directives.get("default-src"))
    assert object_src == ["'none'"], csp
    assert directives.get("base-uri") == ["'none'"], csp
    assert directives.get("frame-ancestors") in (["'none'"], ["'self'"]), csp
    assert "'unsafe-eval'" not in csp
    assert "'unsafe-inline'" not in " ".join(directives.get("script-src", [])), csp
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") in {
        "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
    if https:
        hsts = headers.get("Strict-Transport-Security", "")
        match = re.search(r"max-age=(\d+)", hsts)
        assert match and int(match.group(1)) >= 31536000, hsts
    else:
        assert "Strict-Transport-Security" not in headers
    if authenticated:
        assert "no-store" in headers.get("Cache-Control", ""), headers.get("Cache-Control")


@pytest.mark.parametrize("role", ROLES)
def test_headers_on_every_page_for_every_role(role, route_table, request_route):
    """Every GET row of the route table, as this role (one world; GET changes nothing)."""
    failures = []
    rows = [row for row in route_table if row.get("method", "GET").upper() == "GET"]
    assert len(rows) >= 10
    for row in rows:
        where = f"{row['_source']} {row['endpoint']}"
        try:
            response = request_route(row, role, **HTTPS)
            assert_security_headers(response, authenticated=role != "anonymous")
        except (AssertionError, LookupError) as exc:
            failures.append(f"{where}: {exc}")
    assert not failures, "\n".join(failures)


def test_no_hsts_over_plain_http(client):
    assert_security_headers(client.get("/login"), authenticated=False, https=False)


@pytest.mark.parametrize("role", [None, "admin", "contact"])
def test_404_page(client, auth, make_user, role):
    if role:
        auth.login_as(make_user(role))
    response = client.get("/tidak/ada/halaman-ini", **HTTPS)
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    assert_security_headers(response, authenticated=bool(role))


def test_405_page(client):
    response = client.get("/logout", **HTTPS)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert_security_headers(response, authenticated=False)


@pytest.mark.app_config(MAX_CONTENT_LENGTH=2048)
@pytest.mark.parametrize("role", [None, "staff"])
def test_413_page(app, client, auth, make_user, role):
    user = make_user(role or "staff")
    if role:
        auth.login_as(user)
    url = "/account" if role else "/login"
    response = client.post(url, data={"email": user.email, "name": "x" * 5000,
                                      "password": "y" * 100}, **HTTPS)
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)
    assert_security_headers(response, authenticated=bool(role))
    db.session.refresh(user)
    assert user.name != "x" * 5000


@pytest.mark.parametrize("role", [None, "staff"])
def test_500_page(app, client, auth, make_user, role):
    def boom():
        raise RuntimeError("boom")

    app.add_url_rule("/_test/boom", "test_boom", boom)
    if role:
        auth.login_as(make_user(role))
    response = client.get("/_test/boom", **HTTPS)
    assert response.status_code == 500
    assert_security_headers(response, authenticated=bool(role))


def test_403_page(client, auth, make_user):
    auth.login_as(make_user("contact"))
    response = client.get("/admin/outbox/", **HTTPS)
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)
    assert_security_headers(response, authenticated=True)


def test_mail_preview_frame_is_sandboxed(client, auth, world):
    auth.login_as(world.staff)
    row = db.session.get(Notification, world.notification.id)
    row.body_html = '<p>Halo</p><script>alert(1)</script><base href="https://evil.example/">'
    db.session.commit()
    response = client.get(f"/admin/outbox/{row.id}/html", **HTTPS)
    assert response.status_code == 200
    directives = _directives(response.headers["Content-Security-Policy"])
    assert "sandbox" in directives and directives["sandbox"] == []
    assert directives.get("default-src") == ["'none'"]
    assert "script-src" not in directives
    assert_security_headers(response, authenticated=True)
