"""Oversized numbers (issue 9, part 4): a 22-digit id in a URL, a query string or a form answers
404, 400 or a form error, never a 500 (OverflowError on SQLite, DataError on the servers)."""
import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from clinic.extensions import db
from clinic.ids import MAX_ID, bounded_int, parse_id
from conftest import ROLES, AuthActions

HUGE = "9" * 22
LOGGED_IN = [role for role in ROLES if role != "anonymous"]
# Every query arg a list page reads as a number or a filter, all oversized at once.
QUERY = dict.fromkeys(("page", "per_page", "skpd", "skpd_id", "session", "session_id", "trainer",
                       "cycle", "year", "item_id", "innovation_id", "user_id", "owner", "status",
                       "kind", "role", "source", "level", "month"), HUGE)


def _numeric(value):
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.isdigit())


def _rule(app, row):
    method = row.get("method", "GET").upper()
    return next(rule for rule in app.url_map.iter_rules(row["endpoint"]) if method in rule.methods)


def _oversized_variants(app, world, row):
    """(URL values, form data, expected status) of a row: first its integer URL values oversized,
    which no rule matches (404); then, the URL kept valid, its numeric query args and form values
    (anything but a 5xx)."""
    in_url = _rule(app, row).arguments
    args, data = world.fill(row.get("args") or {}), world.fill(row.get("data") or {})
    path_ids = [key for key, value in args.items() if key in in_url and _numeric(value)]
    query_ids = [key for key, value in args.items() if key not in in_url and _numeric(value)]
    data_ids = [key for key, value in data.items() if _numeric(value)]
    if path_ids:
        yield {**args, **dict.fromkeys(path_ids, HUGE)}, data, 404
    if query_ids or data_ids:
        yield ({**args, **dict.fromkeys(query_ids, HUGE)},
               {**data, **dict.fromkeys(data_ids, HUGE)}, None)


def _server_errors(app, client, requests):
    """Send (method, URL values, data, expected status, row) requests; describe each that ended
    in a 5xx or not in the expected status."""
    failures = []
    for method, args, data, expected, row in requests:
        with app.test_request_context():
            path = url_for(row["endpoint"], **args)
        try:
            status = client.open(path, method=method, data=data).status_code
        except Exception as exc:  # an error the app's handlers let through the test client
            db.session.rollback()
            status = f"{type(exc).__name__}: {str(exc)[:80]}"
        if not isinstance(status, int) or status >= 500 or expected not in (None, status):
            failures.append(f"{row['_source']} {method} {path[:120]}: {status}")
    return failures


def _client_as(app, user):
    client = app.test_client()
    AuthActions(client).login_as(user)
    return client


@pytest.mark.parametrize("role", LOGGED_IN)
def test_route_table_with_oversized_ids(app, world, route_table, role):
    # One world per role: requests that refuse an id change nothing; the world's objects stay.
    requests = [(row.get("method", "GET").upper(), args, data, expected, row)
                for row in route_table
                for args, data, expected in _oversized_variants(app, world, row)]
    failures = _server_errors(app, _client_as(app, world.users[role]), requests)
    assert not failures, f"{len(failures)} of {len(requests)} requests failed:\n" + "\n".join(
        failures)


@pytest.mark.parametrize("role", LOGGED_IN)
def test_every_page_with_oversized_query_args(app, world, route_table, role):
    rows = {row["endpoint"]: row for row in reversed(route_table)
            if row.get("method", "GET").upper() == "GET"}  # the first GET row of each endpoint
    requests = [("GET", {**QUERY, **world.fill(row.get("args") or {})}, {}, None, row)
                for row in rows.values()]
    # The last page a bounded ?page= allows: its OFFSET must still be one the database takes.
    requests += [("GET", {**world.fill(row.get("args") or {}), "page": MAX_ID}, {}, None, row)
                 for row in rows.values()]
    failures = _server_errors(app, _client_as(app, world.users[role]), requests)
    assert not failures, "\n".join(failures)


def test_parse_id_takes_only_what_an_id_column_holds():
    assert parse_id(str(MAX_ID)) == MAX_ID and parse_id(" 42 ") == 42 and parse_id(7) == 7
    assert parse_id("0" * 30 + "7") == 7
    for bad in (None, "", "abc", "-1", "+1", "1.5", "1_000", "\u00b2", "\u0663",
                str(MAX_ID + 1), HUGE, "9" * 5000):
        assert parse_id(bad) is None, bad
        with pytest.raises((TypeError, ValueError)):
            bounded_int(bad)


def test_int_urls_match_up_to_the_largest_id(app):
    urls = app.url_map.bind("localhost")
    assert urls.match(f"/innovations/{MAX_ID}") == (
        "reporting.innovation_detail", {"innovation_id": MAX_ID})
    for too_big in (MAX_ID + 1, HUGE, "9" * 5000):
        with pytest.raises(NotFound):
            urls.match(f"/innovations/{too_big}")


def _snapshot():
    """Every row of every table: a refused form must leave all of them as they were."""
    with db.engine.connect() as conn:
        return {table.name: sorted(map(repr, conn.execute(select(table))))
                for table in db.metadata.sorted_tables}


