"""clinic.querycount: the X-Query-Count header of `make bench`, inert unless asked for."""
import pytest

from clinic import querycount


def test_inert_by_default(app, client, auth, make_user, monkeypatch):
    monkeypatch.delenv(querycount.SETTING, raising=False)
    assert querycount.init_app(app) is False
    auth.login_as(make_user("staff"))
    assert querycount.HEADER not in client.get("/admin/cycles/").headers


@pytest.mark.app_config(BENCH_QUERY_COUNT="1")
def test_counts_the_statements_of_each_request(app, client, auth, make_user):
    assert querycount.init_app(app) is True
    auth.login_as(make_user("staff"))
    assert int(client.get("/healthz").headers[querycount.HEADER]) >= 1
    first = int(client.get("/admin/cycles/").headers[querycount.HEADER])
    again = int(client.get("/admin/cycles/").headers[querycount.HEADER])
    assert first == again >= 2  # per request, not a running total
