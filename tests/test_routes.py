"""The route table (tests/routes/*.yaml): every URL rule x every role answers as the table says;
and SKPD isolation through the one scoping function (check 13)."""
import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from clinic.access import get_scoped_or_404, scope
from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.extensions import db
from conftest import ROLES

IGNORED_ENDPOINTS = {"static", "bootstrap.static"}
METHODS = {"GET", "POST"}


def _rules(app):
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules() if rule.endpoint not in IGNORED_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_rule_has_a_row(app, route_table):
    named = {(row["endpoint"], row.get("method", "GET").upper()) for row in route_table}
    missing = sorted(_rules(app) - named)
    assert not missing, "rules with no row in tests/routes/*.yaml:\n" + "\n".join(
        f"  {endpoint} {method}" for endpoint, method in missing)


def test_every_row_is_well_formed(app, route_table):
    rules = _rules(app)
    problems = []
    for row in route_table:
        where = f"{row['_source']} {row.get('endpoint')}"
        method = str(row.get("method", "")).upper()
        if method not in METHODS:
            problems.append(f"{where}: method must be one of {sorted(METHODS)}")
        if (row.get("endpoint"), method) not in rules:
            problems.append(f"{where}: no such rule ({method})")
        expect = row.get("expect") or {}
        if set(expect) != set(ROLES):
            problems.append(f"{where}: expect must name exactly {', '.join(ROLES)}")
        if not all(isinstance(code, int) and 200 <= code < 600 for code in expect.values()):
            problems.append(f"{where}: expected statuses must be HTTP status codes")
        if not set(row.get("hidden") or {}) <= set(ROLES):
            problems.append(f"{where}: hidden must name roles of {', '.join(ROLES)}")
        unknown = set(row) - {"endpoint", "method", "args", "data", "expect", "hidden",
                              "_source"}
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
    assert not problems, "\n".join(problems)


def test_route(route_case, request_route, world):
    row, role = route_case
    response = request_route(row, role)
    where = f"{row['_source']} {row['endpoint']} {row.get('method', 'GET')} as {role}"
    assert response.status_code == row["expect"][role], (
        f"{where}: {response.status_code} (Location: {response.headers.get('Location')})"
    )
    # What another SKPD owns (or a session's details for a trainer who does not coach it).
    hidden = world.fill((row.get("hidden") or {}).get(role, []))
    leaks = [text for text in hidden if text in response.get_data(as_text=True)]
    assert not leaks, f"{where} shows {leaks}"


# -- check 13: SKPD isolation through the one scoping function ------------------------------------


def _visible(model, user):
    return {obj.id for obj in db.session.scalars(scope(select(model), model, user))}


@pytest.mark.parametrize("role", ["admin", "staff", "trainer", "contact_own", "contact_other"])
def test_scope_of_skpds_and_users(world, role):
    user = world.users[role]
    all_skpds = {world.skpd.id, world.other_skpd.id}
    all_users = {u.id for u in world.users.values() if u is not None}
    own = {"contact_own": world.skpd, "contact_other": world.other_skpd}.get(role)
    expected_skpds = {
        "admin": all_skpds, "staff": all_skpds,
        "trainer": {world.skpd.id},  # the SKPD of the session the trainer coaches
    }.get(role, {own.id} if own else set())
    expected_users = {
        "admin": all_users, "staff": all_users,
        "trainer": {u.id for u in world.skpd.contacts},
    }.get(role, {u.id for u in own.contacts} if own else set())
    assert _visible(Skpd, user) == expected_skpds
    assert _visible(User, user) == expected_users
    for model, ids in ((Skpd, all_skpds), (User, all_users)):
        expected = expected_skpds if model is Skpd else expected_users
        for ident in ids:
            if ident in expected:
                assert get_scoped_or_404(model, ident, user).id == ident
            else:
                with pytest.raises(NotFound):
                    get_scoped_or_404(model, ident, user)


def test_trainer_scope_follows_the_sessions_they_coach(world, make_user):
    newcomer = make_user("trainer")
    assert _visible(Skpd, newcomer) == set()  # no sessions yet: a trainer sees no SKPD
    world.session.status = "cancelled"
    db.session.commit()
    assert _visible(Skpd, world.trainer) == set()  # a cancelled session gives no access
    with pytest.raises(NotFound):
        get_scoped_or_404(Skpd, world.skpd.id, world.trainer)


def test_scope_refuses_contact_without_skpd_and_unknown_roles(world):
    # Never stored: a contact that lost its SKPD, and a role the scope does not know.
    orphan = User(email="yatim@example.test", name="Yatim", role="contact", skpd_id=None)
    stranger = User(email="asing@example.test", name="Asing", role="auditor")
    for user in (orphan, stranger):
        assert _visible(Skpd, user) == set() and _visible(User, user) == set()
        with pytest.raises(NotFound):
            get_scoped_or_404(Skpd, world.skpd.id, user)


def test_contact_home_shows_only_own_skpd(client, auth, world, make_user):
    colleague = make_user("contact", skpd=world.skpd)
    other_colleague = make_user("contact", skpd=world.other_skpd)
    auth.login_as(world.contact)
    body = client.get("/", query_string={"skpd_id": world.other_skpd.id}).get_data(as_text=True)
    assert world.skpd.name in body and colleague.email in body
    for leak in (world.other_skpd.name, world.other_contact.email, other_colleague.email,
                 world.other_contact.name):
        assert leak not in body, leak
    unchanged = db.session.get(Skpd, world.other_skpd.id)
    assert unchanged.name == "Dinas Kedua" and unchanged.is_active
