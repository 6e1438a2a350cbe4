"""The production guard, unreachable admin surfaces and the generic 500 page (check 26)."""
import logging
import secrets

import pytest
from sqlalchemy import select, text

from clinic import create_app
from clinic.admin.models import Skpd
from clinic.extensions import db
from config import DEV_SECRET_KEY, ProductionConfig, TestingConfig

GOOD = {
    "SECRET_KEY": secrets.token_urlsafe(48),
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "SQLALCHEMY_DATABASE_URI": TestingConfig.SQLALCHEMY_DATABASE_URI,
}


def test_production_starts_with_safe_settings():
    app = create_app("production", overrides=GOOD)
    assert not app.debug and not app.testing
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["PREFERRED_URL_SCHEME"] == "https"


@pytest.mark.parametrize("overrides, problem", [
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ({"SECRET_KEY": "kurang-panjang-31-karakter-abcd"}, "SECRET_KEY"),
    ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
    ({"SECRET_KEY": TestingConfig.SECRET_KEY}, "SECRET_KEY"),
    ({"DEBUG": True}, "DEBUG"),
    ({"TESTING": True}, "TESTING"),
    ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
    ({"REMEMBER_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
    ({"SCHEDULER_API_ENABLED": True}, "SCHEDULER_API_ENABLED"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI"),
])
def test_production_refuses_unsafe_settings(overrides, problem):
    with pytest.raises(RuntimeError, match=problem):
        create_app("production", overrides=dict(GOOD, **overrides))


def test_production_refuses_the_class_defaults_without_a_secret_key():
    if ProductionConfig.SECRET_KEY not in (None, "", DEV_SECRET_KEY):
        pytest.fail("SECRET_KEY is set in the test environment; unset it to run this check")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_development_defaults_are_not_production_safe():
    """The development key is public: it must never pass the production check."""
    with pytest.raises(RuntimeError):
        ProductionConfig.check({"SECRET_KEY": DEV_SECRET_KEY, "SESSION_COOKIE_SECURE": True,
                                "REMEMBER_COOKIE_SECURE": True,
                                "RATELIMIT_STORAGE_URI": "redis://x"})


PROBES = ["/scheduler", "/scheduler/jobs", "/scheduler/jobs/outbox-delivery", "/.git/HEAD",
          "/.git/config", "/.env", "/static/../config.py", "/static/..%2fconfig.py",
          "/static/%2e%2e/.git/HEAD", "/instance/clinic.sqlite", "/console"]


@pytest.mark.app_config("production", **GOOD)
@pytest.mark.parametrize("path", PROBES)
def test_hidden_surfaces_are_404(app, path):
    client = app.test_client()
    for base in ("http://localhost", "https://localhost"):
        response = client.get(path, base_url=base)
        assert response.status_code == 404, (base, path)


@pytest.mark.app_config("production", **GOOD)
def test_unexpected_error_is_a_generic_page_and_rolls_back(app, caplog):
    def broken():
        db.session.add(Skpd(code="HALFWAY", name="Setengah jalan", short_name="Setengah"))
        db.session.flush()
        db.session.execute(text("SELECT rahasia_kolom FROM tabel_tidak_ada WHERE x = 'bocor'"))
        return "unreachable"

    app.add_url_rule("/_test/broken", "test_broken", broken)
    with caplog.at_level(logging.ERROR, logger="clinic.errors"):
        response = app.test_client().get("/_test/broken", base_url="https://localhost")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert '<html lang="id">' in body
    assert "Terjadi kesalahan pada server" in body
    assert "Tidak ada data yang berubah" in body
    for leak in ("Traceback", "tabel_tidak_ada", "rahasia_kolom", "SELECT", "bocor",
                 "sqlalchemy", "HALFWAY", "File \""):
        assert leak not in body, leak
    # The half-done work is gone, and the server log has the details for the admin.
    assert db.session.scalars(select(Skpd).where(Skpd.code == "HALFWAY")).first() is None
    assert any("Unhandled error on GET /_test/broken" in r.getMessage() and r.exc_info
               for r in caplog.records)


@pytest.mark.app_config("production", **GOOD)
def test_error_page_json_for_health_clients(app):
    def broken():
        raise RuntimeError("rahasia")

    app.add_url_rule("/_test/broken-json", "test_broken_json", broken)
    response = app.test_client().get("/_test/broken-json", base_url="https://localhost",
                                     headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.get_json() == {"error": 500}


@pytest.mark.parametrize("code, family_text", [(410, "Permintaan tidak valid"),
                                               (422, "Permintaan tidak valid"),
                                               (503, "Terjadi kesalahan pada server")])
def test_other_http_errors_keep_their_status_with_their_family_page(app, code, family_text):
    from flask import abort

    app.add_url_rule(f"/_test/abort{code}", f"test_abort{code}", lambda: abort(code))
    response = app.test_client().get(f"/_test/abort{code}")
    assert response.status_code == code
    body = response.get_data(as_text=True)
    assert family_text in body and f">{code}<" in body
