"""The embedded scheduler starts once: not in tests, not in the reloader's watcher process."""
import pytest

from clinic import create_app
from clinic.reminders.scheduler import should_start


@pytest.mark.parametrize(
    "config, environ, expected",
    [
        ({"EMBEDDED_SCHEDULER": False}, {}, False),
        ({"EMBEDDED_SCHEDULER": True}, {}, True),
        ({"EMBEDDED_SCHEDULER": True, "DEBUG": True}, {}, False),  # reloader watcher
        ({"EMBEDDED_SCHEDULER": True, "DEBUG": True}, {"WERKZEUG_RUN_MAIN": "true"}, True),
        ({"EMBEDDED_SCHEDULER": True, "TESTING": True}, {}, False),
    ],
)
def test_should_start(config, environ, expected):
    app = create_app("development", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.config.update(config)  # after create_app, so no real scheduler thread is started here
    app.testing = bool(config.get("TESTING"))
    app.debug = bool(config.get("DEBUG"))
    assert should_start(app, environ) is expected


def test_testing_app_never_starts_it():
    app = create_app("testing", overrides={"EMBEDDED_SCHEDULER": True})
    assert "embedded_scheduler" not in app.extensions
