"""CSRF on every state change (check 10) and no mutation over GET (check 11)."""
import re

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.routing.converters import NumberConverter

from clinic.extensions import csrf, db
from conftest import PASSWORD, ROLES, AuthActions, route_url

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# Views that skip CSRF on purpose; each must be read-only (GET).
CSRF_EXEMPT = {"clinic.main.routes.healthz"}
# State-changing views whose URL carries a signed token instead (RFC 8058 one-click
# unsubscribe: mail clients POST without our CSRF token). Each is checked below.
SIGNED_TOKEN_EXEMPT = {"clinic.reminders.routes.perform": "unsubscribe.perform"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _token(client, path="/login", **kwargs):
    match = TOKEN.search(client.get(path, **kwargs).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def _login(client, user, **kwargs):
    token = _token(client, **kwargs)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token}, **kwargs)
    assert response.status_code == 302 and not response.headers["Location"].startswith("/login")
    return _token(client, "/account", **kwargs)


def _state_changing_rules(app):
    return sorted(
        ((rule, method) for rule in app.url_map.iter_rules()
         for method in rule.methods & STATE_CHANGING),
        key=lambda pair: (pair[0].endpoint, pair[0].rule, pair[1]),
    )


def _url(app, world, route_table, rule, method):
    """The URL from the route table's row when there is one, else from placeholder values."""
    for row in route_table:
        if row["endpoint"] == rule.endpoint and row.get("method", "GET").upper() == method:
            try:
                return route_url(app, world, row), world.fill(row.get("data") or {})
            except LookupError:
                break  # a placeholder this world does not have: fall back to plain values
    values = {name: 1 if isinstance(rule._converters[name], NumberConverter) else "x"
              for name in rule.arguments}
    with app.test_request_context():
        return url_for(rule.endpoint, **values), {}


def _csrf_refusal(response):
    """The error page of a refused form token (a form refused for its input is a 400 too,
    but shows the form again, not this page)."""
    body = response.get_data(as_text=True)
    assert response.status_code != 400 or "<title>" in body, body
    title = body.split("<title>", 1)[-1].split("</title>", 1)[0]
    return response.status_code == 400 and ("Permintaan tidak valid" in title
                                            or "Invalid request" in title)


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_every_state_change_needs_a_csrf_token(app, world, route_table):
    rules = [(rule, method) for rule, method in _state_changing_rules(app)
             if rule.endpoint not in SIGNED_TOKEN_EXEMPT.values()]
    assert len(rules) >= 5
    for rule, method in rules:
        url, data = _url(app, world, route_table, rule, method)
        client = app.test_client()
        token = _login(client, world.admin)
        refused = client.open(url, method=method, data=data)
        assert _csrf_refusal(refused), f"{rule.endpoint} {method} without a token"
        forged = client.open(url, method=method, data=dict(data, csrf_token="x" + token[1:]))
        assert _csrf_refusal(forged), f"{rule.endpoint} {method} with a forged token"
        accepted = client.open(url, method=method, data=dict(data, csrf_token=token))
        assert not _csrf_refusal(accepted), f"{rule.endpoint} {method} with a valid token"


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_token_of_another_session_is_refused(app, make_user):
    user = make_user()
    mine, theirs = app.test_client(), app.test_client()
    _login(mine, user)
    their_token = _login(theirs, make_user())
    response = mine.post("/account", data={"name": "Diubah", "locale": "id", "timezone": "",
                                           "csrf_token": their_token})
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.name != "Diubah"


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_https_needs_a_same_origin_referer(app, make_user):
    user = make_user()
    client = app.test_client()
    https = {"base_url": "https://localhost"}
    token = _login(client, user, headers={"Referer": "https://localhost/login"}, **https)
    data = {"name": "Nama Baru", "locale": "id", "timezone": "", "csrf_token": token}
    assert client.post("/account", data=data, **https).status_code == 400
    assert client.post("/account", data=data, headers={"Referer": "https://evil.example/"},
                       **https).status_code == 400
    assert client.post("/account", data=data, headers={"Referer": "https://localhost/account"},
                       **https).status_code == 302


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_csrf_error_page_is_friendly(app, client):
    response = client.post("/login", data={"email": "a@b.c", "password": "x"})
    assert response.status_code == 400
    assert "Permintaan tidak valid" in response.get_data(as_text=True)


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_signed_token_views_refuse_a_bad_token_and_change_nothing(app, client, make_user):
    user = make_user("contact")
    for endpoint in SIGNED_TOKEN_EXEMPT.values():
        with app.test_request_context():
            url = url_for(endpoint, token="bm90LWEtdG9rZW4.forged")
        assert client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 404
    db.session.refresh(user)
    assert user.digest_frequency == "daily"


def test_csrf_exemptions_are_an_explicit_allow_list(app):
    assert set(csrf._exempt_views) == CSRF_EXEMPT | set(SIGNED_TOKEN_EXEMPT)
    assert not csrf._exempt_blueprints
    views = {f"{view.__module__}.{view.__name__}": endpoint
             for endpoint, view in app.view_functions.items()}
    for name, endpoint in SIGNED_TOKEN_EXEMPT.items():
        assert views[name] == endpoint
    for name in CSRF_EXEMPT:
        rules = app.url_map.iter_rules(views[name])
        assert all(not (rule.methods & STATE_CHANGING) for rule in rules), name


def test_production_checks_csrf_by_default():
    from config import ProductionConfig

    assert getattr(ProductionConfig, "WTF_CSRF_ENABLED", True) is True
    assert getattr(ProductionConfig, "WTF_CSRF_CHECK_DEFAULT", True) is True


# -- check 11: no mutation over GET ---------------------------------------------------------------

def test_state_changing_endpoints_refuse_get(app, client, auth, world):
    auth.login_as(world.admin)
    # A URL whose GET is a separate read-only view (e.g. the unsubscribe confirmation page)
    # answers GET there, not 405.
    readable = {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    post_only = [rule for rule in app.url_map.iter_rules()
                 if rule.methods & STATE_CHANGING and "GET" not in rule.methods
                 and rule.rule not in readable]
    endpoints = {rule.endpoint for rule in post_only}
    assert {"auth.logout", "outbox.resend", "outbox.cancel", "main.set_language"} <= endpoints
    for rule in post_only:
        url, _ = _url(app, world, [], rule, "POST")
        for method in ("GET", "HEAD"):
            response = client.open(url, method=method)
            assert response.status_code == 405, f"{rule.endpoint} {method}"
    # Still logged in: GET /logout did not log out.
    assert client.get("/").status_code == 200


def _snapshot():
    return {
        table.name: sorted(map(repr, db.session.execute(select(table)).all()))
        for table in db.metadata.sorted_tables
    }


@pytest.mark.parametrize("role", ROLES)
def test_get_changes_nothing(role, app, world, route_table):
    """Every GET row of the route table, as this role, leaves every table as it was."""
    failures = []
    rows = [row for row in route_table if row.get("method", "GET").upper() == "GET"]
    for row in rows:
        client = app.test_client()
        if world.users[role] is not None:
            AuthActions(client).login_as(world.users[role])
        try:
            url = route_url(app, world, row)
        except LookupError as exc:
            failures.append(f"{row['_source']} {row['endpoint']}: {exc}")
            continue
        db.session.expire_all()
        before = _snapshot()
        client.get(url)
        db.session.expire_all()
        if _snapshot() != before:
            failures.append(f"{row['_source']} {row['endpoint']}: GET changed the database")
    assert not failures, "\n".join(failures)
