"""The browser suite: the real app served on loopback, driven by headless Chromium (Playwright).

Run with `make test-browser`. It needs Debian's `chromium` (CHROMIUM_PATH overrides the path).
The app runs in a thread of this process on a fresh SQLite file with CSRF on, like production.
"""
import os
import shutil
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from clinic import create_app
from clinic.extensions import db
from config import TestingConfig

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium not found: install Debian's `chromium` or set CHROMIUM_PATH")
    return path


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    app = create_app(TestingConfig, {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite'}",
        "WTF_CSRF_ENABLED": True,
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "BASE_URL": "http://127.0.0.1",
    })
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page_factory(browser, live_app):
    """New pages (each its own browser context, i.e. its own cookies) that record problems."""
    contexts = []

    def make(width=1280, height=900):
        context = browser.new_context(base_url=live_app.config["BASE_URL"],
                                      viewport={"width": width, "height": height},
                                      locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
        page.on("pageerror", lambda exc: page.problems.append(str(exc)))
        page.on("dialog", lambda dialog: _answer(page, dialog))
        return page

    yield make
    for context in contexts:
        context.close()


def _answer(page, dialog):
    # data-confirm buttons ask with confirm(); any alert() is a script that should not run.
    if dialog.type == "confirm":
        dialog.accept()
    else:
        page.problems.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def login(page, email, password):
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login failed for {email}"