def _refused(client, response):
    """A 4xx, a page showing a form error (in Indonesian) or an edit conflict, or a redirect
    with a warning."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200:
        body = response.get_data(as_text=True)
        if "Not a valid choice" in body or "Invalid Choice" in body:
            return False  # WTForms' own English message
        return any(mark in body for mark in (
            "invalid-feedback", "alert-danger", 'class="alert alert-warning" role="alert"'))
    with client.session_transaction() as session:
        return any(category in ("warning", "danger")
                   for category, _ in session.get("_flashes", []))


TASK = {"title": "Lengkapi SK", "priority": "normal", "due_on": "2026-08-01"}
SESSION = {"title": "Klinik Baru", "date": "2030-07-16", "start": "09:00", "end": "11:00",
           "timezone": "Asia/Makassar", "repeat": "none"}
INNOVATION = {"name": "Inovasi Baru", "stage": "penerapan", "jenis": "digital"}
USER = {"email": "baru@example.go.id", "name": "Operator Baru", "role": "contact", "locale": "id",
        "timezone": ""}
SKPD = {"code": "DPERTAMA", "name": "Dinas Pertama", "short_name": "Dinas Pertama",
        "kind": "dinas"}
FORMS = [
    # (role, endpoint, URL values, form data): each names one oversized id.
    ("staff", "reporting.review_bulk_verify", {}, {"item_ids": [HUGE]}),
    ("staff", "reporting.review_bulk_verify", {}, {"item_ids": [HUGE, "{item}"]}),
    ("staff", "reporting.spd_assign", {"item_id": "{spd_item}"}, {"skpd_id": HUGE}),
    ("trainer", "coaching.finding_add", {"session_id": "{session}"},
     {"text": "Foto belum ada", "innovation_id": HUGE}),
    ("trainer", "coaching.finding_add", {"session_id": "{session}"},
     {"text": "Foto belum ada", "item_id": HUGE}),
    ("trainer", "coaching.finding_edit", {"session_id": "{session}", "finding_id": "{finding}"},
     {"text": "Diubah", "innovation_id": "{innovation}", "item_id": HUGE}),
    ("staff", "coaching.attendance_add", {"session_id": "{session}"},
     {"name": "Tamu", "skpd_id": HUGE}),
    ("staff", "coaching.notes", {"session_id": "{session}"}, {"body": "Baru", "version": HUGE}),
    ("staff", "coaching.create", {}, {**SESSION, "skpds": HUGE, "trainers": "{trainer}"}),
    ("staff", "coaching.create", {}, {**SESSION, "skpds": "{skpd}", "trainers": HUGE}),
    ("staff", "coaching.create", {},
     {**SESSION, "skpds": "{skpd}", "trainers": "{trainer}", "innovations": HUGE}),
    ("staff", "coaching.create", {},
     {**SESSION, "skpds": "{skpd}", "trainers": "{trainer}", "repeat": "weekly",
      "repeat_count": HUGE}),
    ("staff", "followups.create", {}, {**TASK, "skpd_id": HUGE}),
    ("staff", "followups.create", {}, {**TASK, "skpd_id": "{skpd}", "owner_id": HUGE}),
    ("staff", "followups.create", {}, {**TASK, "skpd_id": "{skpd}", "item_id": HUGE}),
    ("staff", "followups.create", {}, {**TASK, "skpd_id": "{skpd}", "session_id": HUGE}),
    ("staff", "followups.edit", {"task_id": "{task}"}, {**TASK, "owner_id": HUGE}),
    ("staff", "followups.edit", {"task_id": "{task}"},
     {**TASK, "owner_id": "{contact}", "version": HUGE}),
    ("staff", "reporting.innovation_create", {}, {**INNOVATION, "skpd_id": HUGE}),
    ("contact_own", "reporting.innovation_edit", {"innovation_id": "{innovation}"},
     {**INNOVATION, "version_id": HUGE}),
    ("contact_own", "reporting.item_detail", {"item_id": "{item}"}, {"level": HUGE}),
    ("admin", "admin.user_create", {}, {**USER, "skpd_id": HUGE}),
    ("admin", "admin.skpd_edit", {"skpd_id": "{skpd}"}, {**SKPD, "parent_id": HUGE}),
    ("admin", "catalogue.cycle_create", {}, {"year": "2031", "source": "copy", "copy_from": HUGE}),
    ("admin", "catalogue.cycle_create", {}, {"year": HUGE, "name": "IID", "source": "empty"}),
]


def test_forms_refuse_oversized_ids(app, world):
    # One world for all: each refused form must leave every table as it was.
    clients, failures = {}, []
    for role, endpoint, args, data in FORMS:
        if role not in clients:
            clients[role] = _client_as(app, world.users[role])
        client, before = clients[role], _snapshot()
        with client.session_transaction() as session:
            session.pop("_flashes", None)  # judge each redirect by its own message
        with app.test_request_context():
            path = url_for(endpoint, **world.fill(args))
        try:
            response = client.post(path, data=world.fill(data))
        except Exception as exc:  # an error the app's handlers let through the test client
            db.session.rollback()
            failures.append(f"{endpoint} {data}: {type(exc).__name__}")
            continue
        db.session.rollback()
        if not _refused(client, response):
            failures.append(f"{endpoint} {data}: {response.status_code}, not refused")
        elif _snapshot() != before:
            failures.append(f"{endpoint} {data}: the database changed")
    assert not failures, "\n".join(failures)
