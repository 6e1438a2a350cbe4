"""Shared fixtures in the flaskr shape: app, client, runner, auth, and factories.

The suite runs on SQLite by default; set TEST_DATABASE_URL to run it on PostgreSQL or MariaDB.
Under CI=true an unreachable database fails the run instead of skipping it.
"""
import itertools
import os

import pytest
from sqlalchemy import delete

from clinic import create_app
from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.extensions import db

PASSWORD = "Rahasia-Kota-2026"
_counter = itertools.count(1)


@pytest.fixture
def app():
    app = create_app("testing")
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        # Empty every table so the next test starts clean on a shared server database.
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(delete(table))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_skpd(app):
    def make(code=None, name=None, **fields):
        n = next(_counter)
        code = code or f"SKPD{n}"
        skpd = Skpd(code=code, name=name or f"Dinas Contoh {n}",
                    short_name=fields.pop("short_name", code.title()), **fields)
        db.session.add(skpd)
        db.session.commit()
        return skpd

    return make


@pytest.fixture
def make_user(app, make_skpd):
    def make(role="staff", email=None, password=PASSWORD, skpd=None, **fields):
        n = next(_counter)
        if role == "contact" and skpd is None:
            skpd = make_skpd()
        user = User(email=email or f"{role}{n}@example.test", name=fields.pop("name", f"{role.title()} {n}"),
                    role=role, skpd=skpd, **fields)
        if password:
            user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email, password=PASSWORD, remember=False, headers=None, next=None):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        url = "/login" if next is None else f"/login?next={next}"
        return self._client.post(url, data=data, headers=headers or {})

    def login_as(self, user, **kwargs):
        response = self.login(user.email, **kwargs)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
