"""SQL statements per request, for benchmarks only: the ``X-Query-Count`` response header.

``init_app(app)`` does nothing unless ``BENCH_QUERY_COUNT=1`` is set in the app config or the
environment; then it listens to ``before_cursor_execute`` on the app's engines and adds the
number of statements the request ran to its response. Otherwise nothing is registered, so a
normal server pays nothing for it.

``make bench`` installs it in its gunicorn workers (``scripts/bench/gunicorn_count.py``).
Nothing here imports the rest of ``clinic``: the engines come from the app's Flask-SQLAlchemy
extension.
"""
import os

from flask import g, has_request_context
from sqlalchemy import event

HEADER = "X-Query-Count"
SETTING = "BENCH_QUERY_COUNT"


def enabled(app):
    """Whether the app config or the environment asks for query counting."""
    value = app.config.get(SETTING, os.environ.get(SETTING, ""))
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _count(conn, cursor, statement, parameters, context, executemany):
    if has_request_context():
        g.bench_query_count = g.get("bench_query_count", 0) + 1


def _add_header(response):
    response.headers[HEADER] = str(g.get("bench_query_count", 0))
    return response


def init_app(app):
    """Count statements per request when enabled; return whether it was installed."""
    if not enabled(app):
        return False
    with app.app_context():
        engines = list(app.extensions["sqlalchemy"].engines.values())
    for engine in engines:
        event.listen(engine, "before_cursor_execute", _count)
    app.after_request(_add_header)
    return True
