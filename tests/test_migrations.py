"""Migrations: one head, and `flask db upgrade` builds exactly the schema the models describe."""
import logging

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect

from clinic import create_app
from clinic.extensions import db
from config import BASE_DIR, TestingConfig

MIGRATIONS = BASE_DIR / "migrations"


def test_exactly_one_head():
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads, merge them: {heads}"


def _drop_everything():
    meta = MetaData()
    meta.reflect(bind=db.engine)
    meta.drop_all(bind=db.engine)


@pytest.fixture
def keep_logging():
    """env.py runs logging.fileConfig(), which disables every other logger; undo that."""
    root = logging.getLogger()
    saved = (root.level, list(root.handlers),
             {name: logger.disabled for name, logger in logging.root.manager.loggerDict.items()
              if isinstance(logger, logging.Logger)})
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.disabled = saved[2].get(name, False)


@pytest.fixture
def empty_database(tmp_path, monkeypatch, keep_logging):
    """An app on a database with no tables: a new SQLite file, or the test server emptied."""
    url = TestingConfig.SQLALCHEMY_DATABASE_URI
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": url})
    monkeypatch.chdir(BASE_DIR)  # Flask-Migrate finds "migrations/" from the working directory
    with app.app_context():
        _drop_everything()
        yield app
        db.session.remove()
        _drop_everything()
        db.engine.dispose()


def _differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _flask_db(app, *args):
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result


def test_upgrade_builds_the_models_schema(empty_database):
    _flask_db(empty_database, "upgrade")
    assert _differences() == []
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables and "alembic_version" in tables


def test_downgrade_and_upgrade_again(empty_database):
    _flask_db(empty_database, "upgrade")
    _flask_db(empty_database, "downgrade", "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    _flask_db(empty_database, "upgrade")
    assert _differences() == []
