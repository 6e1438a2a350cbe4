"""The test database: one per pytest-xdist worker, its schema built once, emptied after a test.

Each test builds a new app, but the ``app`` fixture hands it the worker's engine for the test
database: an engine caches every SQL statement it compiles, and a new engine per test compiled
them all again (half the suite's time). SQLite (the default) then gets a new in-memory database
per test, copied from an in-memory template that holds the empty schema. PostgreSQL and MariaDB
give each worker a database of its own on the test server (``clinic_test_gw0``...), whose
tables are created once and emptied after every test.
"""
import os
import sqlite3

from sqlalchemy import create_engine, delete, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from clinic.extensions import db
from config import TestingConfig
from scripts.testdb import create_fresh


def worker_database_url(url, worker):
    """The URL of ``worker``'s own database: the test database's name with "_<worker>"."""
    target = make_url(url)
    return target.set(database=f"{target.database}_{worker}").render_as_string(
        hide_password=False)


def use_worker_database():
    """Under pytest-xdist, give this worker a fresh database of its own on the test server.

    TestingConfig and TEST_DATABASE_URL (read by the tests that start processes or build apps
    of their own) then name it, so two workers never share rows, tables or server locks.
    """
    url, worker = os.environ.get("TEST_DATABASE_URL"), os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker or make_url(url).get_backend_name() == "sqlite":
        return
    url = worker_database_url(url, worker)
    create_fresh(url)
    os.environ["TEST_DATABASE_URL"] = url
    TestingConfig.SQLALCHEMY_DATABASE_URI = url


class _SqliteTemplate:
    """The empty schema in an in-memory SQLite database, built on first use: copying it over a
    test's database is much cheaper than running every CREATE TABLE and INDEX again."""

    def __init__(self):
        self._connection = None

    def copy_into(self, engine):
        if self._connection is None:
            self._connection = sqlite3.connect(":memory:", check_same_thread=False)
            builder = create_engine("sqlite://", creator=lambda: self._connection,
                                    poolclass=StaticPool)
            db.metadata.create_all(builder)
        with engine.connect() as conn:
            target = conn.connection.driver_connection
            target.rollback()  # a backup cannot overwrite a database inside a transaction
            self._connection.backup(target)


_template = _SqliteTemplate()
_engines = {}


def _in_memory(engine):
    return engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")


def _share_engine(app):
    """Swap the engine create_app made for the worker's engine on the same database."""
    key = tuple(repr(app.config.get(name)) for name in (
        "SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "SQLALCHEMY_ECHO"))
    engines = db._app_engines[app]  # where Flask-SQLAlchemy 3.1 keeps each app's engines
    shared = _engines.setdefault(key, engines[None])
    if shared is not engines[None]:
        engines[None].dispose()
        engines[None] = shared


def open_database(app):
    """Give ``app`` (whose context is pushed) the worker's engine and every table, empty."""
    _share_engine(app)
    if _in_memory(db.engine):
        # The engine's one connection is the database: overwrite it with the empty schema.
        _template.copy_into(db.engine)
        return
    # A server database keeps its tables from test to test; one catalogue query tells whether
    # a test (test_migrations drops everything) took some away, instead of one per table.
    if not set(db.metadata.tables) <= set(inspect(db.engine).get_table_names()):
        db.create_all()


def close_database():
    """End the test's session and empty every table of a server database for the next test."""
    db.session.remove()
    if _in_memory(db.engine):
        return  # the next test overwrites the whole database with the template
    with db.engine.begin() as conn:
        mysql = conn.dialect.name in ("mysql", "mariadb")
        if mysql:
            # InnoDB checks foreign keys row by row, so a table that refers to itself
            # (innovations.previous_id, skpds.parent_id) cannot be emptied in one DELETE.
            conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(delete(table))
        if mysql:
            conn.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
    # Close the pooled connections, as a new engine per test did: a test may have killed one.
    db.engine.dispose()
